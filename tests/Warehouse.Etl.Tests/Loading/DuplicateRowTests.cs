using System.Text.Json;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Duplicate rows within one file (FORMATS.md, "Duplicate rows"), on DuckDB: per source a file with exact repeats and
/// near-repeats; a repeat is rejected as "duplicate of line N" naming its first line, which is the one loaded; a
/// near-repeat (another update time, survey date, platform, second) is loaded; read = loaded + rejected in the lineage.
/// Expected rows are read off the files by hand (line numbers in the comments; the header is line 1).
/// </summary>
public sealed class DuplicateRowTests : CustomerSeededTests
{
    [Fact]
    public void Crm_a_repeated_version_is_rejected_naming_its_first_line_and_a_later_version_still_applies()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("crm-dup.csv", "crm_customer_id,full_name,city,updated_at\n" +
            "C1,Anna Smith,London,2024-06-01 09:00:00\n" +  // 2
            "C2,Bob Jones,Paris,2024-06-01 09:00:00\n" +    // 3
            "C1,Anna Smith,London,2024-06-01 09:00:00\n" +  // 4: exact repeat of 2
            "C1,Anna Smith,Leeds,2024-06-01 09:00:00\n" +   // 5: same id and update time, other city: a repeat of 2's version
            "C2,Bob Jones,Rome,2024-06-02 09:00:00\n" +     // 6: a later version of C2 (near-repeat): applied
            "C3,Cy Young,,\n" +                             // 7: no update time
            "C3,Cy Young,Oslo,\n" +                         // 8: same id, no update time either: a repeat of 7
            "C2,Bob Jones,Paris,2024-06-01 09:00:00\n");    // 9: exact repeat of 3

        var result = CrmLoader.Load(warehouse, path);

        Assert.Equal((8L, 4L, 4L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Equal(
            [(4L, "duplicate of line 2"), (5L, "duplicate of line 2"), (8L, "duplicate of line 7"), (9L, "duplicate of line 3")],
            Rejects(warehouse, "RejectedCustomer"));
        var current = warehouse.Connection.Query<(string Id, string? City)>("""
            SELECT "CrmCustomerId", "City" FROM "Dimension"."Customer" WHERE "ValidTo" = TIMESTAMP '9999-12-31' AND "CustomerKey" <> 0 ORDER BY 1
            """).ToList();
        Assert.Equal([("C1", "London"), ("C2", "Rome"), ("C3", null)], current);
        var raw = warehouse.Connection.QuerySingle<string>("SELECT \"RawRecord\" FROM \"Integration\".\"RejectedCustomer\" WHERE \"SourceLineNumber\" = 5");
        using (var json = JsonDocument.Parse(raw))
        {
            Assert.Equal("Leeds", json.RootElement.GetProperty("City").GetString());
            Assert.Equal("C1", json.RootElement.GetProperty("CrmCustomerId").GetString());
        }

        Assert.Equal((8L, 4L, 4L), Lineage(warehouse, result.LineageKey));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"Customer_Staging\""));
    }

    [Fact]
    public void Crm_without_repeats_rejects_nothing()
    {
        // Guards the rule: the same ids with distinct update times are versions, not duplicates.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var result = CrmLoader.Load(warehouse, Write("crm-versions.csv", "crm_customer_id,full_name,city,updated_at\n" +
            "C1,Anna Smith,London,2024-06-01 09:00:00\n" +
            "C1,Anna Smith,Leeds,2024-06-01 09:00:01\n" +
            "C1,Anna Smith,York,2024-05-01 09:00:00\n"));

        Assert.Equal((3L, 3L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Equal("Leeds", warehouse.Connection.QuerySingle<string>(
            "SELECT \"City\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C1' AND \"ValidTo\" = TIMESTAMP '9999-12-31'"));
        Assert.Contains("2 superseded by a later version in the file", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Survey_a_repeated_customer_and_date_is_rejected_and_the_first_answer_wins()
    {
        using var warehouse = WithCustomers();
        var path = Write("survey-dup.csv", "crm_customer_id,survey_date,household_size,satisfaction\n" +
            "C1,2024-03-01,4,5\n" +  // 2
            "C1,2024-03-01,4,5\n" +  // 3: exact repeat of 2
            "C1,2024-03-01,3,1\n" +  // 4: same customer and date, other answers: a repeat of 2 (2 wins)
            "C1,2024-04-01,3,1\n" +  // 5: another date (near-repeat of 4): loaded
            "C2,,2,3\n" +            // 6: no date
            "C2,,2,4\n" +            // 7: no date again: a repeat of 6
            "C9,2024-03-01,1,1\n" +  // 8: unknown customer
            "C9,2024-03-01,1,1\n");  // 9: a repeat of 8 (rejected as the repeat, 8 as unknown)

        var result = DemographicsLoader.Load(warehouse, path);

        Assert.Equal((8L, 3L, 5L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var rejects = Rejects(warehouse, "RejectedCustomer", result.LineageKey);
        Assert.Equal(
            [(3L, "duplicate of line 2"), (4L, "duplicate of line 2"), (7L, "duplicate of line 6"), (9L, "duplicate of line 8")],
            rejects.Where(r => r.Line != 8));
        Assert.StartsWith("unknown customer", rejects.Single(r => r.Line == 8).Reason, StringComparison.Ordinal);
        var facts = warehouse.Connection.Query<(string Crm, int DateKey, int? Household, int? Satisfaction)>("""
            SELECT c."CrmCustomerId", s."DateKey", s."HouseholdSize", s."Satisfaction"
            FROM "Fact"."SurveyResponse" AS s JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = s."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31'
            ORDER BY 1, 2
            """).ToList();
        Assert.Equal([("C1", 20240301, 4, 5), ("C1", 20240401, 3, 1), ("C2", 0, 2, 3)], facts);
        Assert.Equal((8L, 3L, 5L), Lineage(warehouse, result.LineageKey));
    }

    [Fact]
    public void Social_a_repeated_comment_id_is_rejected_per_platform_and_replies_keep_their_parent()
    {
        using var warehouse = WithCustomers();
        var path = Write("social-dup.json", "[\n" +
            """{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love the mugs","likes":1},""" + "\n" +   // 2
            """{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love the mugs","likes":1},""" + "\n" +   // 3: exact repeat
            """{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:30:00Z","text":"Edited: broken","likes":5},""" + "\n" + // 4: same id, other content
            """{"platform":"facebook","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love the mugs","likes":1},""" + "\n" +    // 5: other platform
            """{"platform":"instagram","comment_id":"ig-2","handle":"@bob","timestamp":"2024-05-02T19:00:00Z","text":"Agreed","likes":0,"reply_to":"ig-1"},""" + "\n" + // 6: a reply
            """{"platform":"instagram","comment_id":"ig-2","handle":"@bob","timestamp":"2024-05-02T19:00:00Z","text":"Agreed","likes":0}""" + "\n" +               // 7: repeat of 6 without reply_to
            "]\n");

        var result = InteractionLoaders.LoadSocial(warehouse, path);

        Assert.Equal((6L, 3L, 3L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Equal([(3L, "duplicate of line 2"), (4L, "duplicate of line 2"), (7L, "duplicate of line 6")], Rejects(warehouse, "RejectedSocialInteraction"));
        var facts = warehouse.Connection.Query<(string Platform, string Id, string Text, int Likes, string? ReplyTo)>("""
            SELECT "Platform", "CommentId", "CommentText", "Likes", "ReplyToCommentId" FROM "Fact"."SocialInteraction" ORDER BY 1, 2
            """).ToList();
        Assert.Equal([("facebook", "ig-1", "Love the mugs", 1, null), ("instagram", "ig-1", "Love the mugs", 1, null), ("instagram", "ig-2", "Agreed", 0, "ig-1")], facts);
        Assert.Equal((6L, 3L, 3L), Lineage(warehouse, result.LineageKey));
    }

    [Fact]
    public void Web_a_repeated_event_is_rejected_and_counts_in_no_session()
    {
        string[] events =
        [
            Event("10:00:00", "page_view", "/"),                       // 1
            Event("10:01:00", "product_view", "/p/1", product: "1"),   // 2
            Event("10:02:00", "purchase", "/checkout"),                // 3
            Event("10:03:00", "page_view", "/", visitor: "v2", session: "s2"), // 4
        ];
        using var clean = WithCustomers();
        var once = InteractionLoaders.LoadWeb(clean, Write("web-once.jsonl", string.Join("\n", events) + "\n"));
        Assert.Equal((4L, 4L, 0L), (once.RowsRead, once.RowsLoaded, once.RowsRejected));

        using var warehouse = WithCustomers();
        var path = Write("web-dup.jsonl", string.Join("\n",
            events[0],                                                     // 1
            events[1],                                                     // 2
            events[1],                                                     // 3: exact repeat of 2
            events[2],                                                     // 4
            events[3],                                                     // 5
            events[2],                                                     // 6: repeat of 4, two minutes of stream time later (within the lateness)
            Event("10:01:00", "product_view", "/p/1", product: "1", device: "tablet"), // 7: near-repeat of 2 (other device): counted
            Event("10:01:01", "product_view", "/p/1", product: "1")) + "\n");          // 8: near-repeat of 2 (one second later): counted

        var result = InteractionLoaders.LoadWeb(warehouse, path);

        Assert.Equal((8L, 6L, 2L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Equal([(3L, "duplicate of line 2"), (6L, "duplicate of line 4")], Rejects(warehouse, "RejectedWebEvent"));
        var raw = warehouse.Connection.QuerySingle<string>("SELECT \"RawRecord\" FROM \"Integration\".\"RejectedWebEvent\" WHERE \"SourceLineNumber\" = 6");
        using (var json = JsonDocument.Parse(raw))
        {
            Assert.Equal("purchase", json.RootElement.GetProperty("event_type").GetString());
        }

        // v1/s1 in the clean file: 2 page views (page_view + product_view), 1 product view, 1 conversion; the repeats add
        // nothing, the two near-repeats add 2 page views and 2 product views.
        Assert.Equal([("s1", 2, 1, 1), ("s2", 1, 0, 0)], Sessions(clean));
        Assert.Equal([("s1", 4, 3, 1), ("s2", 1, 0, 0)], Sessions(warehouse));
        Assert.Equal((8L, 6L, 2L), Lineage(warehouse, result.LineageKey));
    }

    private static string Event(string time, string type, string page, string visitor = "v1", string session = "s1", string? product = null, string device = "mobile") =>
        $$"""{"visitor_id":"{{visitor}}","session_id":"{{session}}","timestamp":"2024-05-01T{{time}}Z","page":"{{page}}","event_type":"{{type}}","device":"{{device}}"{{(product is null ? "" : $",\"product\":\"{product}\"")}}}""";

    private static List<(string Session, int Pages, int Products, int Conversions)> Sessions(DuckDbWarehouse warehouse) =>
        warehouse.Connection.Query<(string, int, int, int)>("""
            SELECT "SessionId", "PageViews", "ProductViews", "Conversions" FROM "Fact"."WebSession" ORDER BY 1
            """).ToList();

    private static List<(long Line, string Reason)> Rejects(DuckDbWarehouse warehouse, string table, int? lineageKey = null) =>
        warehouse.Connection.Query<(long, string)>(
            $"SELECT \"SourceLineNumber\", \"Reason\" FROM \"Integration\".\"{table}\" WHERE $k IS NULL OR \"LineageKey\" = $k ORDER BY 1",
            new { k = lineageKey }).ToList();

    private static (long Read, long Loaded, long Rejected) Lineage(DuckDbWarehouse warehouse, int lineageKey) =>
        warehouse.Connection.QuerySingle<(long, long, long)>(
            "SELECT \"RowsRead\", \"RowsLoaded\", \"RowsRejected\" FROM \"Integration\".\"Lineage\" WHERE \"LineageKey\" = $k", new { k = lineageKey });
}
