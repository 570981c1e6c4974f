using System.Text;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// What each source does with a byte that is not UTF-8 (0xE9, "é" in Latin-1 / Windows-1252), exactly as README "Loading
/// rules" states it. Regression (audit of issue 6, defect 12d): README said invalid UTF-8 stops every load, but only the
/// transactions CSV (and a CSV header) does; the other sources reject the row naming the column, and ignore the byte in a
/// column or property they do not read.
/// </summary>
public sealed class InvalidUtf8PerSourceTests
{
    private const byte Latin1E = 0xE9;
    private const string NotUtf8 = "not valid UTF-8 (is the file in another encoding? convert it to UTF-8)";

    private static MemoryStream Bytes(string before, string after) =>
        new([.. Encoding.UTF8.GetBytes(before), Latin1E, .. Encoding.UTF8.GetBytes(after)]);

    private static (long Line, string? Column, string Reason) FirstReject<T>(IEnumerable<SourceItem<T>> items, int expectedAccepted)
        where T : class
    {
        var list = items.ToList();
        Assert.Equal(expectedAccepted, list.Count(i => !i.IsRejected));
        var reject = list.First(i => i.IsRejected).Reject!;
        return (reject.LineNumber, reject.ColumnName, reject.Reason);
    }

    [Fact]
    public void Crm_csv_rejects_the_row_naming_the_column_and_keeps_reading()
    {
        Assert.Equal((2L, "full_name", NotUtf8),
            FirstReject(CrmCustomerReader.ReadCsv(Bytes("crm_customer_id,full_name,city\nA1,Ren", "e,Paris\nA2,Bob,York\n"), "crm.csv"), 1));
        var raw = CrmCustomerReader.ReadCsv(Bytes("crm_customer_id,full_name,city\nA1,Ren", "e,Paris\n"), "crm.csv").Single().Reject!.RawRecord;
        Assert.Equal("A1,Ren\uFFFDe,Paris", raw?.TrimEnd('\r', '\n'));
    }

    [Fact]
    public void Crm_csv_ignores_the_byte_in_a_column_it_does_not_read() =>
        Assert.All(CrmCustomerReader.ReadCsv(Bytes("crm_customer_id,full_name,notes\nA1,Ann,caf", "\nA2,Bob,x\n"), "crm.csv"), i => Assert.False(i.IsRejected));

    [Fact]
    public void Crm_csv_header_with_the_byte_stops_the_file()
    {
        var e = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(Bytes("crm_customer_id,full_name,cit", "\nA1,Ann,x\n"), "crm.csv").ToList());
        Assert.Equal((1L, "3"), (e.LineNumber, e.Column));
        Assert.Contains("header is not valid UTF-8", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Survey_csv_rejects_the_row_naming_the_column() =>
        Assert.Equal((2L, "income_band", NotUtf8),
            FirstReject(SurveyResponseReader.ReadCsv(Bytes("crm_customer_id,survey_date,household_size,income_band\nA1,2024-03-01,2,caf", "\nB1,2024-03-01,2,x\n"), "s.csv"), 1));

    [Fact]
    public void Crm_json_web_and_social_reject_the_record_naming_the_property()
    {
        Assert.Equal((1L, "full_name", NotUtf8),
            FirstReject(CrmCustomerReader.ReadJson(Bytes("""[{"crm_customer_id":"A1","full_name":"Ren""", "e\"},\n{\"crm_customer_id\":\"A2\",\"full_name\":\"Bob\"}]\n"), "crm.json"), 1));
        Assert.Equal((1L, "page", NotUtf8),
            FirstReject(WebEventReader.ReadJsonLines(Bytes("""{"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/caf""",
                "\",\"event_type\":\"page_view\"}\n{\"visitor_id\":\"v1\",\"session_id\":\"s1\",\"timestamp\":\"2024-05-01T10:01:00Z\",\"page\":\"/x\",\"event_type\":\"page_view\"}\n"), "web.jsonl"), 1));
        Assert.Equal((1L, "text", NotUtf8),
            FirstReject(SocialCommentReader.ReadJson(Bytes("""[{"platform":"x","comment_id":"c1","handle":"@a","timestamp":"2024-05-01T10:00:00Z","text":"caf""",
                "\"},\n{\"platform\":\"x\",\"comment_id\":\"c2\",\"handle\":\"@a\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"text\":\"ok\"}]\n"), "social.json"), 1));
    }

    [Fact]
    public void Transactions_csv_stops_the_file_at_the_bytes_line_and_column()
    {
        using var reader = new CsvRecordReader(Bytes("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A,caf",
            ",1,2024-08-01 10:00,1.5,K1,UK\n2,A,b,1,2024-08-01 10:00,1.5,K1,UK\n"), "tx.csv", ',');
        var e = Assert.Throws<CsvFormatException>(() => new TransactionCsvParser(new TransactionMapping()).Parse(reader, "tx.csv", 1, (_, _, _, _) => { }).ToList());
        Assert.Equal((2L, 8), (e.Line, e.Column)); // "1,A,caf" is 7 characters: the byte is the 8th
        Assert.Contains("byte 0xE9 is not valid UTF-8", e.Reason, StringComparison.Ordinal);
    }
}
