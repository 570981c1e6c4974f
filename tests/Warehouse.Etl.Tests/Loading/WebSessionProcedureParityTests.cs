using System.Numerics;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;
using Session = (string SessionId, string WebVisitorId, System.DateTime StartTime, System.DateTime EndTime, long PageViews, long ProductViews, long AddToCarts, long Conversions, string? Device, string? Referrer);

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Integration.MigrateStagedWebSessionData merges a tracker session split across files as the host's DuckDB migration
/// does (FORMATS.md, "Sessions across files"). The procedure's own statements that build the merged sessions
/// (#Staged, #Continued, #Merged, written in the SQL both engines accept) run on DuckDB inside a DuckDB web load, on the
/// rows the load staged and the facts of the earlier loads, and must give the sessions the DuckDB migration then writes:
/// same name, start, end, counts, device and referrer. The files are those of <see cref="WebSessionSplitTests"/>
/// (expected values counted by hand there) plus a part far from the stored session of its id.
/// </summary>
public sealed class WebSessionProcedureParityTests : CustomerSeededTests
{
    private static readonly string Procedure = File.ReadAllText(
        RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedWebSessionData.sql"));

    private static readonly string[] FileA = WebSessionSplitTests.FileA;

    private static readonly string[] FileB = WebSessionSplitTests.FileB;

    // Files a and b (WebSessionSplitTests): v1/s1 10:00-10:05 (a) and 10:20-10:25 (b) are one session with the device
    // of a; v2/s2's parts overlap (b repeats a's events and adds an 11:15 purchase), so the larger counts are kept; v1/s1
    // 14:00 (b) is its own part s1#20240501T140000Z (sessionizer). v1/s1 18:00 (c): no stored s1 within 30 minutes and
    // the name s1 is taken, so it becomes s1#20240501T180000Z; 18:20 of v3/s9 (c) is new.
    private static readonly string[] FileC =
    [
        WebSessionSplitTests.E("v1", "s1", "18:00", "page_view"),
        WebSessionSplitTests.E("v1", "s1", "18:02", "add_to_cart"),
        WebSessionSplitTests.E("v3", "s9", "18:20", "page_view"),
    ];

    private static string Jsonl(IEnumerable<string> lines) =>
        string.Join("\n", lines.OrderBy(l => l[l.IndexOf("timestamp", StringComparison.Ordinal)..], StringComparer.Ordinal)) + "\n";

    [Fact]
    public void The_procedures_merge_gives_the_sessions_the_duckdb_migration_writes()
    {
        using var warehouse = WithCustomers();
        var t = new DateTime(2024, 5, 1);

        var first = LoadComparing(warehouse, "a.jsonl", FileA);
        Assert.Equal(2, first.Count);

        var second = LoadComparing(warehouse, "b.jsonl", FileB);
        Assert.Equal(
        [
            ("s1", "v1", t.AddHours(10), t.AddHours(10).AddMinutes(25), 2L, 1L, 1L, 1L, "desktop", "mail"),
            ("s1#20240501T140000Z", "v1", t.AddHours(14), t.AddHours(14), 1L, 0L, 0L, 0L, "mobile", "search"),
            ("s2", "v2", t.AddHours(11), t.AddHours(11).AddMinutes(15), 2L, 0L, 0L, 1L, "mobile", "search"),
        ], second);

        var third = LoadComparing(warehouse, "c.jsonl", FileC);
        Assert.Equal(
        [
            ("s1#20240501T180000Z", "v1", t.AddHours(18), t.AddHours(18).AddMinutes(2), 1L, 0L, 1L, 0L, "mobile", "search"),
            ("s9", "v3", t.AddHours(18).AddMinutes(20), t.AddHours(18).AddMinutes(20), 1L, 0L, 0L, 0L, "mobile", "search"),
        ], third);

        // The second file again under another name (same events, other bytes): the merge gives the stored rows unchanged,
        // so the procedure's replace-when-changed step deletes and inserts nothing.
        var before = Facts(warehouse);
        var again = LoadComparing(warehouse, "b-again.jsonl", FileB, extra: "\n");
        Assert.Equal(second, again);
        Assert.Equal(before, Facts(warehouse));
    }

    [Fact]
    public void A_one_line_json_array_stages_and_merges_as_its_json_lines_do()
    {
        // Audit defect 1: file a's events as one JSON array on ONE line (in time order): both sessions (v1/s1 10:00-10:05,
        // v2/s2 11:00, see FileA) start on line 1, so keyed by line their rows collided in Integration.WebSession_Staging;
        // keyed by their first events' record numbers they stage, and the procedure's merge gives what the DuckDB migration writes.
        using var warehouse = WithCustomers();
        var ordered = FileA.OrderBy(l => l[l.IndexOf("timestamp", StringComparison.Ordinal)..], StringComparer.Ordinal);

        var merged = LoadComparing(warehouse, "a-one-line.json", ["[" + string.Join(",", ordered) + "]"]);

        Assert.Equal([("s1", "v1"), ("s2", "v2")], merged.Select(m => (m.SessionId, m.WebVisitorId)));
    }

    [Fact]
    public void The_comparison_sees_a_procedure_that_replaces_instead_of_merging()
    {
        // Guards the test: the procedure as it was (#Merged = the staged part alone) disagrees with the DuckDB migration.
        using var warehouse = WithCustomers();
        LoadComparing(warehouse, "a.jsonl", FileA);
        var replacing = ProcedureOnDuckDb.SelectIntoStatements(Procedure, "#Staged").ToList();
        replacing.Add("CREATE TEMP TABLE \"#Merged\" AS SELECT * FROM \"#Staged\"");

        var merged = RunDuringLoad(warehouse, "b.jsonl", FileB, replacing, extra: string.Empty);

        Assert.Contains(("s1", "v1", new DateTime(2024, 5, 1, 10, 20, 0), new DateTime(2024, 5, 1, 10, 25, 0), 0L, 0L, 1L, 1L, "mobile", "search"), merged);
        Assert.NotEqual(Facts(warehouse).Where(f => merged.Any(m => m.Item1 == f.Item1 && m.Item2 == f.Item2)).ToList(), merged);
    }

    /// <summary>Loads a file on DuckDB, running the procedure's merge at the staged checkpoint; asserts it equals the facts written.</summary>
    private List<Session> LoadComparing(DuckDbWarehouse warehouse, string name, string[] lines, string extra = "")
    {
        var statements = ProcedureOnDuckDb.SelectIntoStatements(Procedure, "#Staged", "#Continued", "#Merged");
        var merged = RunDuringLoad(warehouse, name, lines, statements, extra);
        var facts = Facts(warehouse).Where(f => merged.Any(m => m.Item1 == f.Item1 && m.Item2 == f.Item2)).ToList();
        Assert.Equal(facts, merged);
        return merged;
    }

    private List<Session> RunDuringLoad(DuckDbWarehouse warehouse, string name, string[] lines, IReadOnlyList<string> statements, string extra)
    {
        List<Session>? merged = null;
        var result = InteractionLoaders.LoadWeb(warehouse, Write(name, Jsonl(lines) + extra), checkpoint: point =>
        {
            if (point != "staged")
            {
                return;
            }

            var lineageKey = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
            // The DuckDB load stages in its own temporary table (InteractionMigration.StageWeb) with the columns of
            // Integration.WebSession_Staging; SqlBulkCopy would put the same rows into that table, which the procedure reads.
            Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"WebSession_Staging\""));
            var staged = warehouse.Connection.Execute($"INSERT INTO \"Integration\".\"WebSession_Staging\" SELECT * FROM temp.main.web_staging_{lineageKey}");
            Assert.True(staged > 0);
            foreach (var sql in statements)
            {
                warehouse.Connection.Execute(sql, new { LineageKey = lineageKey });
            }

            warehouse.Connection.Execute("DELETE FROM \"Integration\".\"WebSession_Staging\" WHERE \"LineageKey\" = $LineageKey", new { LineageKey = lineageKey });

            merged = Read(warehouse, """
                SELECT "SessionId", "WebVisitorId", "StartTime", "EndTime", "PageViews", "ProductViews", "AddToCarts", "Conversions", "Device", "Referrer"
                FROM "#Merged" ORDER BY 1, 2
                """);
            foreach (var table in new[] { "#Merged", "#Continued", "#Staged" })
            {
                warehouse.Connection.Execute($"DROP TABLE IF EXISTS \"{table}\"");
            }
        });
        Assert.False(result.Skipped);
        return merged ?? throw new InvalidOperationException("the load never reached its staged checkpoint");
    }

    private static List<Session> Facts(DuckDbWarehouse warehouse) => Read(warehouse, """
        SELECT "SessionId", "WebVisitorId", "StartTime", "EndTime", "PageViews", "ProductViews", "AddToCarts", "Conversions", "Device", "Referrer"
        FROM "Fact"."WebSession" ORDER BY 1, 2
        """);

    private static List<Session> Read(DuckDbWarehouse warehouse, string sql)
    {
        var rows = new List<Session>();
        using var command = warehouse.Connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetDateTime(2), reader.GetDateTime(3), Count(reader.GetValue(4)), Count(reader.GetValue(5)),
                Count(reader.GetValue(6)), Count(reader.GetValue(7)), reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return rows;
    }

    // DuckDB sums integers into HUGEINT; SQL Server's SUM(INT) is INT. The values are compared, not the types.
    private static long Count(object value) => value is BigInteger big ? (long)big : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
}
