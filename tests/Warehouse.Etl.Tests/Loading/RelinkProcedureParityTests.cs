using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Integration.RelinkStoredInteractions (run by MigrateStagedCustomerData) links the web sessions and social comments
/// loaded before their customer's CRM row as the host's DuckDB CRM migration does (InteractionMigration.RelinkStored). The
/// procedure's SELECT … INTO statements (written in the SQL both engines accept) run on DuckDB inside a DuckDB CRM load, after
/// its customers and source-key map are written and before the host's re-link; its UPDATE statements are applied to the
/// facts as they stood then (a row the procedure links takes its key and rule; another row of a re-linked visitor/handle
/// without a direct link takes the visitor's/handle's one customer, or 0 on a conflict), and the result must be the facts
/// the host wrote. The files are those of <see cref="RelinkAfterCrmTests"/> (expected links worked out there).
/// </summary>
public sealed class RelinkProcedureParityTests : TempFolderTests
{
    private static readonly string Procedure = File.ReadAllText(
        RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/RelinkStoredInteractions.sql"));

    private static readonly string[] Tables =
        ["#RelinkByCrmId", "#RelinkByEmailHash", "#RelinkedSession", "#RelinkedWebCustomer", "#RelinkedVisitor", "#RelinkByEmailKeyHash", "#RelinkedComment",
         "#RelinkedSocialCustomer", "#RelinkedHandle"];

    /// <summary>The dimension statements, run on the facts after the re-link (the host's, equal to the procedure's: asserted first).</summary>
    private static readonly string[] DimensionTables = ["#RelinkedWebVisitorId", "#RelinkedSocialHandle"];

    /// <summary>A fact row: web SourceA/SourceB = SourceCrmCustomerId/SourceEmailHash, social SourceA = SourceEmailKeyHash.</summary>
    private sealed record Row(string Id, string Identity, int CustomerKey, string MatchRule, string? SourceA, string? SourceB);

    [Fact]
    public void The_procedure_links_the_rows_the_duckdb_crm_migration_links()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        InteractionLoaders.LoadWeb(warehouse, Write("web1.jsonl", RelinkAfterCrmTests.WebFile()));
        InteractionLoaders.LoadSocial(warehouse, Write("soc1.json", RelinkAfterCrmTests.SocialFile()));

        var (sessions, comments) = LoadComparing(warehouse, "crm5.csv", RelinkAfterCrmTests.Crm);
        var keys = RelinkAfterCrmTests.Keys(warehouse);
        // s1 by its CRM id, s3 by its e-mail hash, c1 by its e-mail (RelinkAfterCrmTests); s2 and c2 by stitching.
        Assert.Equal([("s1", keys["C20"], "crm-id"), ("s3", keys["C21"], "email-hash")], sessions);
        Assert.Equal([("c1", keys["C20"], "email")], comments);

        // Bob's own address makes lee@ Ann's alone: s5 and c3 link to L1 (the shared-address case of RelinkAfterCrmTests).
        var (later, laterComments) = LoadComparing(warehouse, "crm7.csv",
            RelinkAfterCrmTests.Header + "L2,Bob Lee,bob@example.com,,1979-01-01,M,Leeds,United Kingdom,,,,2024-07-01 09:30:00\n");
        Assert.Equal([("s5", keys["L1"], "email-hash")], later);
        Assert.Equal([("c3", keys["L1"], "email")], laterComments);
    }

    [Fact]
    public void The_procedure_upgrades_an_email_hash_link_whose_crm_id_maps_later_as_the_duckdb_crm_migration()
    {
        // s1 logs in as C20 and gives the hash of e@example.com (RelinkAfterCrmTests' order-dependence case). C10 (e@) comes
        // first: s1 is C10's by e-mail hash and keeps C20; then C20 arrives: the CRM id wins (crm-id), as when the web file
        // comes last. Before, the procedure selected only rows without a direct link, so the second load linked nothing.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        InteractionLoaders.LoadWeb(warehouse, Write("web.jsonl",
            RelinkAfterCrmTests.Event("v1", "s1", "10:00", customerId: "C20", emailHash: EmailRules.Sha256Hex("e@example.com")) + "\n"));

        var (first, _) = LoadComparing(warehouse, "c10.csv",
            RelinkAfterCrmTests.Header + "C10,Cat Ash,e@example.com,,1981-01-01,F,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n");
        Assert.Equal([("s1", RelinkAfterCrmTests.Keys(warehouse)["C10"], "email-hash")], first);
        var (upgraded, _) = LoadComparing(warehouse, "c20.csv",
            RelinkAfterCrmTests.Header + "C20,Dan Oak,f@example.com,,1982-02-02,M,York,United Kingdom,,,,2024-06-01 09:30:00\n");
        Assert.Equal([("s1", RelinkAfterCrmTests.Keys(warehouse)["C20"], "crm-id")], upgraded);
    }

    [Fact]
    public void The_comparison_sees_a_procedure_that_links_nothing()
    {
        // Guards the test: with #RelinkedSession empty (the CRM procedure as it was: no re-link), the facts the procedure
        // would leave are not the host's.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        InteractionLoaders.LoadWeb(warehouse, Write("web1.jsonl", RelinkAfterCrmTests.WebFile()));
        List<Row>? before = null;
        List<(string, string, int, string)>? relinked = null;
        CrmLoader.Load(warehouse, Write("crm5.csv", RelinkAfterCrmTests.Crm), checkpoint: point =>
        {
            if (point == "customers")
            {
                before = Facts(warehouse);
                relinked = [];
            }
        });
        Assert.NotEqual(Facts(warehouse), Apply(before!, relinked!, []));
    }

    /// <summary>
    /// Loads a CRM file on DuckDB, running the procedure's statements at the load's "customers" checkpoint; asserts that the
    /// facts its updates would leave are the facts the host wrote. Returns the rows the procedure linked directly.
    /// </summary>
    private (List<(string, int, string)> Sessions, List<(string, int, string)> Comments) LoadComparing(DuckDbWarehouse warehouse, string name, string crm)
    {
        List<Row>? before = null;
        Dictionary<int, (string?, string?)>? dimensionBefore = null;
        List<(string, string, int, string)>? direct = null;
        List<(string, long, int)>? identities = null;
        var statements = ProcedureOnDuckDb.SelectIntoStatements(Procedure, Tables);
        var result = CrmLoader.Load(warehouse, Write(name, crm), checkpoint: point =>
        {
            if (point != "customers")
            {
                return;
            }

            before = Facts(warehouse);
            dimensionBefore = SourceKeys(warehouse);
            foreach (var sql in statements)
            {
                warehouse.Connection.Execute(sql);
            }

            direct = warehouse.Connection.Query<(string, string, int, string)>("""
                SELECT 'web:' || "SessionId", "WebVisitorId", "CustomerKey", "MatchRule" FROM "#RelinkedSession"
                UNION ALL
                SELECT 'social:' || "Platform" || ':' || "CommentId", "HandleKey", "CustomerKey", "MatchRule" FROM "#RelinkedComment"
                """).AsList();
            identities = warehouse.Connection.Query<(string, long, int)>("""
                SELECT 'web:' || "WebVisitorId", CAST("Customers" AS BIGINT), "CustomerKey" FROM "#RelinkedVisitor"
                UNION ALL
                SELECT 'social:' || "HandleKey", CAST("Customers" AS BIGINT), "CustomerKey" FROM "#RelinkedHandle"
                """).AsList();
            // The customers to refresh stay for the dimension statements, run once the facts are written.
            foreach (var table in Tables.Where(t => !t.EndsWith("Customer", StringComparison.Ordinal)))
            {
                warehouse.Connection.Execute($"DROP TABLE \"{table}\"");
            }
        });
        Assert.False(result.Skipped);
        Assert.NotNull(before);
        Assert.Equal(Facts(warehouse), Apply(before, direct!, identities!));

        // Dimension.Customer's WebVisitorId / SocialHandle (current versions): the procedure's values for the customers it
        // refreshes, computed from the facts as both engines left them, applied to the dimension as it was before the re-link,
        // are the host's.
        foreach (var sql in ProcedureOnDuckDb.SelectIntoStatements(Procedure, DimensionTables))
        {
            warehouse.Connection.Execute(sql);
        }

        var expected = new Dictionary<int, (string? Visitor, string? Handle)>(dimensionBefore!);
        foreach (var (key, visitor) in warehouse.Connection.Query<(int, string?)>("SELECT \"CustomerKey\", \"WebVisitorId\" FROM \"#RelinkedWebVisitorId\""))
        {
            expected[key] = (visitor, expected[key].Handle);
        }

        foreach (var (key, handle) in warehouse.Connection.Query<(int, string?)>("SELECT \"CustomerKey\", \"SocialHandle\" FROM \"#RelinkedSocialHandle\""))
        {
            expected[key] = (expected[key].Visitor, handle);
        }

        Assert.Equal(expected.OrderBy(e => e.Key), SourceKeys(warehouse).OrderBy(e => e.Key));
        foreach (var table in DimensionTables.Concat(Tables.Where(t => t.EndsWith("Customer", StringComparison.Ordinal))))
        {
            warehouse.Connection.Execute($"DROP TABLE \"{table}\"");
        }

        return (Direct(direct!, "web:"), Direct(direct!, "social:"));
    }

    private static List<(string, int, string)> Direct(List<(string Id, string Identity, int Key, string Rule)> direct, string prefix) =>
        direct.Where(d => d.Id.StartsWith(prefix, StringComparison.Ordinal))
            .Select(d => (d.Id[prefix.Length..].Split(':')[^1], d.Key, d.Rule)).OrderBy(d => d.Item1, StringComparer.Ordinal).ToList();

    /// <summary>The procedure's UPDATE statements, applied to the facts as they were before them.</summary>
    private static List<Row> Apply(List<Row> before, List<(string Id, string Identity, int Key, string Rule)> direct, List<(string Identity, long Customers, int Key)> identities) =>
        before.Select(f =>
        {
            var linked = direct.Where(d => d.Id == f.Id).ToList();
            if (linked.Count == 1)
            {
                // The procedure's SET: the hash is forgotten; a web row keeps its CRM id unless linked by it.
                return f.Id.StartsWith("web:", StringComparison.Ordinal)
                    ? f with { CustomerKey = linked[0].Key, MatchRule = linked[0].Rule, SourceA = linked[0].Rule == "crm-id" ? null : f.SourceA, SourceB = null }
                    : f with { CustomerKey = linked[0].Key, MatchRule = linked[0].Rule, SourceA = null };
            }

            var web = f.Id.StartsWith("web:", StringComparison.Ordinal);
            var directRules = web ? new[] { "crm-id", "email-hash" } : ["email"];
            var identity = identities.Where(i => i.Identity == f.Identity).ToList();
            if (identity.Count == 0 || directRules.Contains(f.MatchRule))
            {
                return f;
            }

            var one = identity[0].Customers == 1;
            return f with
            {
                CustomerKey = one ? identity[0].Key : 0,
                MatchRule = (web ? "visitor-" : "handle-") + (one ? "stitch" : "conflict"),
            };
        }).ToList();

    private static List<Row> Facts(DuckDbWarehouse warehouse) => warehouse.Connection.Query<Row>("""
        SELECT 'web:' || "SessionId" AS "Id", 'web:' || "WebVisitorId" AS "Identity", "CustomerKey", COALESCE("MatchRule", 'none') AS "MatchRule",
               "SourceCrmCustomerId" AS "SourceA", "SourceEmailHash" AS "SourceB"
        FROM "Fact"."WebSession"
        UNION ALL
        SELECT 'social:' || "Platform" || ':' || "CommentId", 'social:' || "Platform" || ':' || lower("SocialHandle"), "CustomerKey", COALESCE("MatchRule", 'none'),
               "SourceEmailKeyHash", NULL
        FROM "Fact"."SocialInteraction"
        ORDER BY 1
        """).AsList();

    /// <summary>WebVisitorId and SocialHandle of each customer's current version.</summary>
    private static Dictionary<int, (string?, string?)> SourceKeys(DuckDbWarehouse warehouse) => warehouse.Connection.Query<(int, string?, string?)>("""
        SELECT "CustomerKey", "WebVisitorId", "SocialHandle" FROM "Dimension"."Customer" WHERE "ValidTo" = TIMESTAMP '9999-12-31'
        """).ToDictionary(r => r.Item1, r => (r.Item2, r.Item3));
}
