using System.Security.Cryptography;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Demo;
using Warehouse.Etl.Segmenting;
using Warehouse.Etl.Tests.Support;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Etl.Tests.Demo;

/// <summary>A small demo (2,000 customers, about 50,000 lines) run twice on one warehouse file, shared by the tests.</summary>
public sealed class SmallDemoFixture : IDisposable
{
    public SmallDemoFixture()
    {
        Folder = TestPaths.NewTempFolder();
        WarehousePath = Path.Combine(Folder, "demo.duckdb");
        Options = new DemoOptions { Customers = 2_000, Lines = 50_000, Seed = 7, OutputFolder = Path.Combine(Folder, "data") };
        using var warehouse = DuckDbWarehouse.Open(WarehousePath);
        First = DemoRunner.Run(warehouse, Options, new SegmentationOptions { K = 5, Seed = 7 });
        CountsAfterFirst = WarehouseSnapshot.Counts(warehouse);
        MembershipAfterFirst = WarehouseSnapshot.Fingerprint(warehouse, "Segmentation", "CustomerSegment");
        Second = DemoRunner.Run(warehouse, Options, new SegmentationOptions { K = 5, Seed = 7 });
        CountsAfterSecond = WarehouseSnapshot.Counts(warehouse);
        CustomerIds = warehouse.Connection.Query<(int Key, string Id)>(
                "SELECT \"CustomerKey\", \"CrmCustomerId\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0")
            .ToDictionary(r => r.Key, r => r.Id);
    }

    public string Folder { get; }

    public string WarehousePath { get; }

    public DemoOptions Options { get; }

    public DemoRunner.Result First { get; }

    public DemoRunner.Result Second { get; }

    public SortedDictionary<string, long> CountsAfterFirst { get; }

    public SortedDictionary<string, long> CountsAfterSecond { get; }

    public string MembershipAfterFirst { get; }

    public Dictionary<int, string> CustomerIds { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public sealed class DemoPipelineTests(SmallDemoFixture fixture) : IClassFixture<SmallDemoFixture>
{
    [Fact]
    public void Segments_recover_the_planted_behaviours()
    {
        var run = fixture.First.Segmentation;
        var truth = fixture.First.Dataset.Truth;
        var expected = run.CustomerKeys.Select(key => (int)truth[fixture.CustomerIds[key]]).ToArray();

        var ari = ClusteringMetrics.AdjustedRandIndex(expected, run.SegmentKeys);

        Assert.True(ari >= 0.9, $"adjusted Rand index {ari:0.000} < 0.9");
        Assert.Equal(5, run.Segments.Count);
        // The highest-spending segment is the planted loyal high spenders (most of its members).
        var top = run.Segments[0].SegmentKey;
        var members = run.CustomerKeys.Where((_, i) => run.SegmentKeys[i] == top).ToArray();
        Assert.True(members.Count(k => truth[fixture.CustomerIds[k]] == DemoArchetype.LoyalHighSpender) > 0.9 * members.Length);
        Assert.Contains("high value", run.Segments[0].Name, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_demo_changes_no_data_and_records_a_new_run_with_the_same_segments()
    {
        var runTables = new[] { "Segmentation.ModelRun", "Segmentation.Model", "Segmentation.ModelRunSegment" };
        foreach (var (table, count) in fixture.CountsAfterFirst)
        {
            if (runTables.Contains(table))
            {
                Assert.Equal(2 * count, fixture.CountsAfterSecond[table]);
            }
            else
            {
                Assert.True(count == fixture.CountsAfterSecond[table], $"{table}: {count} rows after the first demo, {fixture.CountsAfterSecond[table]} after the second");
            }
        }

        Assert.True(fixture.Second.Transactions.Skipped);
        Assert.Equal(fixture.First.Segmentation.ModelRunKey + 1, fixture.Second.Segmentation.ModelRunKey);
        Assert.Equal(fixture.First.Segmentation.SegmentKeys, fixture.Second.Segmentation.SegmentKeys);
        Assert.All(fixture.Second.Segmentation.Segments, s => Assert.False(s.IsNew));
    }

    [Fact]
    public void The_counts_of_the_demo_load_balance_and_reach_the_facts()
    {
        var load = fixture.First.Transactions;
        Assert.Equal(fixture.First.Dataset.PurchaseLines, load.RowsRead);
        Assert.Equal(load.RowsRead, load.RowsLoaded + load.RowsRejected);
        // Every generated line is valid; the generator's random draws repeat a whole line now and then (same invoice,
        // product, quantity, price and time), and such a line is rejected as a duplicate. Counted here on the file's text
        // (the generator writes every value one way, so equal values are equal text).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeats = File.ReadLines(fixture.First.Dataset.Files.Transactions).Skip(1).Count(line => !seen.Add(line));
        Assert.InRange(repeats, 1, load.RowsRead / 100);
        Assert.Equal(repeats, load.RowsRejected);
        Assert.Equal(load.RowsLoaded, fixture.CountsAfterFirst["Fact.Purchase"]);
        Assert.InRange(load.RowsRead, 45_000, 55_000); // --lines 50,000 is approximate
        Assert.Equal(fixture.Options.Customers, fixture.CustomerIds.Count);
    }

    [Fact]
    public void The_web_events_are_written_in_time_order_with_every_session_whole()
    {
        // The generator merges its planned sessions into one time-ordered stream (it never holds the events): check the
        // order and that each session comes out complete (2–6 events, 10–300 s apart, one visitor).
        var previous = DateTime.MinValue;
        var sessions = new Dictionary<string, (string Visitor, DateTime Last, int Events)>();
        foreach (var line in File.ReadLines(fixture.First.Dataset.Files.WebEvents))
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            var e = json.RootElement;
            var time = DateTime.Parse(e.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal);
            Assert.True(time >= previous, $"{time:O} after {previous:O}");
            previous = time;
            var id = e.GetProperty("session_id").GetString()!;
            var visitor = e.GetProperty("visitor_id").GetString()!;
            if (sessions.TryGetValue(id, out var s))
            {
                Assert.Equal(s.Visitor, visitor);
                Assert.InRange((time - s.Last).TotalSeconds, 10, 300);
            }

            sessions[id] = (visitor, time, s.Events + 1);
        }

        Assert.True(sessions.Count > 1_000);
        Assert.All(sessions.Values, s => Assert.InRange(s.Events, 2, 6));
        Assert.Equal(0, fixture.First.Web.RowsRejected);
    }

    [Fact]
    public void The_generator_is_deterministic_for_a_seed()
    {
        var folder = TestPaths.NewTempFolder();
        try
        {
            var again = new DemoGenerator(new DemoOptions { Customers = 2_000, Lines = 50_000, Seed = 7, OutputFolder = folder }).Generate();
            Assert.Equal(Hash(fixture.First.Dataset.Files.Transactions), Hash(again.Files.Transactions));
            Assert.Equal(Hash(fixture.First.Dataset.Files.Customers), Hash(again.Files.Customers));
            Assert.Equal(Hash(fixture.First.Dataset.Files.WebEvents), Hash(again.Files.WebEvents));
            var other = new DemoGenerator(new DemoOptions { Customers = 2_000, Lines = 50_000, Seed = 8, OutputFolder = Path.Combine(folder, "8") }).Generate();
            Assert.NotEqual(Hash(fixture.First.Dataset.Files.Transactions), Hash(other.Files.Transactions));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
    }
}
