using System.Text;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Regressions of misleading reject details: a 2 MiB <c>full_name</c> was rejected under column <c>crm_customer_id</c>;
/// a truncated web JSON line's reason carried System.Text.Json's "LineNumber: 0 | BytePositionInLine: 91" (0-based,
/// counted from the record) next to the row's real line 12.
/// </summary>
public sealed class RejectDetailTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_field_over_the_record_limit_is_named_with_a_reason_saying_so()
    {
        var csv = $"crm_customer_id,full_name,city\nC1,{new string('A', 2 << 20)},London\nC2,Bo,Leeds\n";

        var items = CrmCustomerReader.ReadCsv(Utf8(csv), "crm.csv").ToList();

        var reject = items[0].Reject!;
        Assert.Equal((2L, "full_name", "value longer than 1,048,576 bytes (the limit per record); the record is not read"),
            (reject.LineNumber, reject.ColumnName, reject.Reason));
        Assert.Equal("Bo", items[1].Record!.FullName);
    }

    [Fact]
    public void A_record_over_the_limit_by_several_fields_names_no_column()
    {
        // Two fields of 600,000 bytes: neither is over 1 MiB alone, the record is.
        var part = new string('B', 600_000);
        var csv = $"crm_customer_id,full_name,city\nC1,{part},{part}\n";

        var reject = CrmCustomerReader.ReadCsv(Utf8(csv), "crm.csv").Single().Reject!;

        Assert.Equal((2L, (string?)null, "record longer than 1,048,576 bytes (the limit per record); not read"),
            (reject.LineNumber, reject.ColumnName, reject.Reason));
    }

    [Fact]
    public void A_truncated_web_json_line_names_its_line_and_the_byte_in_that_line_without_System_Text_Json_positions()
    {
        // Lines 1–11 are events of one visit a minute apart; line 12 is cut after its page (no closing brace): 82 bytes, so
        // the reader runs out of input after byte 82, at byte 83 of the line (1-based).
        var lines = Enumerable.Range(0, 11).Select(i =>
            $"{{\"visitor_id\":\"v1\",\"session_id\":\"s1\",\"timestamp\":\"2024-05-01T10:{i:D2}:00Z\",\"page\":\"/\",\"event_type\":\"page_view\"}}").ToList();
        var cut = "{\"visitor_id\":\"v1\",\"session_id\":\"s1\",\"timestamp\":\"2024-05-01T10:11:00Z\",\"page\":\"/\"";
        Assert.Equal(82, cut.Length);
        lines.Add(cut);
        var path = Path.Combine(_folder, "web.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        using var warehouse = DuckDbWarehouse.Open(":memory:");

        var result = InteractionLoaders.LoadWeb(warehouse, path);

        Assert.Equal((12L, 1L), (result.RowsRead, result.RowsRejected));
        var reject = warehouse.Connection.QuerySingle<(long Line, string? Column, string Reason)>(
            "SELECT \"SourceLineNumber\", \"ColumnName\", \"Reason\" FROM \"Integration\".\"RejectedWebEvent\"");
        Assert.Equal((12L, (string?)null), (reject.Line, reject.Column));
        Assert.StartsWith("not valid JSON at byte 83 of the line: ", reject.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", reject.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", reject.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_record_of_a_json_array_names_the_line_within_the_record()
    {
        // The element starting on line 3 has a bad value on its second line ("tru" is not a literal), at byte 11 of that line.
        var json = "[\n{\"id\":\"C1\"},\n{\"id\":\"C2\",\n \"email\": tru},\n{\"id\":\"C3\"}\n]";

        var items = CrmCustomerReader.ReadJson(Utf8(json), "crm.json").ToList();

        var reject = items[1].Reject!;
        Assert.Equal(3L, reject.LineNumber);
        Assert.StartsWith("not valid JSON at line 2 of the record, byte ", reject.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", reject.Reason, StringComparison.Ordinal);
        Assert.Equal("C3", items[2].Record!.CrmCustomerId);
    }
}
