using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// A duplicate CRM registration's own e-mail links web sessions and social comments to the customer it was merged into
/// (audit issue 6, defect 7, remainder): the source-key map <c>Integration.CustomerKeyMap</c> keeps each CRM id's e-mail,
/// and the direct e-mail links read every e-mail of a customer (view <c>Integration.CustomerEmail</c>), still linking only
/// when the e-mail names exactly one customer. Before, only the current version's e-mail (the primary id's) was compared:
/// a comment signed with the duplicate's address stayed unlinked, and an address that a duplicate shares with another
/// customer linked to that other customer alone. Checked on DuckDB and with the SQL Server procedures' own statements
/// (<see cref="ProcedureOnDuckDb"/>) run on the rows the DuckDB load staged.
/// <para>CRM file (worked out by hand): C1 Ann Lee ann@example.com and D3 Ann Lee other@example.com share a phone, name and
/// birth date, so D3 is C1's duplicate (rule phone; C1 is primary: earlier signup) → customer Ann. L2 Bob Lee lee@example.com
/// → customer Bob. E5 Eve Stone eve@example.com and E6 Eve Stone lee@example.com share a phone → customer Eve (E6 is not tied
/// to Bob by lee@: "Eve Stone" and "Bob Lee" are not similar names). So lee@example.com is Bob's and Eve's (two customers).</para>
/// </summary>
public sealed class DuplicateRegistrationEmailTests : CustomerSeededTests
{
    private const string Header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    private const string Crm = Header +
        "C1,Ann Lee,ann@example.com,+442079460011,1980-01-01,F,Leeds,United Kingdom,2020-01-01,,,2024-06-01 09:30:00\n" +
        "D3,Ann Lee,other@example.com,+442079460011,1980-01-01,F,Leeds,United Kingdom,2023-01-01,,,2024-06-01 09:30:00\n" +
        "L2,Bob Lee,lee@example.com,+442079460012,1979-01-01,M,Leeds,United Kingdom,2021-01-01,,,2024-06-01 09:30:00\n" +
        "E5,Eve Stone,eve@example.com,+442079460015,1985-05-05,F,York,United Kingdom,2020-01-01,,,2024-06-01 09:30:00\n" +
        "E6,Eve Stone,lee@example.com,+442079460015,1985-05-05,F,York,United Kingdom,2022-01-01,,,2024-06-01 09:30:00\n";

    private static readonly string SocialProcedure = File.ReadAllText(
        RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedSocialInteractionData.sql"));

    private static readonly string WebProcedure = File.ReadAllText(
        RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedWebSessionData.sql"));

    private DuckDbWarehouse Customers(out Dictionary<string, int> keys)
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm.csv", Crm));
        keys = warehouse.Connection.Query<(string, int)>("SELECT \"CrmCustomerId\", \"CustomerKey\" FROM \"Integration\".\"CustomerKeyMap\"")
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        Assert.Equal(keys["C1"], keys["D3"]);
        Assert.Equal(keys["E5"], keys["E6"]);
        Assert.Equal(3, keys.Values.Distinct().Count());
        return warehouse;
    }

    private static string Comment(string id, string handle, string email) =>
        $$"""{"platform":"x","comment_id":"{{id}}","handle":"{{handle}}","email":"{{email}}","timestamp":"2024-05-01T10:00:00Z","text":"nice"}""";

    private static string Event(string visitor, string email) =>
        $$"""{"visitor_id":"{{visitor}}","email_hash":"{{EmailRules.Sha256Hex(email)}}","session_id":"s{{visitor}}","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""";

    // d1 other@ (D3's own) → Ann; d2 other+news@ (match key other@) → Ann; a1 ann@ (the current version's) → Ann;
    // l1 lee@ (Bob's current e-mail and E6's, Eve's duplicate) → nobody. Each handle is its own, so nothing is stitched.
    private static readonly string Comments = "[" + string.Join(",\n",
        Comment("a1", "@ann", "ann@example.com"), Comment("d1", "@ann2", "other@example.com"), Comment("d2", "@ann3", "other+news@example.com"),
        Comment("l1", "@bob", "lee@example.com")) + "]";

    // v1 hash of other@ → Ann; v2 hash of lee@ → nobody; v3 hash of ann@ → Ann.
    private static readonly string Events = string.Join("\n", Event("v1", "other@example.com"), Event("v2", "lee@example.com"), Event("v3", "ann@example.com")) + "\n";

    private static List<(string Id, int Key, string Rule)> SocialFacts(DuckDbWarehouse warehouse) =>
        warehouse.Connection.Query<(string, int, string)>("SELECT \"CommentId\", \"CustomerKey\", \"MatchRule\" FROM \"Fact\".\"SocialInteraction\" ORDER BY 1").ToList();

    private static List<(string Id, int Key, string Rule)> WebFacts(DuckDbWarehouse warehouse) =>
        warehouse.Connection.Query<(string, int, string)>("SELECT \"WebVisitorId\", \"CustomerKey\", \"MatchRule\" FROM \"Fact\".\"WebSession\" ORDER BY 1").ToList();

    private static List<(string Id, int Key, string? Email)> Map(DuckDbWarehouse warehouse) =>
        warehouse.Connection.Query<(string, int, string?)>("SELECT \"CrmCustomerId\", \"CustomerKey\", \"Email\" FROM \"Integration\".\"CustomerKeyMap\" ORDER BY 1").ToList();

    [Fact]
    public void The_source_key_map_keeps_each_crm_ids_own_email()
    {
        using var warehouse = Customers(out var keys);

        Assert.Equal(
        [
            ("C1", keys["C1"], "ann@example.com"), ("D3", keys["C1"], "other@example.com"), ("E5", keys["E5"], "eve@example.com"),
            ("E6", keys["E5"], "lee@example.com"), ("L2", keys["L2"], "lee@example.com"),
        ], Map(warehouse));
    }

    [Fact]
    public void A_duplicate_registrations_own_email_links_its_comment_and_web_login_to_the_merged_customer()
    {
        using var warehouse = Customers(out var keys);
        var ann = keys["C1"];

        InteractionLoaders.LoadSocial(warehouse, Write("s.json", Comments));
        InteractionLoaders.LoadWeb(warehouse, Write("w.jsonl", Events));

        Assert.Equal([("a1", ann, "email"), ("d1", ann, "email"), ("d2", ann, "email"), ("l1", 0, "none")], SocialFacts(warehouse));
        Assert.Equal([("v1", ann, "email-hash"), ("v2", 0, "none"), ("v3", ann, "email-hash")], WebFacts(warehouse));
        // Web and social loads never create customers.
        Assert.Equal(3, warehouse.Connection.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));
    }

    [Fact]
    public void A_later_crm_id_with_a_duplicates_own_email_is_the_known_customer_not_a_new_one()
    {
        // X9 is a new CRM registration of Ann Lee (same name and birth date) with D3's address, no phone, in Bristol: only the
        // e-mail rule can tie it (fuzzy name + city needs the city), and only through D3's own address. Before, the known
        // identities carried each customer's current e-mail alone (ann@ for both C1 and D3), so X9 became a fourth customer.
        using var warehouse = Customers(out var keys);
        CrmLoader.Load(warehouse, Write("crm2.csv", Header +
            "X9,Ann Lee,other@example.com,,1980-01-01,F,Bristol,United Kingdom,2024-07-01,,,2024-07-01 09:30:00\n"));

        var (key, rule) = warehouse.Connection.QuerySingle<(int, string)>(
            "SELECT \"CustomerKey\", \"MatchRule\" FROM \"Integration\".\"CustomerKeyMap\" WHERE \"CrmCustomerId\" = 'X9'");
        Assert.Equal(keys["C1"], key);
        Assert.Equal("email", rule);
        Assert.Equal(3, warehouse.Connection.ExecuteScalar<long>(
            "SELECT count(DISTINCT \"CustomerKey\") FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));
    }

    [Fact]
    public void Rerunning_the_loads_changes_nothing()
    {
        using var warehouse = Customers(out _);
        InteractionLoaders.LoadSocial(warehouse, Write("s.json", Comments));
        InteractionLoaders.LoadWeb(warehouse, Write("w.jsonl", Events));
        const string Snapshot = """
            SELECT 'map', "CrmCustomerId", CAST("CustomerKey" AS VARCHAR), "Email", CAST("LineageKey" AS VARCHAR) FROM "Integration"."CustomerKeyMap"
            UNION ALL SELECT 'social', "CommentId", CAST("CustomerKey" AS VARCHAR), "MatchRule", CAST("LineageKey" AS VARCHAR) FROM "Fact"."SocialInteraction"
            UNION ALL SELECT 'web', "WebVisitorId", CAST("CustomerKey" AS VARCHAR), "MatchRule", CAST("LineageKey" AS VARCHAR) FROM "Fact"."WebSession"
            UNION ALL SELECT 'customer', CAST("CustomerKey" AS VARCHAR), "Email", CAST("ValidTo" AS VARCHAR), CAST("LineageKey" AS VARCHAR) FROM "Dimension"."Customer"
            ORDER BY 1, 2, 3
            """;
        var before = warehouse.Connection.Query<(string, string, string, string?, string)>(Snapshot).ToList();

        // The same rows again, in files of other bytes (a file loaded before is skipped whole by its content hash).
        Assert.False(CrmLoader.Load(warehouse, Write("crm-again.csv", Crm + "\n")).Skipped);
        Assert.False(InteractionLoaders.LoadSocial(warehouse, Write("s-again.json", Comments + "\n")).Skipped);
        Assert.False(InteractionLoaders.LoadWeb(warehouse, Write("w-again.jsonl", Events + "\n")).Skipped);

        Assert.Equal(before, warehouse.Connection.Query<(string, string, string, string?, string)>(Snapshot).ToList());
    }

    [Fact]
    public void A_later_version_of_a_duplicate_id_moves_its_email_in_the_map_without_versioning_the_customer()
    {
        using var warehouse = Customers(out var keys);
        var ann = keys["C1"];

        // D3's newer row has ann.lee@example.net: the map follows it; Ann's attributes come from C1 (primary), so no version.
        CrmLoader.Load(warehouse, Write("crm2.csv", Header +
            "D3,Ann Lee,ann.lee@example.net,+442079460011,1980-01-01,F,Leeds,United Kingdom,2023-01-01,,,2024-07-01 09:30:00\n"));
        Assert.Equal(("D3", ann, "ann.lee@example.net"), Map(warehouse).Single(m => m.Id == "D3"));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" = $ann", new { ann }));

        // n1 with the new address links to Ann; o1 with D3's old address, which no id has any more, links nobody.
        InteractionLoaders.LoadSocial(warehouse, Write("s.json", "[" + Comment("n1", "@n", "ann.lee@example.net") + "," + Comment("o1", "@o", "other@example.com") + "]"));
        Assert.Equal([("n1", ann, "email"), ("o1", 0, "none")], SocialFacts(warehouse));
    }

    [Fact]
    public void Map_rows_without_an_email_take_their_primary_customers_current_one_at_the_next_crm_load()
    {
        // A file written before the map held e-mails: its map rows have none (the column is added empty). The next CRM
        // load fills a primary id's from its customer's current version (C1, L2, E5); a duplicate's own address (D3, E6)
        // is stored nowhere else and stays NULL until its CRM row comes again. Z9 is new.
        using var warehouse = Customers(out var keys);
        warehouse.Connection.Execute("UPDATE \"Integration\".\"CustomerKeyMap\" SET \"Email\" = NULL");

        CrmLoader.Load(warehouse, Write("crm2.csv", Header +
            "Z9,Zoe Hart,zoe@example.com,,1990-02-02,F,Hull,United Kingdom,2024-01-01,,,2024-07-01 09:30:00\n"));

        var map = Map(warehouse).ToDictionary(m => m.Id, m => m.Email, StringComparer.Ordinal);
        Assert.Equal(
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["C1"] = "ann@example.com", ["D3"] = null, ["E5"] = "eve@example.com", ["E6"] = null, ["L2"] = "lee@example.com", ["Z9"] = "zoe@example.com",
            },
            map);
    }

    [Fact]
    public void The_social_procedures_email_link_gives_the_duplicates_customer_as_the_duckdb_migration()
    {
        using var warehouse = Customers(out var keys);
        var ann = keys["C1"];
        List<(string Id, int Key)>? procedure = null;

        InteractionLoaders.LoadSocial(warehouse, Write("s.json", Comments), checkpoint: point =>
        {
            if (point != "staged")
            {
                return;
            }

            procedure = RunProcedure(warehouse, "SocialInteraction_Staging", "social_staging", SocialProcedure, ["#Staged", "#ByEmail"], """
                SELECT s."CommentId", COALESCE(byEmail."CustomerKey", 0) FROM "#Staged" AS s
                LEFT JOIN "#ByEmail" AS byEmail ON byEmail."EmailKey" = s."EmailKey" ORDER BY 1
                """);
        });

        // The procedure's direct link (#ByEmail joined as its #Resolved joins it) per comment, worked out above.
        Assert.Equal([("a1", ann), ("d1", ann), ("d2", ann), ("l1", 0)], procedure);
        Assert.Equal(SocialFacts(warehouse).Select(f => (f.Id, f.Rule == "email" ? f.Key : 0)), procedure);
    }

    [Fact]
    public void The_web_procedures_email_hash_link_gives_the_duplicates_customer_as_the_duckdb_migration()
    {
        using var warehouse = Customers(out var keys);
        var ann = keys["C1"];
        List<(string Id, int Key)>? procedure = null;

        InteractionLoaders.LoadWeb(warehouse, Write("w.jsonl", Events), checkpoint: point =>
        {
            if (point != "staged")
            {
                return;
            }

            procedure = RunProcedure(warehouse, "WebSession_Staging", "web_staging", WebProcedure, ["#Staged", "#Continued", "#Merged", "#ByEmailHash"], """
                SELECT s."WebVisitorId", COALESCE(byEmail."CustomerKey", 0) FROM "#Merged" AS s
                LEFT JOIN "#ByEmailHash" AS byEmail ON byEmail."EmailHash" = s."EmailHash" ORDER BY 1
                """);
        });

        Assert.Equal([("v1", ann), ("v2", 0), ("v3", ann)], procedure);
        Assert.Equal(WebFacts(warehouse).Select(f => (f.Id, f.Rule == "email-hash" ? f.Key : 0)), procedure);
    }

    [Fact]
    public void The_procedure_check_sees_the_link_by_current_versions_only()
    {
        // Guards the two tests above: the social procedure as it was (#ByEmail over the current versions of
        // Dimension.Customer) links d1 and d2 to nobody and l1 to Bob alone.
        var before = SocialProcedure.Replace("FROM [Integration].[CustomerEmail] AS c",
            "FROM (SELECT d.[CustomerKey], d.[Email] FROM [Dimension].[Customer] AS d WHERE d.[ValidTo] = '9999-12-31' AND d.[CustomerKey] <> 0 AND d.[Email] IS NOT NULL) AS c",
            StringComparison.Ordinal);
        Assert.NotEqual(SocialProcedure, before);
        using var warehouse = Customers(out var keys);
        List<(string Id, int Key)>? procedure = null;

        InteractionLoaders.LoadSocial(warehouse, Write("s.json", Comments), checkpoint: point =>
        {
            if (point == "staged")
            {
                procedure = RunProcedure(warehouse, "SocialInteraction_Staging", "social_staging", before, ["#Staged", "#ByEmail"], """
                    SELECT s."CommentId", COALESCE(byEmail."CustomerKey", 0) FROM "#Staged" AS s
                    LEFT JOIN "#ByEmail" AS byEmail ON byEmail."EmailKey" = s."EmailKey" ORDER BY 1
                    """);
            }
        });

        Assert.Equal([("a1", keys["C1"]), ("d1", 0), ("d2", 0), ("l1", keys["L2"])], procedure);
    }

    /// <summary>
    /// At the load's staged checkpoint: copies the rows the DuckDB load staged into the Integration staging table the
    /// procedure reads (SqlBulkCopy would put the same rows there), runs the procedure's statements, reads the direct
    /// links, and leaves no trace.
    /// </summary>
    private static List<(string Id, int Key)> RunProcedure(DuckDbWarehouse warehouse, string stagingTable, string temporaryPrefix, string procedureText,
        string[] tempTables, string query)
    {
        var lineageKey = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
        Assert.True(warehouse.Connection.Execute($"INSERT INTO \"Integration\".\"{stagingTable}\" SELECT * FROM temp.main.{temporaryPrefix}_{lineageKey}") > 0);
        foreach (var sql in ProcedureOnDuckDb.SelectIntoStatements(procedureText, tempTables))
        {
            warehouse.Connection.Execute(sql, new { LineageKey = lineageKey });
        }

        var links = warehouse.Connection.Query<(string, int)>(query).ToList();
        warehouse.Connection.Execute($"DELETE FROM \"Integration\".\"{stagingTable}\" WHERE \"LineageKey\" = $LineageKey", new { LineageKey = lineageKey });
        foreach (var table in tempTables)
        {
            warehouse.Connection.Execute($"DROP TABLE IF EXISTS \"{table}\"");
        }

        return links;
    }
}
