using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Audit defect 5: a CRM row of a known id was applied only when newer than the crm cutoff, the latest update time of any
/// id loaded so far, so a genuine newer version of one id that was older than another id's latest update was counted as
/// "not newer" and lost. A row is now compared with its own id's stored version (the customer's current
/// <c>SourceUpdatedAt</c>, through <c>Integration.CustomerIdentity</c>) on the DuckDB migration, the SQL Server path's host
/// half (<see cref="CrmResolution"/>) and the procedure's <c>#Incoming</c> (run here on DuckDB).
/// </summary>
public sealed class CrmPerIdCutoffTests : CustomerSeededTests
{
    private const string Header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    private static List<string> Cities(DuckDbWarehouse warehouse, string crmId) =>
        warehouse.Connection.Query<string>("""
            SELECT g."City" FROM "Dimension"."Customer" AS c JOIN "Dimension"."Geography" AS g ON g."GeographyKey" = c."GeographyKey"
            WHERE c."CrmCustomerId" = $crmId ORDER BY c."ValidFrom"
            """, new { crmId }).ToList();

    [Fact]
    public void A_newer_version_of_one_id_is_applied_though_another_id_was_updated_later()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("f1.csv", Header +
            "C1,Anna Smith,,,,,London,United Kingdom,,,,2024-03-01 00:00:00\n" +
            "C2,Bob Jones,,,,,York,United Kingdom,,,,2024-01-01 00:00:00\n"));

        // C2 moved on 2024-02-01: newer than C2's stored version (2024-01-01), older than the crm cutoff (C1's 2024-03-01).
        // Before the fix: "1 not newer than the cutoff" and C2 stayed in York.
        var second = CrmLoader.Load(warehouse, Write("f2.csv", Header + "C2,Bob Jones,,,,,Leeds,United Kingdom,,,,2024-02-01 00:00:00\n"));
        Assert.Contains("1 new versions (changed attributes), 0 unchanged, 0 not newer than their id's stored version", second.Detail, StringComparison.Ordinal);
        Assert.Equal(["York", "Leeds"], Cities(warehouse, "C2"));
        Assert.Equal(["London"], Cities(warehouse, "C1"));
        // The cutoff is still recorded: the latest update time loaded.
        Assert.Equal(new DateTime(2024, 3, 1), warehouse.Connection.ExecuteScalar<DateTime>(
            "SELECT \"CutoffTime\" FROM \"Integration\".\"EtlCutoff\" WHERE \"SourceSystem\" = 'crm'"));

        // The same rows again (another file: CRLF line ends, so another content hash): not newer than what is stored, nothing changes.
        var before = (WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer"), WarehouseSnapshot.Fingerprint(warehouse, "Integration", "CustomerKeyMap"));
        var again = CrmLoader.Load(warehouse, Write("f2-again.csv", (Header + "C2,Bob Jones,,,,,Leeds,United Kingdom,,,,2024-02-01 00:00:00\n").Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.False(again.Skipped);
        Assert.Contains("0 new versions (changed attributes), 0 unchanged, 1 not newer than their id's stored version", again.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer"), WarehouseSnapshot.Fingerprint(warehouse, "Integration", "CustomerKeyMap")));
        Assert.Equal(["York", "Leeds"], Cities(warehouse, "C2"));
    }

    [Fact]
    public void An_unchanged_newer_row_moves_its_stored_time_so_an_older_change_loaded_later_is_skipped()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("f1.csv", Header + "C2,Bob Jones,,,,,York,United Kingdom,,,,2024-01-01 00:00:00\n"));
        // 2024-03-01 says York still: no new version, the stored version now speaks for 2024-03-01.
        var confirm = CrmLoader.Load(warehouse, Write("f2.csv", Header + "C2,Bob Jones,,,,,York,United Kingdom,,,,2024-03-01 00:00:00\n"));
        Assert.Contains("0 new versions (changed attributes), 1 unchanged", confirm.Detail, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2024, 3, 1), warehouse.Connection.ExecuteScalar<DateTime>(
            "SELECT \"SourceUpdatedAt\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C2'"));

        // A change dated 2024-02-01 is older than what 2024-03-01 said: skipped, C2 stays in York.
        var stale = CrmLoader.Load(warehouse, Write("f3.csv", Header + "C2,Bob Jones,,,,,Leeds,United Kingdom,,,,2024-02-01 00:00:00\n"));
        Assert.Contains("1 not newer than their id's stored version", stale.Detail, StringComparison.Ordinal);
        Assert.Equal(["York"], Cities(warehouse, "C2"));
    }

    [Fact]
    public void The_sql_server_path_applies_the_newer_version_too()
    {
        // Seeded: C1 and C2 updated 2024-06-01 09:30. C1 moves on 2024-08-01 (cutoff 2024-08-01); then C2 moves on 2024-07-01,
        // newer than C2's stored version, older than the cutoff. Before the fix the host half left C2 out (its row was
        // "older" than the cutoff and C2 known) and the procedure's #Incoming filtered it by @SourceCutoff.
        using var warehouse = WithCustomers();
        CrmLoader.Load(warehouse, Write("c1.csv", Header + "C1,Anna Smith,anna.smith@example.com,,,,Bristol,United Kingdom,,,,2024-08-01 00:00:00\n"));
        var path = Write("c2.csv", Header +
            "C2,Bob Jones,bob@example.com,,,,York,United Kingdom,,,,2024-07-01 00:00:00\n" +        // line 2: newer than C2's version: applied
            "C1,Anna Smith,anna.smith@example.com,,,,Bath,United Kingdom,,,,2024-07-01 00:00:00\n"); // line 3: older than C1's: skipped
        var c2Key = warehouse.Connection.ExecuteScalar<int>("SELECT \"CustomerKey\" FROM \"Integration\".\"CustomerKeyMap\" WHERE \"CrmCustomerId\" = 'C2'");

        var staged = CrmHostHalf.Resolve(warehouse, path);
        Assert.Equal([("C2", 2L, (int?)c2Key)], staged.Select(r => (r.CrmCustomerId, r.SourceLineNumber, r.CustomerKey)));

        // The procedure's #Incoming, run on DuckDB over the load's staged rows and the host's resolution, before the DuckDB
        // migration changes anything: the rows the procedure would apply.
        var statement = ProcedureOnDuckDb.SelectIntoStatements(File.ReadAllText(RepositoryPaths.Of(
            "database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedCustomerData.sql")), "#Incoming").Single();
        List<(string, long)>? incoming = null;
        var result = CrmLoader.Load(warehouse, path, checkpoint: point =>
        {
            if (point != "staged")
                return;
            var db = warehouse.Connection;
            var k = db.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
            db.Execute($"INSERT INTO \"Integration\".\"Customer_Staging\" SELECT * FROM temp.main.customer_staging_{k}");
            foreach (var r in staged)
            {
                db.Execute("""
                    INSERT INTO "Integration"."CustomerMatch_Staging" ("LineageKey", "SourceLineNumber", "SourceRecordNumber", "CrmCustomerId", "CustomerKey", "MatchRule", "NewCustomerOrdinal", "IsPrimary")
                    VALUES ($k, $line, $record, $id, $key, $rule, $ordinal, $primary)
                    """, new { k, line = r.SourceLineNumber, record = r.SourceRecordNumber, id = r.CrmCustomerId, key = r.CustomerKey, rule = r.MatchRule, ordinal = r.NewCustomerOrdinal, primary = r.IsPrimary });
            }

            db.Execute(statement, new { LineageKey = k });
            incoming = db.Query<(string, long)>("SELECT \"CrmCustomerId\", \"SourceLineNumber\" FROM \"#Incoming\" ORDER BY 1").ToList();
            db.Execute("DROP TABLE \"#Incoming\"");
            db.Execute("DELETE FROM \"Integration\".\"CustomerMatch_Staging\" WHERE \"LineageKey\" = $k", new { k });
            db.Execute("DELETE FROM \"Integration\".\"Customer_Staging\" WHERE \"LineageKey\" = $k", new { k });
        });

        Assert.Equal([("C2", 2L)], incoming);
        Assert.Contains("1 new versions (changed attributes), 0 unchanged, 1 not newer than their id's stored version", result.Detail, StringComparison.Ordinal);
        Assert.Equal(["Leeds", "York"], Cities(warehouse, "C2"));
        Assert.Equal(["London", "Bristol"], Cities(warehouse, "C1"));
    }

    [Fact]
    public void A_duplicate_ids_row_is_compared_with_that_ids_own_last_row()
    {
        // C1 (primary: earlier signup) and D3 are one person (same name, phone, birth date), C1 last updated 2024-05-01, D3
        // 2024-04-01. D3 at 2024-04-15 (newer than D3's own row, older than C1's) is a genuine update of D3: its new e-mail
        // reaches the map. Then D3 at 2024-04-10 (older than D3's 04-15) is not newer: the map keeps d3new@. Before (review of
        // defect 5's fix), every id of a customer was compared with the current version's time (C1's 05-01): the 04-15 row
        // was skipped, and a D3 row after 05-01 followed by an older one overwrote the newer e-mail.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("f1.csv", Header +
            "C1,Ann Lee,ann@example.com,+442079460011,1980-01-01,F,Leeds,United Kingdom,2020-01-01,,,2024-05-01 00:00:00\n" +
            "D3,Ann Lee,other@example.com,+442079460011,1980-01-01,F,Leeds,United Kingdom,2023-01-01,,,2024-04-01 00:00:00\n"));
        string? Email(string id) => warehouse.Connection.ExecuteScalar<string?>(
            "SELECT \"Email\" FROM \"Integration\".\"CustomerKeyMap\" WHERE \"CrmCustomerId\" = $id", new { id });
        Assert.Equal(warehouse.Connection.ExecuteScalar<int>("SELECT \"CustomerKey\" FROM \"Integration\".\"CustomerKeyMap\" WHERE \"CrmCustomerId\" = 'C1'"),
            warehouse.Connection.ExecuteScalar<int>("SELECT \"CustomerKey\" FROM \"Integration\".\"CustomerKeyMap\" WHERE \"CrmCustomerId\" = 'D3'"));

        var update = Write("f2.csv", Header + "D3,Ann Lee,d3new@example.com,+442079460011,1980-01-01,F,Leeds,United Kingdom,2023-01-01,,,2024-04-15 00:00:00\n");
        Assert.Equal([("D3", 2L)], CrmHostHalf.Resolve(warehouse, update).Select(r => (r.CrmCustomerId, r.SourceLineNumber))); // the SQL Server host half applies it too
        var second = CrmLoader.Load(warehouse, update);
        Assert.Contains("0 not newer than their id's stored version", second.Detail, StringComparison.Ordinal);
        Assert.Equal("d3new@example.com", Email("D3"));
        Assert.Equal("ann@example.com", Email("C1"));

        var older = Write("f3.csv", Header + "D3,Ann Lee,old@example.com,+442079460011,1980-01-01,F,Leeds,United Kingdom,2023-01-01,,,2024-04-10 00:00:00\n");
        Assert.Empty(CrmHostHalf.Resolve(warehouse, older));
        var third = CrmLoader.Load(warehouse, older);
        Assert.Contains("1 not newer than their id's stored version", third.Detail, StringComparison.Ordinal);
        Assert.Equal("d3new@example.com", Email("D3"));
    }
}
