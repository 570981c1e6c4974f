using System.Text;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Regression (audit of issue 6, defect 12b): a Latin-1 byte inside a JSON record's value was rejected with no column and
/// System.Text.Json's wording. FORMATS.md: invalid UTF-8 inside a row rejects that row, naming the column, as CSV does.
/// </summary>
public sealed class JsonEncodingTests
{
    private static MemoryStream Bytes(params object[] parts) =>
        new(parts.SelectMany(p => p is byte[] b ? b : Encoding.UTF8.GetBytes((string)p)).ToArray());

    [Fact]
    public void A_latin1_byte_in_a_value_rejects_the_record_naming_the_property()
    {
        // "café" written in Latin-1: é is the single byte 0xE9, not UTF-8.
        var stream = Bytes("""[{"platform":"x","comment_id":"l1","handle":"@a","timestamp":"2024-05-01T10:00:00Z","text":"caf""", new byte[] { 0xE9 },
            """ ok"},""" + "\n" + """{"platform":"x","comment_id":"l2","handle":"@a","timestamp":"2024-05-01T10:01:00Z","text":"fine"}]""");

        var items = SocialCommentReader.ReadJson(stream, "so.json").ToList();

        Assert.Equal(2, items.Count);
        var reject = items[0].Reject!;
        Assert.Equal(("so.json", 1L, "text", "not valid UTF-8 (is the file in another encoding? convert it to UTF-8)"),
            (reject.SourceName, reject.LineNumber, reject.ColumnName, reject.Reason));
        Assert.Equal("fine", items[1].Record!.Text);
    }

    [Fact]
    public void The_column_is_the_property_as_written_in_the_file()
    {
        var stream = Bytes("""{"CRM Customer ID":"A1","Full Name":"Jos""", new byte[] { 0xE9 }, "\"}\n");

        var reject = Assert.Single(CrmCustomerReader.ReadJson(stream, "crm.jsonl").ToList()).Reject!;

        Assert.Equal(("Full Name", "not valid UTF-8 (is the file in another encoding? convert it to UTF-8)"), (reject.ColumnName, reject.Reason));
    }

    [Fact]
    public void A_latin1_byte_in_a_property_name_rejects_without_a_column()
    {
        var stream = Bytes("""{"crm_customer_id":"A1","na""", new byte[] { 0xEF }, """me":"x"}""" + "\n");

        var reject = Assert.Single(CrmCustomerReader.ReadJson(stream, "crm.jsonl").ToList()).Reject!;

        Assert.Null(reject.ColumnName);
        Assert.Equal("a property name is not valid UTF-8 (is the file in another encoding? convert it to UTF-8)", reject.Reason);
    }

    [Fact]
    public void A_latin1_byte_in_an_unknown_property_is_ignored_like_the_property()
    {
        var stream = Bytes("""{"crm_customer_id":"A1","notes":"caf""", new byte[] { 0xE9 }, "\"}\n");

        Assert.Equal("A1", Assert.Single(CrmCustomerReader.ReadJson(stream, "crm.jsonl").ToList()).Record!.CrmCustomerId);
    }
}
