using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Audit defect 1: a JSON array written on ONE line (common for exported JSON) gives every element the same physical line.
/// Staging and reject tables were keyed by (LineageKey, SourceLineNumber), so two rejects of one line collided (the load
/// failed with a key violation), and the duplicate rule (<c>min(line) OVER key</c> &lt; line) saw no duplicate at all when
/// both copies sat on one line. Rows are now keyed by SourceRecordNumber (1-based ordinal of the record in the file); the
/// line stays what users read, and "duplicate of line N" still names the first occurrence's line. Each file below is one
/// line of five elements; the expected rows are worked out by hand in the comments (element k = record k, all on line 1).
/// </summary>
public sealed class OneLineJsonArrayTests : CustomerSeededTests
{
    [Fact]
    public void Readers_number_the_records_of_a_one_line_array_one_by_one()
    {
        var path = Write("social-numbers.json", """[{"platform":"x","comment_id":"1","handle":"@a","timestamp":"2024-05-02T18:22:00Z","text":"a"},{"platform":"x","comment_id":"2","timestamp":"2024-05-02T18:23:00Z","text":"no handle"},{"platform":"x","comment_id":"3","handle":"@c","timestamp":"2024-05-02T18:24:00Z","text":"c"}]""");
        using var stream = File.OpenRead(path);

        var items = SocialCommentReader.ReadJson(stream, "social-numbers.json").ToList();

        // Three elements on line 1: records 1, 2 (rejected: no handle), 3.
        Assert.Equal([(1L, 1L, false), (1L, 2L, true), (1L, 3L, false)], items.Select(i => (i.LineNumber, i.RecordNumber, i.IsRejected)));
        Assert.Equal((1L, 2L), (items[1].Reject!.LineNumber, items[1].Reject!.RecordNumber));
    }

    [Fact]
    public void Crm_json_array_on_one_line_loads_every_element_and_keys_rejects_by_record()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        // 1: C1 London (loaded); 2: no id (rejected); 3: C2 (loaded); 4: no id (rejected);
        // 5: C1 with record 1's update time, city York: a repeated version, rejected as "duplicate of line 1" (record 1 wins).
        var path = Write("crm-one-line.json",
            """[{"crm_customer_id":"C1","full_name":"Anna Smith","city":"London","updated_at":"2024-06-01T09:00:00Z"},{"full_name":"No Id"},{"crm_customer_id":"C2","full_name":"Bob Jones","city":"Leeds","updated_at":"2024-06-01T09:00:00Z"},{"full_name":"Also No Id"},{"crm_customer_id":"C1","full_name":"Anna Smith","city":"York","updated_at":"2024-06-01T09:00:00Z"}]""");

        var result = CrmLoader.Load(warehouse, path);

        // read 5 = loaded 2 + rejected 3 (two reader rejects, one duplicate).
        Assert.Equal((5L, 2L, 3L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Equal([(1L, 2L, "crm_customer_id"), (1L, 4L, "crm_customer_id"), (1L, 5L, "crm_customer_id")], Rejects(warehouse, "RejectedCustomer", result.LineageKey)
            .Select(r => (r.Line, r.Record, r.Column)));
        Assert.Equal("duplicate of line 1", Rejects(warehouse, "RejectedCustomer", result.LineageKey)[2].Reason);
        // The first occurrence (record 1, London) is the version loaded, not record 5 (York).
        Assert.Equal([("C1", "London"), ("C2", "Leeds")], warehouse.Connection.Query<(string, string)>(
            "SELECT \"CrmCustomerId\", \"City\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0 ORDER BY 1"));
    }

    [Fact]
    public void Social_json_array_on_one_line_loads_every_element_and_keys_rejects_by_record()
    {
        using var warehouse = WithCustomers();
        // 1: ig-1 "Love it" (loaded); 2: no handle (rejected, handle); 3: ig-2 (loaded); 4: no text (rejected, text);
        // 5: ig-1 again, edited: rejected as "duplicate of line 1" (record 1 wins).
        var path = Write("social-one-line.json",
            """[{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love it"},{"platform":"instagram","comment_id":"ig-9","timestamp":"2024-05-02T18:23:00Z","text":"no handle"},{"platform":"instagram","comment_id":"ig-2","handle":"@bob","timestamp":"2024-05-02T18:24:00Z","text":"Broken"},{"platform":"instagram","comment_id":"ig-8","handle":"@eve","timestamp":"2024-05-02T18:25:00Z"},{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:26:00Z","text":"Edited"}]""");

        var result = InteractionLoaders.LoadSocial(warehouse, path);

        Assert.Equal((5L, 2L, 3L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var rejects = Rejects(warehouse, "RejectedSocialInteraction", result.LineageKey);
        Assert.Equal([(1L, 2L, "handle"), (1L, 4L, "text"), (1L, 5L, "comment_id")], rejects.Select(r => (r.Line, r.Record, r.Column)));
        Assert.Equal("duplicate of line 1", rejects[2].Reason);
        Assert.Equal([("ig-1", "Love it"), ("ig-2", "Broken")], warehouse.Connection.Query<(string, string)>(
            "SELECT \"CommentId\", \"CommentText\" FROM \"Fact\".\"SocialInteraction\" ORDER BY 1"));
    }

    [Fact]
    public void Web_json_array_on_one_line_loads_every_event_and_keys_rejects_by_record()
    {
        using var warehouse = WithCustomers();
        // 1: v1/s1 10:00 (session s1); 2: no visitor (rejected, visitor_id); 3: v2/s2 10:01 (session s2: a second session
        // starting on line 1); 4: unknown event type (rejected, event_type); 5: record 1 repeated exactly: rejected by the
        // sessionizer as "duplicate of line 1". Events: read 5 = 2 in sessions + 3 rejected.
        var path = Write("web-one-line.json",
            """[{"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"},{"session_id":"s9","timestamp":"2024-05-01T10:00:30Z","event_type":"page_view"},{"visitor_id":"v2","session_id":"s2","timestamp":"2024-05-01T10:01:00Z","page":"/","event_type":"page_view"},{"visitor_id":"v3","session_id":"s3","timestamp":"2024-05-01T10:01:30Z","event_type":"teleport"},{"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}]""");

        var result = InteractionLoaders.LoadWeb(warehouse, path);

        Assert.Equal((5L, 2L, 3L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var rejects = Rejects(warehouse, "RejectedWebEvent", result.LineageKey);
        Assert.Equal([(1L, 2L, "visitor_id"), (1L, 4L, "event_type"), (1L, 5L, (string?)null)], rejects.Select(r => (r.Line, r.Record, r.Column)));
        Assert.Equal("duplicate of line 1", rejects[2].Reason);
        Assert.Equal([("s1", "v1"), ("s2", "v2")], warehouse.Connection.Query<(string, string)>(
            "SELECT \"SessionId\", \"WebVisitorId\" FROM \"Fact\".\"WebSession\" ORDER BY 1"));
    }

    [Fact]
    public void Two_sessions_starting_on_one_line_carry_distinct_record_numbers()
    {
        // Sessions are staged by their first event's record: s1 starts at record 1, s2 at record 2, both on line 1.
        var path = Write("web-sessions.json",
            """[{"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","event_type":"page_view"},{"visitor_id":"v2","session_id":"s2","timestamp":"2024-05-01T10:01:00Z","event_type":"page_view"}]""");
        using var stream = File.OpenRead(path);

        var sessions = new WebSessionizer().Sessionize(WebEventReader.ReadJsonLines(stream, "web-sessions.json"), "web-sessions.json")
            .Select(i => i.Record!).OrderBy(s => s.SessionId, StringComparer.Ordinal).ToList();

        Assert.Equal([("s1", 1L, 1L), ("s2", 1L, 2L)], sessions.Select(s => (s.SessionId, s.FirstLineNumber, s.FirstRecordNumber)));
    }

    [Fact]
    public void A_quoted_csv_field_over_several_lines_keeps_lines_and_records_apart()
    {
        // Regression guard for record vs line numbering in CSV: record 1 starts on line 2 and spans lines 2-3 (a quoted line
        // break in full_name), record 2 is line 4, record 3 (no id: rejected) line 5, record 4 repeats record 1's version:
        // "duplicate of line 2" on line 6.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("crm-multiline.csv", "crm_customer_id,full_name,city,updated_at\n" +
            "C1,\"Anna\nSmith\",London,2024-06-01 09:00:00\n" +
            "C2,Bob Jones,Leeds,2024-06-01 09:00:00\n" +
            ",Nobody,York,\n" +
            "C1,Anna Smith,York,2024-06-01 09:00:00\n");
        using (var stream = File.OpenRead(path))
        {
            var items = CrmCustomerReader.ReadCsv(stream, "crm-multiline.csv").ToList();
            Assert.Equal([(2L, 1L), (4L, 2L), (5L, 3L), (6L, 4L)], items.Select(i => (i.LineNumber, i.RecordNumber)));
        }

        var result = CrmLoader.Load(warehouse, path);

        Assert.Equal((4L, 2L, 2L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var rejects = Rejects(warehouse, "RejectedCustomer", result.LineageKey);
        Assert.Equal([(5L, 3L), (6L, 4L)], rejects.Select(r => (r.Line, r.Record)));
        Assert.Equal("duplicate of line 2", rejects[1].Reason);
    }

    private static List<(long Line, long Record, string? Column, string Reason)> Rejects(DuckDbWarehouse warehouse, string table, int lineageKey) =>
        warehouse.Connection.Query<(long, long, string?, string)>($"""
            SELECT "SourceLineNumber", "SourceRecordNumber", "ColumnName", "Reason" FROM "Integration"."{table}"
            WHERE "LineageKey" = $lineageKey ORDER BY "SourceRecordNumber"
            """, new { lineageKey }).ToList();
}
