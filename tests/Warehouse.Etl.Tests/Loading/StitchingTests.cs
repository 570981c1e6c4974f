using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Visitor and handle stitching (InteractionMigration): a web visitor id or a social (platform, handle) seen once with a
/// direct link (CRM id, e-mail hash, e-mail) carries that customer to its other rows, in the same load and across loads;
/// one linked to two customers stitches nothing. Expected values are worked out by hand from the rows below.
/// </summary>
public sealed class StitchingTests : CustomerSeededTests
{
    private static string Event(string visitor, string session, string time, string? customer = null) =>
        $$"""{"visitor_id":"{{visitor}}",{{(customer is null ? "" : $"\"customer_id\":\"{customer}\",")}}"session_id":"{{session}}","timestamp":"2024-05-{{time}}Z","page":"/","event_type":"page_view"}""";

    private string WebFile(string name, params string[] events) => Write(name, string.Join("\n", events) + "\n");

    private static Dictionary<string, (string? Crm, string Rule)> Sessions(DuckDbWarehouse w) =>
        w.Connection.Query<(string Session, string? Crm, string Rule)>("""
            SELECT f."SessionId", c."CrmCustomerId", f."MatchRule" FROM "Fact"."WebSession" AS f
            LEFT JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = f."CustomerKey" AND c."CustomerKey" <> 0 AND c."ValidTo" = TIMESTAMP '9999-12-31'
            """).ToDictionary(r => r.Session, r => (r.Crm, r.Rule));

    private static string? Current(DuckDbWarehouse w, string crm, string column) =>
        w.Connection.ExecuteScalar<string?>($"SELECT \"{column}\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = $crm AND \"ValidTo\" = TIMESTAMP '9999-12-31'", new { crm });

    [Fact]
    public void A_visitor_seen_once_with_a_customer_links_its_anonymous_sessions_and_a_shared_visitor_links_none()
    {
        using var warehouse = WithCustomers();
        var customersBefore = warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\"");

        var result = InteractionLoaders.LoadWeb(warehouse, WebFile("web.jsonl",
            Event("v1", "s0", "01T09:00:00"),                       // anonymous, before the login
            Event("vS", "t1", "01T09:30:00", "C1"),                 // shared device: Anna …
            Event("v1", "s1", "02T10:00:00", "C1"),                 // Anna logs in on v1
            Event("vS", "t2", "02T11:00:00", "C2"),                 // … and Bob
            Event("v9", "n1", "02T12:00:00"),                       // never identified
            Event("vS", "t3", "03T09:00:00"),                       // anonymous on the shared device
            Event("v1", "s2", "03T10:00:00")));                     // anonymous again, after the login

        var s = Sessions(warehouse);
        Assert.Equal(("C1", "visitor-stitch"), s["s0"]);
        Assert.Equal(("C1", "crm-id"), s["s1"]);
        Assert.Equal(("C1", "visitor-stitch"), s["s2"]);
        Assert.Equal(("C1", "crm-id"), s["t1"]);
        Assert.Equal(("C2", "crm-id"), s["t2"]);
        Assert.Equal((null, "visitor-conflict"), s["t3"]);
        Assert.Equal((null, "none"), s["n1"]);
        Assert.Contains("5 linked to a customer", result.Detail, StringComparison.Ordinal);
        Assert.Contains("1 visitors linked to two or more customers", result.Detail, StringComparison.Ordinal);

        // The visitor id goes to Anna's current version in place (no new version); the shared one to nobody.
        Assert.Equal("v1", Current(warehouse, "C1", "WebVisitorId"));
        Assert.Null(Current(warehouse, "C2", "WebVisitorId"));
        Assert.Equal(customersBefore, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\""));
    }

    [Fact]
    public void Later_loads_link_to_known_visitors_relink_earlier_anonymous_sessions_and_reruns_change_nothing()
    {
        using var warehouse = WithCustomers();
        InteractionLoaders.LoadWeb(warehouse, WebFile("a.jsonl",
            Event("v1", "s1", "02T10:00:00", "C1"),
            Event("v7", "u1", "02T11:00:00")));                    // Bob, not yet identified
        Assert.Equal((null, "none"), Sessions(warehouse)["u1"]);
        var customers = warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\"");

        var later = InteractionLoaders.LoadWeb(warehouse, WebFile("b.jsonl",
            Event("v1", "s2", "10T10:00:00"),                       // known visitor, anonymous: Anna
            Event("v7", "u2", "10T11:00:00", "C2")));               // Bob logs in on v7

        var s = Sessions(warehouse);
        Assert.Equal(("C1", "visitor-stitch"), s["s2"]);
        Assert.Equal(("C2", "visitor-stitch"), s["u1"]);           // the earlier anonymous session follows
        Assert.Contains("1 rows of earlier loads re-linked", later.Detail, StringComparison.Ordinal);
        Assert.Equal(customers, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\""));
        Assert.Equal("v7", Current(warehouse, "C2", "WebVisitorId"));

        // The same sessions again under another file name (not skipped by the content hash: one more line).
        var before = WarehouseSnapshot.Fingerprint(warehouse, "Fact", "WebSession");
        var customerPrint = WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer");
        var again = InteractionLoaders.LoadWeb(warehouse, WebFile("c.jsonl",
            Event("v7", "u1", "02T11:00:00"),
            Event("v1", "s2", "10T10:00:00"),
            Event("v7", "u2", "10T11:00:00", "C2")));
        Assert.False(again.Skipped);
        Assert.Contains("0 rows of earlier loads re-linked", again.Detail, StringComparison.Ordinal);
        Assert.Equal(before, WarehouseSnapshot.Fingerprint(warehouse, "Fact", "WebSession"));
        Assert.Equal(customerPrint, WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer"));
    }

    [Fact]
    public void Stitching_does_not_depend_on_how_the_sessions_were_split_into_loads()
    {
        string[] first = [Event("v1", "s0", "01T09:00:00"), Event("v2", "x1", "01T10:00:00", "C2"), Event("v3", "y1", "01T11:00:00")];
        string[] second = [Event("v1", "s1", "05T09:00:00", "C1"), Event("v3", "y2", "05T10:00:00", "C1"), Event("v3", "y3", "05T11:00:00", "C2")];
        var outcomes = new List<Dictionary<string, (string? Crm, string Rule)>>();
        foreach (var files in new[] { new[] { first, second }, new[] { second, first }, new[] { first.Concat(second).ToArray() } })
        {
            using var warehouse = WithCustomers();
            var n = 0;
            foreach (var events in files)
            {
                var ordered = events.OrderBy(e => e[(e.IndexOf("2024", StringComparison.Ordinal))..], StringComparer.Ordinal).ToArray();
                InteractionLoaders.LoadWeb(warehouse, WebFile($"f{++n}.jsonl", ordered));
            }

            outcomes.Add(Sessions(warehouse));
        }

        Assert.Equal(("C1", "visitor-stitch"), outcomes[0]["s0"]);
        Assert.Equal((null, "visitor-conflict"), outcomes[0]["y1"]);
        Assert.Equal(outcomes[0].OrderBy(p => p.Key), outcomes[1].OrderBy(p => p.Key));
        Assert.Equal(outcomes[0].OrderBy(p => p.Key), outcomes[2].OrderBy(p => p.Key));
    }

    [Fact]
    public void A_handle_seen_once_with_an_email_links_its_other_comments_on_that_platform()
    {
        using var warehouse = WithCustomers();
        var json = """
            [{"platform":"x","comment_id":"c1","handle":"@anna","timestamp":"2024-05-01T10:00:00Z","text":"first"},
             {"platform":"x","comment_id":"c2","handle":"@anna","email":"anna.smith@example.com","timestamp":"2024-05-02T10:00:00Z","text":"second"},
             {"platform":"x","comment_id":"c3","handle":"@Anna","timestamp":"2024-05-03T10:00:00Z","text":"handles ignore case"},
             {"platform":"instagram","comment_id":"c4","handle":"@anna","timestamp":"2024-05-03T11:00:00Z","text":"another platform"},
             {"platform":"x","comment_id":"c5","handle":"@family","email":"anna.smith@example.com","timestamp":"2024-05-04T10:00:00Z","text":"shared"},
             {"platform":"x","comment_id":"c6","handle":"@family","email":"bob@example.com","timestamp":"2024-05-04T11:00:00Z","text":"shared"},
             {"platform":"x","comment_id":"c7","handle":"@family","timestamp":"2024-05-04T12:00:00Z","text":"who?"}]
            """;

        var result = InteractionLoaders.LoadSocial(warehouse, Write("social.json", json));

        var rows = warehouse.Connection.Query<(string Id, string? Crm, string Rule)>("""
            SELECT f."CommentId", c."CrmCustomerId", f."MatchRule" FROM "Fact"."SocialInteraction" AS f
            LEFT JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = f."CustomerKey" AND c."CustomerKey" <> 0 AND c."ValidTo" = TIMESTAMP '9999-12-31'
            """).ToDictionary(r => r.Id, r => (r.Crm, r.Rule));
        Assert.Equal(("C1", "handle-stitch"), rows["c1"]);
        Assert.Equal(("C1", "email"), rows["c2"]);
        Assert.Equal(("C1", "handle-stitch"), rows["c3"]);
        Assert.Equal((null, "none"), rows["c4"]);
        Assert.Equal(("C1", "email"), rows["c5"]);
        Assert.Equal(("C2", "email"), rows["c6"]);
        Assert.Equal((null, "handle-conflict"), rows["c7"]);
        Assert.Contains("1 handles linked to two or more customers", result.Detail, StringComparison.Ordinal);
        Assert.Equal("x:@anna", Current(warehouse, "C1", "SocialHandle"));   // earliest comment of an unshared handle
        Assert.Null(Current(warehouse, "C2", "SocialHandle"));
    }
}
