using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;
using Link = (string Id, int CustomerKey, string MatchRule);

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Web sessions and social comments loaded BEFORE their customer's CRM row link when the CRM row arrives (the last
/// functional gap of the ETL issue: the order of the sources must not matter). Before, Fact.WebSession and
/// Fact.SocialInteraction kept no source identifier and the CRM load re-linked nothing, so such rows stayed on the
/// Unknown customer (0, MatchRule none) for good. Expected links are worked out by hand in the comments; the SQL Server
/// procedure's statements are run against these results in <see cref="RelinkProcedureParityTests"/>.
/// </summary>
public sealed class RelinkAfterCrmTests : TempFolderTests
{
    internal const string Header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    /// <summary>
    /// C20 Eve (eve@example.com), C21 Fay (fay@example.com); L1 Ann Lee and L2 Bob Lee share lee@example.com (different names
    /// and birth dates: two customers, as in <see cref="EmailLinkTests"/>).
    /// </summary>
    internal const string Crm = Header +
        "C20,Eve Stone,eve@example.com,,1985-02-02,F,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "C21,Fay Green,fay@example.com,,1990-03-03,F,York,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "L1,Ann Lee,lee@example.com,,1980-01-01,F,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "L2,Bob Lee,lee@example.com,,1979-01-01,M,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n";

    internal static string Event(string visitor, string session, string time, string? customerId = null, string? emailHash = null) =>
        $$"""{"visitor_id":"{{visitor}}",{{(customerId is null ? "" : $"\"customer_id\":\"{customerId}\",")}}{{(emailHash is null ? "" : $"\"email_hash\":\"{emailHash}\",")}}"session_id":"{{session}}","timestamp":"2024-05-01T{{time}}:00Z","event_type":"page_view"}""";

    private static string Comment(string id, string handle, string? email) =>
        $$"""{"platform":"x","comment_id":"{{id}}","handle":"{{handle}}",{{(email is null ? "" : $"\"email\":\"{email}\",")}}"timestamp":"2024-05-01T10:00:00Z","text":"nice mugs"}""";

    /// <summary>
    /// v1: s1 logged in as c20 (lower case: CRM ids match without case), s2 two hours later anonymous; v2/s3 gives the hash of
    /// fay@example.com; v3/s4 logs in as C99, which the CRM never sends; v4/s5 gives the hash of lee@example.com (two customers).
    /// </summary>
    internal static string WebFile() => string.Join("\n",
        Event("v1", "s1", "10:00", customerId: "c20"),
        Event("v2", "s3", "10:00", emailHash: EmailRules.Sha256Hex("fay@example.com")),
        Event("v3", "s4", "10:00", customerId: "C99"),
        Event("v4", "s5", "10:00", emailHash: EmailRules.Sha256Hex("lee@example.com")),
        Event("v1", "s2", "12:00")) + "\n";

    /// <summary>
    /// @eve: c1 with eve+news@example.com (match key eve@example.com), c2 without an e-mail; @ann: c3 with the shared
    /// lee@example.com; @zed: c4 with an address no customer has.
    /// </summary>
    internal static string SocialFile() => "[" + string.Join(",",
        Comment("c1", "@eve", "eve+news@example.com"), Comment("c2", "@eve", null), Comment("c3", "@ann", "lee@example.com"),
        Comment("c4", "@zed", "zed@example.com")) + "]";

    internal static Dictionary<string, int> Keys(DuckDbWarehouse warehouse) =>
        warehouse.Connection.Query<(string, int)>("SELECT \"CrmCustomerId\", \"CustomerKey\" FROM \"Integration\".\"CustomerKeyMap\"")
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    internal static List<Link> Sessions(DuckDbWarehouse warehouse) => warehouse.Connection.Query<Link>(
        "SELECT \"SessionId\", \"CustomerKey\", \"MatchRule\" FROM \"Fact\".\"WebSession\" ORDER BY 1").AsList();

    internal static List<Link> Comments(DuckDbWarehouse warehouse) => warehouse.Connection.Query<Link>(
        "SELECT \"CommentId\", \"CustomerKey\", \"MatchRule\" FROM \"Fact\".\"SocialInteraction\" ORDER BY 1").AsList();

    [Fact]
    public void Sessions_and_comments_loaded_before_their_customers_crm_row_link_when_it_arrives()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        InteractionLoaders.LoadWeb(warehouse, Write("web1.jsonl", WebFile()));
        InteractionLoaders.LoadSocial(warehouse, Write("soc1.json", SocialFile()));
        // No customer yet: every row on the Unknown customer.
        Assert.All(Sessions(warehouse), s => Assert.Equal((0, "none"), (s.CustomerKey, s.MatchRule)));
        Assert.All(Comments(warehouse), c => Assert.Equal((0, "none"), (c.CustomerKey, c.MatchRule)));

        var crm = CrmLoader.Load(warehouse, Write("crm5.csv", Crm));
        var keys = Keys(warehouse);

        // s1: its kept CRM id c20 is C20's (crm-id); s2: v1's only direct link is now s1's, so it is stitched to C20;
        // s3: the hash of fay@ is C21's, one customer (email-hash); s4: C99 unknown (none); s5: lee@ is L1's and L2's (none).
        Assert.Equal([("s1", keys["C20"], "crm-id"), ("s2", keys["C20"], "visitor-stitch"), ("s3", keys["C21"], "email-hash"), ("s4", 0, "none"), ("s5", 0, "none")],
            Sessions(warehouse));
        // c1: match key eve@example.com is C20's (email); c2: @eve's only direct link is c1 (handle-stitch); c3: lee@ names two
        // customers (none); c4: nobody's (none).
        Assert.Equal([("c1", keys["C20"], "email"), ("c2", keys["C20"], "handle-stitch"), ("c3", 0, "none"), ("c4", 0, "none")], Comments(warehouse));
        // 2 sessions + 1 comment directly, 1 session + 1 comment by stitching: 5 rows.
        Assert.Contains("5 web sessions and social comments of earlier loads re-linked (2 sessions by their CRM id or e-mail hash, 1 by visitor, 1 comments by e-mail, 1 by handle)",
            crm.Detail, StringComparison.Ordinal);
        // The customers' source keys, as the web and social loads set them.
        Assert.Equal(("v1", "x:@eve"), warehouse.Connection.QuerySingle<(string, string)>(
            "SELECT \"WebVisitorId\", \"SocialHandle\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C20' AND \"ValidTo\" = TIMESTAMP '9999-12-31'"));

        // Linked rows keep no identifier (minimum kept); unlinked ones keep theirs for a later CRM load (s5/c3: the shared
        // address may become one customer's).
        Assert.Equal([("s1", null, null), ("s2", null, null), ("s3", null, null), ("s4", "C99", null), ("s5", null, EmailRules.Sha256Hex("lee@example.com"))],
            warehouse.Connection.Query<(string, string?, string?)>("SELECT \"SessionId\", \"SourceCrmCustomerId\", \"SourceEmailHash\" FROM \"Fact\".\"WebSession\" ORDER BY 1"));
        Assert.Equal([("c1", null), ("c2", null), ("c3", EmailRules.Sha256Hex("lee@example.com")), ("c4", EmailRules.Sha256Hex("zed@example.com"))],
            warehouse.Connection.Query<(string, string?)>("SELECT \"CommentId\", \"SourceEmailKeyHash\" FROM \"Fact\".\"SocialInteraction\" ORDER BY 1"));

        // The same files with the CRM first give the same links: the order of the sources does not matter.
        using var crmFirst = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(crmFirst, Write("crm5-first.csv", Crm));
        InteractionLoaders.LoadWeb(crmFirst, Write("web1-after.jsonl", WebFile()));
        InteractionLoaders.LoadSocial(crmFirst, Write("soc1-after.json", SocialFile()));
        Assert.Equal(keys, Keys(crmFirst));
        Assert.Equal(Sessions(crmFirst), Sessions(warehouse));
        Assert.Equal(Comments(crmFirst), Comments(warehouse));
    }

    [Fact]
    public void A_crm_id_that_maps_after_an_email_hash_link_wins_whatever_the_order_of_the_files()
    {
        // Review finding: s1 (visitor v1) logs in as C20 and gives the hash of e@example.com. C10 has e@, C20 has f@. The web
        // load's precedence is the CRM id first, so with both CRM rows stored s1 is C20's (crm-id). Before, an email-hash link
        // forgot the CRM id: order A (web, C10, C20) left s1 on C10 (email-hash) for good, order B (C10, C20, web) gave C20.
        var web = Event("v1", "s1", "10:00", customerId: "C20", emailHash: EmailRules.Sha256Hex("e@example.com")) + "\n";
        var c10 = Header + "C10,Cat Ash,e@example.com,,1981-01-01,F,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n";
        var c20 = Header + "C20,Dan Oak,f@example.com,,1982-02-02,M,York,United Kingdom,,,,2024-06-01 09:30:00\n";
        string[][] orders = [["web", "c10", "c20"], ["c10", "c20", "web"], ["c10", "web", "c20"]];
        foreach (var order in orders)
        {
            using var warehouse = DuckDbWarehouse.Open(":memory:");
            var name = string.Join('-', order);
            foreach (var step in order)
            {
                if (step == "web")
                {
                    InteractionLoaders.LoadWeb(warehouse, Write($"{name}-web.jsonl", web));
                }
                else
                {
                    CrmLoader.Load(warehouse, Write($"{name}-{step}.csv", step == "c10" ? c10 : c20));
                }
            }

            var keys = Keys(warehouse);
            // s1 → C20 by its CRM id in every order; no identifier kept once linked by CRM id.
            Assert.Equal([("s1", keys["C20"], "crm-id")], Sessions(warehouse));
            Assert.Equal(((string?)null, (string?)null), warehouse.Connection.QuerySingle<(string?, string?)>(
                "SELECT \"SourceCrmCustomerId\", \"SourceEmailHash\" FROM \"Fact\".\"WebSession\""));
            // v1 is C20's visitor; C10, which held s1 in between in orders A and C, has none (recomputed on the upgrade).
            Assert.Equal([("C10", null), ("C20", "v1")], warehouse.Connection.Query<(string, string?)>(
                "SELECT \"CrmCustomerId\", \"WebVisitorId\" FROM \"Dimension\".\"Customer\" WHERE \"ValidTo\" = TIMESTAMP '9999-12-31' AND \"CustomerKey\" <> 0 ORDER BY 1"));
        }
    }

    [Fact]
    public void An_email_hash_link_keeps_the_crm_id_until_the_crm_id_maps()
    {
        // The web file after C10 only: s1's C20 is unknown, e@ is C10's alone, so s1 is C10's by e-mail hash and keeps "C20"
        // (not the hash: the link used it). Before, it kept neither, so C20's arrival could not change it.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("c10.csv", Header + "C10,Cat Ash,e@example.com,,1981-01-01,F,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n"));
        InteractionLoaders.LoadWeb(warehouse, Write("web.jsonl", Event("v1", "s1", "10:00", customerId: "C20", emailHash: EmailRules.Sha256Hex("e@example.com")) + "\n"));
        Assert.Equal([("s1", Keys(warehouse)["C10"], "email-hash")], Sessions(warehouse));
        Assert.Equal(("C20", (string?)null), warehouse.Connection.QuerySingle<(string?, string?)>(
            "SELECT \"SourceCrmCustomerId\", \"SourceEmailHash\" FROM \"Fact\".\"WebSession\""));
        // An unrelated CRM row changes nothing (C20 still unknown).
        var other = CrmLoader.Load(warehouse, Write("k1.csv", Header + "K1,Kim Park,kim@example.com,,1970-04-04,F,Bath,United Kingdom,,,,2024-06-02 09:30:00\n"));
        Assert.Contains("0 web sessions and social comments of earlier loads re-linked", other.Detail, StringComparison.Ordinal);
        Assert.Equal([("s1", Keys(warehouse)["C10"], "email-hash")], Sessions(warehouse));
    }

    [Fact]
    public void A_session_loaded_before_the_purchases_that_create_its_customer_links_to_it()
    {
        // A purchase of an unknown CRM id creates that customer (MatchRule crm-id in the map); a web login of the id loaded
        // before it kept the id and links when the purchases arrive, and the visitor's anonymous session is stitched, as when
        // the purchases come first. Before, both stayed on customer 0 until some CRM load (which did not re-link either).
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        InteractionLoaders.LoadWeb(warehouse, Write("web.jsonl", Event("v7", "s7", "10:00", customerId: "17850") + "\n" + Event("v7", "s8", "12:00") + "\n"));

        TransactionLoader.Load(warehouse, Write("tx.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"));

        var key = Keys(warehouse)["17850"];
        Assert.Equal([("s7", key, "crm-id"), ("s8", key, "visitor-stitch")], Sessions(warehouse));
        Assert.Equal([(string?)null, null], warehouse.Connection.Query<string?>("SELECT \"SourceCrmCustomerId\" FROM \"Fact\".\"WebSession\" ORDER BY \"SessionId\""));
    }

    [Fact]
    public void An_email_two_customers_share_stays_unlinked_and_a_later_crm_load_changes_nothing()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        InteractionLoaders.LoadWeb(warehouse, Write("web1.jsonl", WebFile()));
        InteractionLoaders.LoadSocial(warehouse, Write("soc1.json", SocialFile()));
        CrmLoader.Load(warehouse, Write("crm5.csv", Crm));
        var sessions = Sessions(warehouse);
        var comments = Comments(warehouse);
        // s5 and c3 carry lee@example.com, which L1 and L2 both have: not linked (the exactly-one rule of EmailLinkTests).
        Assert.Contains(("s5", 0, "none"), sessions);
        Assert.Contains(("c3", 0, "none"), comments);
        var identifiers = warehouse.Connection.Query<(string, string?, string?)>(
            "SELECT \"SessionId\", \"SourceCrmCustomerId\", \"SourceEmailHash\" FROM \"Fact\".\"WebSession\" ORDER BY 1").AsList();

        // The same file again is skipped; another CRM file with an unrelated customer re-links nothing and changes no fact.
        Assert.True(CrmLoader.Load(warehouse, Write("crm5-again.csv", Crm)).Skipped);
        var other = CrmLoader.Load(warehouse, Write("crm6.csv", Header + "K1,Kim Park,kim@example.com,,1970-04-04,F,Bath,United Kingdom,,,,2024-06-02 09:30:00\n"));
        Assert.Contains("0 web sessions and social comments of earlier loads re-linked", other.Detail, StringComparison.Ordinal);
        Assert.Equal(sessions, Sessions(warehouse));
        Assert.Equal(comments, Comments(warehouse));
        Assert.Equal(identifiers, warehouse.Connection.Query<(string, string?, string?)>(
            "SELECT \"SessionId\", \"SourceCrmCustomerId\", \"SourceEmailHash\" FROM \"Fact\".\"WebSession\" ORDER BY 1"));

        // When Bob gets an address of his own (a newer version of L2), lee@ is Ann's alone: s5 and c3 link to L1 then, as they
        // would have had they been loaded after this CRM row.
        var bob = CrmLoader.Load(warehouse, Write("crm7.csv", Header + "L2,Bob Lee,bob@example.com,,1979-01-01,M,Leeds,United Kingdom,,,,2024-07-01 09:30:00\n"));
        var keys = Keys(warehouse);
        Assert.Contains(("s5", keys["L1"], "email-hash"), Sessions(warehouse));
        Assert.Contains(("c3", keys["L1"], "email"), Comments(warehouse));
        Assert.Contains("2 web sessions and social comments of earlier loads re-linked", bob.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_comments_email_is_in_no_fact_dimension_or_integration_column_only_in_the_reject_of_a_rejected_record()
    {
        // The file of SocialFile plus a repeat of c1 (same id, dup@example.com: rejected as a duplicate, its staged values
        // written as JSON, Email included) and a comment without a timestamp (rej@example.com: rejected as read).
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var file = SocialFile()[..^1] + "," +
            """{"platform":"x","comment_id":"c1","handle":"@eve","email":"dup@example.com","timestamp":"2024-05-01T11:00:00Z","text":"again"}""" + "," +
            """{"platform":"x","comment_id":"c9","handle":"@rex","email":"rej@example.com","text":"no time"}""" + "]";
        InteractionLoaders.LoadSocial(warehouse, Write("soc1.json", file));

        // Every text column of every table of the warehouse except the reject tables (facts, dimensions, lineage, staging,
        // source-key map): no address given with a comment is there in clear (the load's staging table was temporary).
        var columns = warehouse.Connection.Query<(string Schema, string Table, string Column)>("""
            SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns AS c
            JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.data_type = 'VARCHAR' AND t.table_type = 'BASE TABLE'
            """).AsList();
        Assert.Contains(("Fact", "SocialInteraction", "SourceEmailKeyHash"), columns);
        Assert.Contains(("Integration", "RejectedSocialInteraction", "RawRecord"), columns);
        foreach (var (schema, table, column) in columns.Where(c => !c.Table.StartsWith("Reject", StringComparison.Ordinal)))
        {
            Assert.Equal(0L, warehouse.Connection.ExecuteScalar<long>(
                $"SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE contains(lower(\"{column}\"), 'example.com')"));
        }

        // The reject tables keep each rejected record as read, its address included ("nothing is lost", as for every source):
        // the duplicate's staged values and the record without a timestamp, and nothing else.
        var rejects = warehouse.Connection.Query<(string Reason, string RawRecord)>(
            "SELECT \"Reason\", \"RawRecord\" FROM \"Integration\".\"RejectedSocialInteraction\" ORDER BY \"SourceRecordNumber\"").AsList();
        Assert.Equal(2, rejects.Count);
        Assert.StartsWith("duplicate of line", rejects[0].Reason, StringComparison.Ordinal);
        Assert.Contains("dup@example.com", rejects[0].RawRecord, StringComparison.Ordinal);
        Assert.Contains("rej@example.com", rejects[1].RawRecord, StringComparison.Ordinal);

        // c1 keeps the SHA-256 of its address's match key (eve+news@ → eve@example.com), c2 (no e-mail) nothing.
        Assert.Equal([("c1", EmailRules.Sha256Hex("eve@example.com")), ("c2", null)], warehouse.Connection.Query<(string, string?)>(
            "SELECT \"CommentId\", \"SourceEmailKeyHash\" FROM \"Fact\".\"SocialInteraction\" WHERE \"CommentId\" IN ('c1', 'c2') ORDER BY 1"));
    }

    [Fact]
    public void An_older_warehouse_file_gets_the_identifier_columns_in_place_and_its_rows_stay_unlinked()
    {
        // A file written before the identifier columns existed: they are dropped from a new file's facts after a web and a
        // social load, and the schema hash made stale, as an older version would have left them.
        var path = Path.Combine(Folder, "old.duckdb");
        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            InteractionLoaders.LoadWeb(warehouse, Write("web1.jsonl", WebFile()));
            InteractionLoaders.LoadSocial(warehouse, Write("soc1.json", SocialFile()));
            warehouse.Connection.Execute("""
                ALTER TABLE "Fact"."WebSession" DROP COLUMN "SourceCrmCustomerId";
                ALTER TABLE "Fact"."WebSession" DROP COLUMN "SourceEmailHash";
                ALTER TABLE "Fact"."SocialInteraction" DROP COLUMN "SourceEmailKeyHash";
                UPDATE main.warehouse_schema SET SchemaHash = 'older';
                """);
        }

        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            Assert.Equal(5L, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"WebSession\" WHERE \"SourceCrmCustomerId\" IS NULL AND \"SourceEmailHash\" IS NULL"));
            Assert.Equal(4L, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"SocialInteraction\" WHERE \"SourceEmailKeyHash\" IS NULL"));
            // The stored rows' identifiers were never kept and cannot be recovered: the CRM load links none of them.
            var crm = CrmLoader.Load(warehouse, Write("crm5.csv", Crm));
            Assert.Contains("0 web sessions and social comments of earlier loads re-linked", crm.Detail, StringComparison.Ordinal);
            Assert.All(Sessions(warehouse), s => Assert.Equal(0, s.CustomerKey));

            // Rows loaded after the upgrade keep theirs: a session of C99 links when C99 arrives.
            InteractionLoaders.LoadWeb(warehouse, Write("web2.jsonl", Event("v9", "s9", "15:00", customerId: "C99") + "\n"));
            CrmLoader.Load(warehouse, Write("crm6.csv", Header + "C99,Cy Ng,cy@example.com,,1970-04-04,M,Bath,United Kingdom,,,,2024-06-02 09:30:00\n"));
            Assert.Contains(("s9", Keys(warehouse)["C99"], "crm-id"), Sessions(warehouse));
        }
    }
}
