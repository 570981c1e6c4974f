using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// A tracker session whose events arrive in two files (an export cut in the middle of a visit) is one session in
/// <c>Fact.WebSession</c>, exactly as when the events come in one file: same session id, start, end, duration, counts,
/// device, referrer and customer. Expected values are counted by hand from the events below.
/// </summary>
public sealed class WebSessionSplitTests : CustomerSeededTests
{
    /// <summary>One web event as a JSON line (2024-05-01, <paramref name="time"/> UTC).</summary>
    internal static string E(string visitor, string session, string time, string type, string? customer = null, string device = "mobile", string referrer = "search") =>
        $$"""{"visitor_id":"{{visitor}}",{{(customer is null ? "" : $"\"customer_id\":\"{customer}\",")}}"session_id":"{{session}}","timestamp":"2024-05-01T{{time}}:00Z","page":"/","event_type":"{{type}}","device":"{{device}}","referrer":"{{referrer}}"}""";

    // v1/s1: 10:00 page, 10:05 product (file a) | 10:20 cart, 10:25 purchase by C1 (file b) → one session 10:00-10:25.
    //        14:00 page (file b): more than 30 minutes later → its own session s1#20240501T140000Z, as in one file.
    // v2/s2: 11:00 page, 11:10 page (file a) | file b repeats both and adds 11:15 purchase (a superset export):
    //        one session 11:00-11:15 with 2 pages and 1 conversion, nothing counted twice.
    internal static readonly string[] FileA =
    [
        E("v1", "s1", "10:00", "page_view", device: "desktop", referrer: "mail"),
        E("v1", "s1", "10:05", "product_view", device: "desktop", referrer: "mail"),
        E("v2", "s2", "11:00", "page_view"),
        E("v2", "s2", "11:10", "page_view"),
    ];

    internal static readonly string[] FileB =
    [
        E("v1", "s1", "10:20", "add_to_cart"),
        E("v1", "s1", "10:25", "purchase", customer: "C1"),
        E("v2", "s2", "11:00", "page_view"),
        E("v2", "s2", "11:10", "page_view"),
        E("v2", "s2", "11:15", "purchase"),
        E("v1", "s1", "14:00", "page_view"),
    ];

    private static List<(string, string, DateTime, DateTime, int, int, int, int, int, string?, string?, int, string)> Sessions(DuckDbWarehouse w) =>
        w.Connection.Query<(string, string, DateTime, DateTime, int, int, int, int, int, string?, string?, int, string)>("""
            SELECT "SessionId", "WebVisitorId", "StartTime", "EndTime", "DurationSeconds", "PageViews", "ProductViews", "AddToCarts", "Conversions",
                   "Device", "Referrer", "CustomerKey", "MatchRule"
            FROM "Fact"."WebSession" ORDER BY 1, 2
            """).ToList();

    [Fact]
    public void A_session_split_across_two_files_is_merged_as_if_loaded_from_one_file()
    {
        using var once = WithCustomers();
        var all = FileA.Concat(FileB.Where(l => !l.Contains("\"v2\"", StringComparison.Ordinal) || l.Contains("11:15", StringComparison.Ordinal)))
            .OrderBy(l => l[(l.IndexOf("timestamp", StringComparison.Ordinal))..], StringComparer.Ordinal);
        InteractionLoaders.LoadWeb(once, Write("all.jsonl", string.Join("\n", all) + "\n"));

        using var split = WithCustomers();
        InteractionLoaders.LoadWeb(split, Write("a.jsonl", string.Join("\n", FileA) + "\n"));
        var b = InteractionLoaders.LoadWeb(split, Write("b.jsonl", string.Join("\n", FileB.OrderBy(l => l[(l.IndexOf("timestamp", StringComparison.Ordinal))..], StringComparer.Ordinal)) + "\n"));

        var expected = Sessions(once);
        Assert.Equal(expected, Sessions(split));
        var c1 = once.Connection.ExecuteScalar<int>("SELECT \"CustomerKey\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C1'");
        var t = new DateTime(2024, 5, 1);
        Assert.Equal(
        [
            ("s1", "v1", t.AddHours(10), t.AddHours(10).AddMinutes(25), 1500, 2, 1, 1, 1, "desktop", "mail", c1, "crm-id"),
            ("s1#20240501T140000Z", "v1", t.AddHours(14), t.AddHours(14), 0, 1, 0, 0, 0, "mobile", "search", c1, "visitor-stitch"),
            ("s2", "v2", t.AddHours(11), t.AddHours(11).AddMinutes(15), 900, 2, 0, 0, 1, "mobile", "search", 0, "none"),
        ], expected);
        Assert.Equal(6L, b.RowsLoaded); // the events of file b, whatever they merged into
    }

    [Fact]
    public void Loading_the_second_part_again_under_another_name_changes_nothing()
    {
        using var split = WithCustomers();
        InteractionLoaders.LoadWeb(split, Write("a.jsonl", string.Join("\n", FileA) + "\n"));
        var ordered = string.Join("\n", FileB.OrderBy(l => l[(l.IndexOf("timestamp", StringComparison.Ordinal))..], StringComparer.Ordinal));
        InteractionLoaders.LoadWeb(split, Write("b.jsonl", ordered + "\n"));
        var before = Sessions(split);
        // Same events, different bytes (so the content hash does not skip it): the overlapping parts keep their counts.
        InteractionLoaders.LoadWeb(split, Write("b-again.jsonl", ordered + "\n\n"));
        Assert.Equal(before, Sessions(split));
    }

    [Theory]
    [InlineData("anna.smith@example.com")]
    [InlineData("bob@example.com")]
    public void A_crm_id_in_the_stored_part_wins_over_an_email_hash_in_the_later_part_as_in_one_file(string email)
    {
        // v5/s5: 09:00 page by C1 (file a) | 09:10 purchase with the e-mail hash of `email` (file b). In one file the
        // session has both, and the CRM id comes first (crm-id before email-hash): C1, crm-id, whichever customer the
        // address names (C1's own, or C2's). Split, the stored part is linked by crm-id and its CRM id is no longer kept;
        // the later part's e-mail hash used to win (email-hash, and C2 for bob@), so the result depended on the cut.
        var hash = EmailRules.Sha256Hex(email);
        var a = E("v5", "s5", "09:00", "page_view", customer: "C1");
        var b = $$"""{"visitor_id":"v5","email_hash":"{{hash}}","session_id":"s5","timestamp":"2024-05-01T09:10:00Z","page":"/","event_type":"purchase","device":"mobile","referrer":"search"}""";

        using var once = WithCustomers();
        InteractionLoaders.LoadWeb(once, Write("all.jsonl", a + "\n" + b + "\n"));
        using var split = WithCustomers();
        InteractionLoaders.LoadWeb(split, Write("a.jsonl", a + "\n"));
        InteractionLoaders.LoadWeb(split, Write("b.jsonl", b + "\n"));

        var c1 = once.Connection.ExecuteScalar<int>("SELECT \"CustomerKey\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C1'");
        var t = new DateTime(2024, 5, 1);
        var expected = ("s5", "v5", t.AddHours(9), t.AddHours(9).AddMinutes(10), 600, 1, 0, 0, 1, (string?)"mobile", (string?)"search", c1, "crm-id");
        Assert.Equal([expected], Sessions(once));
        Assert.Equal([expected], Sessions(split));
    }
}
