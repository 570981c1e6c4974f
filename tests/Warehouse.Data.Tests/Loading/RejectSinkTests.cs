using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;

namespace Warehouse.Data.Tests.Loading;

/// <summary>
/// The DuckDB reject sink stages rejects (line, reason id, raw record) in temporary tables and writes them into the reject
/// table when the load migrates: every reject must arrive with its own line, column, reason (cut to 400 characters) and raw
/// text exactly as given, also after its reason map started over, and a load that does not complete writes nothing.
/// </summary>
public sealed class RejectSinkTests
{
    private static readonly string[] Texts = ["plain", "a,\"quoted\",b", "line\nbreak\r\nand more", "nul\0inside", "ünïcödé – 漢字 🙂", "  spaced  ", ""];

    [Fact]
    public void Rejects_arrive_exactly_as_given_also_when_the_reason_map_starts_over()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var expected = Rejects(DuckDbLoadSession.RejectSink.MaxReasons + 900);
        using (var load = SourceLoad.Begin(warehouse, StagingTarget.Purchase, "transactions", "r.csv", null))
        {
            foreach (var r in expected)
            {
                load.Reject(r.Line, r.Column, r.Reason, r.Raw);
            }

            var counts = load.Migrate(expected.Count, 0, null, _ => new MigrationOutcome(0, null, string.Empty));
            Assert.Equal(expected.Count, counts.RowsRejected);
        }

        var stored = warehouse.Connection.Query<(long Line, string? Column, string Reason, string? Raw, string Source)>("""
            SELECT "SourceLineNumber", "ColumnName", "Reason", "RawRecord", "SourceName" FROM "Integration"."RejectedPurchase" ORDER BY "SourceLineNumber"
            """).ToList();
        Assert.Equal(expected.Count, stored.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            Assert.Equal((e.Line, e.Column, e.Reason.Length > 400 ? e.Reason[..400] : e.Reason, e.Raw, "r.csv"), stored[i]);
        }

        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE temporary"));
    }

    [Fact]
    public void A_load_disposed_before_it_migrates_writes_no_reject()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        using (var load = SourceLoad.Begin(warehouse, StagingTarget.Purchase, "transactions", "r.csv", null))
        {
            foreach (var r in Rejects(50))
            {
                load.Reject(r.Line, r.Column, r.Reason, r.Raw);
            }

            load.Stage(Array.Empty<PurchaseStagingRow>());
        }

        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"RejectedPurchase\""));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"Lineage\""));
    }

    /// <summary>Rejects in file order: runs of one shared reason instance (as a parser hands them), many distinct reasons, a
    /// null column, a reason longer than 400 characters, and raw text with quotes, line breaks, U+0000 and non-ASCII.</summary>
    private static List<(long Line, string? Column, string Reason, string? Raw)> Rejects(int count)
    {
        const string shared = "missing customer id";
        var random = new Random(5);
        var list = new List<(long, string?, string, string?)>();
        for (var i = 0; i < count; i++)
        {
            var reason = (i % 3) switch
            {
                0 => shared,
                1 => $"not an integer: '{i}{Texts[i % Texts.Length]}'",
                _ => i % 97 == 0 ? new string('x', 450) + i : $"reason {random.Next(count)}",
            };
            list.Add((2 + (3L * i), i % 5 == 0 ? null : "Quantity", reason, i % 11 == 0 ? null : Texts[i % Texts.Length] + i));
        }

        return list;
    }
}
