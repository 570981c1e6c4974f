using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Loading;

public sealed class CrmLoaderTests : TempFolderTests
{
    private const string Header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    private static List<(int Key, string? City, DateTime From, DateTime To)> Versions(DuckDbWarehouse w, string crmId) =>
        w.Connection.Query<(int, string?, DateTime, DateTime)>("""
            SELECT "CustomerKey", "City", "ValidFrom", "ValidTo" FROM "Dimension"."Customer" WHERE "CrmCustomerId" = $crmId ORDER BY "ValidFrom"
            """, new { crmId }).ToList();

    [Fact]
    public void A_changed_city_makes_a_new_version_unchanged_rows_make_none_and_keys_are_durable()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = CrmLoader.Load(warehouse, Write("crm1.csv", Header +
            "C1,Anna Smith,Anna.Smith@Example.com,020 7946 0018,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-06-01 09:30:00\n" +
            "C2,Bob Jones,bob@example.com,,1970-04-03,m,Leeds,United Kingdom,2021-01-15,1,1,2024-06-01 09:30:00\n" +
            "C3,No Date,,,not-a-date,,,,,,,2024-06-01 09:30:00\n"));

        Assert.Equal((3L, 2L, 1L), (first.RowsRead, first.RowsLoaded, first.RowsRejected));
        var reject = warehouse.Connection.QuerySingle<(long Line, string Column)>("SELECT \"SourceLineNumber\", \"ColumnName\" FROM \"Integration\".\"RejectedCustomer\"");
        Assert.Equal(4, reject.Line);
        Assert.Contains("birth", reject.Column, StringComparison.OrdinalIgnoreCase);
        var anna = Versions(warehouse, "C1").Single();
        Assert.Equal("anna.smith@example.com", warehouse.Connection.ExecuteScalar<string>("SELECT \"Email\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C1'"));

        // Anna moved (newer update); Bob unchanged.
        CrmLoader.Load(warehouse, Write("crm2.csv", Header +
            "C1,Anna Smith,Anna.Smith@Example.com,020 7946 0018,1985-02-03,F,Bristol,United Kingdom,2020-01-15,yes,no,2024-07-01 09:30:00\n" +
            "C2,Bob Jones,bob@example.com,,1970-04-03,m,Leeds,United Kingdom,2021-01-15,1,1,2024-07-01 09:30:00\n"));

        var annaVersions = Versions(warehouse, "C1");
        Assert.Equal(2, annaVersions.Count);
        Assert.All(annaVersions, v => Assert.Equal(anna.Key, v.Key));
        Assert.Equal(("London", annaVersions[1].From), (annaVersions[0].City, annaVersions[0].To));
        Assert.Equal(("Bristol", new DateTime(9999, 12, 31)), (annaVersions[1].City, annaVersions[1].To));
        Assert.Single(Versions(warehouse, "C2"));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("""
            SELECT count(*) FROM "Dimension"."Customer" AS c JOIN "Dimension"."Geography" AS g ON g."GeographyKey" = c."GeographyKey"
            WHERE c."CrmCustomerId" = 'C1' AND c."ValidTo" = TIMESTAMP '9999-12-31' AND g."City" = 'Bristol'
            """));
    }

    [Fact]
    public void Only_the_latest_row_per_crm_id_newer_than_the_cutoff_is_applied()
    {
        // The migration keeps these rows in the staging table and deletes the others there (no copy): what it deletes must
        // be exactly the superseded versions and, for known ids, the rows not newer than their id's stored version.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = CrmLoader.Load(warehouse, Write("v1.csv", Header +
            "C1,Anna Smith,,,,,London,United Kingdom,,,,2024-06-01 09:30:00\n" +
            "C1,Anna Smith,,,,,Bristol,United Kingdom,,,,2024-07-01 09:30:00\n" +
            "C1,Anna Smith,,,,,Leeds,United Kingdom,,,,2024-06-15 09:30:00\n" +
            "C2,Bob Jones,,,,,York,United Kingdom,,,,2024-06-01 09:30:00\n"));
        Assert.Contains("2 superseded by a later version in the file", first.Detail, StringComparison.Ordinal);
        Assert.Equal("Bristol", Versions(warehouse, "C1").Single().City);
        Assert.Equal("York", Versions(warehouse, "C2").Single().City);
        Assert.Equal(2, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"CustomerKeyMap\""));

        // C1 again: one row older than the cutoff (skipped), two newer (the later wins); C3 is new, its old time does not matter.
        var second = CrmLoader.Load(warehouse, Write("v2.csv", Header +
            "C1,Anna Smith,,,,,Paris,France,,,,2024-05-01 09:30:00\n" +
            "C1,Anna Smith,,,,,Cardiff,United Kingdom,,,,2024-08-01 09:30:00\n" +
            "C1,Anna Smith,,,,,Bath,United Kingdom,,,,2024-07-15 09:30:00\n" +
            "C3,Cleo Brown,,,,,Derby,United Kingdom,,,,2024-01-01 09:30:00\n"));
        Assert.Contains("1 not newer than their id's stored version", second.Detail, StringComparison.Ordinal);
        Assert.Contains("1 superseded by a later version in the file", second.Detail, StringComparison.Ordinal);
        Assert.Equal(["Bristol", "Cardiff"], Versions(warehouse, "C1").Select(v => v.City));
        Assert.Equal("Derby", Versions(warehouse, "C3").Single().City);
    }

    [Fact]
    public void Reruns_and_rows_not_newer_than_the_cutoff_change_nothing()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var text = Header + "C1,Anna Smith,,,,,London,United Kingdom,,,,2024-06-01 09:30:00\n";
        CrmLoader.Load(warehouse, Write("a.csv", text));
        var before = WarehouseSnapshot.Counts(warehouse);

        Assert.True(CrmLoader.Load(warehouse, Write("b.csv", text)).Skipped);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));

        // Another file with an old update time: read and counted, but not applied (incremental by cutoff).
        var stale = CrmLoader.Load(warehouse, Write("c.csv", Header + "C1,Anna Smith,,,,,Paris,France,,,,2024-05-01 09:30:00\n"));
        Assert.Equal(1, stale.RowsLoaded);
        Assert.Contains("1 not newer than their id's stored version", stale.Detail, StringComparison.Ordinal);
        Assert.Equal("London", Versions(warehouse, "C1").Single().City);
    }

    [Fact]
    public void Purchase_customers_are_the_same_person_as_their_crm_record()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var csv = Write("t.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A,x,1,2024-01-01 10:00:00,1.5,C1,France\n");
        TransactionLoader.Load(warehouse, csv);
        var key = Versions(warehouse, "C1").Single().Key;

        CrmLoader.Load(warehouse, Write("crm.csv", Header + "C1,Anna Smith,,,,,Paris,France,,,,2024-06-01 09:30:00\n"));

        var versions = Versions(warehouse, "C1");
        Assert.Equal(2, versions.Count);                 // a version with the CRM attributes, same person
        Assert.All(versions, v => Assert.Equal(key, v.Key));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));
    }

    [Fact]
    public void A_failed_crm_load_leaves_the_warehouse_as_it_was()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("a.csv", Header + "C1,Anna Smith,,,,,London,United Kingdom,,,,2024-06-01 09:30:00\n"));
        var before = WarehouseSnapshot.Counts(warehouse);
        var path = Write("b.csv", Header + "C1,Anna Smith,,,,,Paris,France,,,,2024-07-01 09:30:00\nC2,Bob,,,,,Leeds,United Kingdom,,,,2024-07-01 09:30:00\n");

        Assert.Throws<IOException>(() => CrmLoader.Load(warehouse, path, checkpoint: name =>
        {
            if (name == "customers")
            {
                throw new IOException("injected");
            }
        }));

        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
        Assert.Equal("London", Versions(warehouse, "C1").Single().City);
        Assert.Equal(2, CrmLoader.Load(warehouse, path).RowsLoaded);
        Assert.Equal("Paris", Versions(warehouse, "C1")[^1].City);
    }

    [Fact]
    public void A_malformed_crm_file_is_an_error_and_loads_nothing()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var before = WarehouseSnapshot.Counts(warehouse);
        var e = Assert.Throws<SourceFormatException>(() => CrmLoader.Load(warehouse, Write("bad.csv", "full_name,email\nAnna,a@b.c\n")));
        Assert.Equal("bad.csv", e.SourceName);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
    }

    [Fact]
    public void Customers_known_from_elsewhere_are_found_by_email_and_the_rule_is_recorded()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("seed.csv", Header + "C0,Seed,,,,,London,United Kingdom,,,,2024-01-01 09:30:00\n"));
        // Two people known without a CRM id (e.g. from an older system).
        warehouse.Connection.Execute("""
            INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "FullName", "Email", "City", "GeographyKey", "LineageKey") VALUES
            (500, TIMESTAMP '2023-01-01', TIMESTAMP '9999-12-31', 'Maria Gonzalez', 'maria@example.com', 'Madrid', 0, 1),
            (501, TIMESTAMP '2023-01-01', TIMESTAMP '9999-12-31', 'Jonathan Whitfield', NULL, 'Manchester', 0, 1)
            """);

        CrmLoader.Load(warehouse, Write("crm.csv", Header +
            "C5,María González,MARIA@example.com,,,,Madrid,Spain,,,,2024-06-01 09:30:00\n" +
            "C6,Jonathan Whitfield,,,,,Manchester,United Kingdom,,,,2024-06-01 09:30:00\n" +
            "C7,Someone Else,,,,,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n"));

        var current = warehouse.Connection.Query<(string Crm, int Key, string Rule)>("""
            SELECT "CrmCustomerId", "CustomerKey", "MatchRule" FROM "Dimension"."Customer"
            WHERE "ValidTo" = TIMESTAMP '9999-12-31' AND "CrmCustomerId" IN ('C5', 'C6', 'C7') ORDER BY 1
            """).ToList();
        Assert.Equal(("C5", 500, "email"), current[0]);
        // A CRM row carries its own id, so the resolver's fuzzy name + city rule (for rows without one) does not merge it
        // into a namesake: C6 is a new customer, as is C7.
        Assert.Equal("crm-id", current[1].Rule);
        Assert.NotEqual(501, current[1].Key);
        Assert.Equal("C7", current[2].Crm);
        Assert.Equal("crm-id", current[2].Rule);
        // The people known before now have two versions each; nobody was duplicated.
        Assert.Equal(2, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" = 500"));
        Assert.Equal(5, warehouse.Connection.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));
    }

    private static Dictionary<string, (int Key, string Rule)> KeyMap(DuckDbWarehouse w) =>
        w.Connection.Query<(string Crm, int Key, string Rule)>("SELECT \"CrmCustomerId\", \"CustomerKey\", \"MatchRule\" FROM \"Integration\".\"CustomerKeyMap\"")
            .ToDictionary(r => r.Crm, r => (r.Key, r.Rule), StringComparer.Ordinal);

    [Fact]
    public void A_duplicate_crm_id_shares_the_customer_and_facts_under_it_land_on_that_customer()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm1.csv", Header +
            "C1,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-06-01 09:30:00\n"));
        var anna = KeyMap(warehouse)["C1"].Key;

        // The same person registers again under D1 (sub-address, name in capitals); Bob is new. D1 and D2 are one new
        // person registered twice in the same file (same phone, similar name, same birth date).
        var second = Write("crm2.csv", Header +
            "D1,ANNA SMITH,anna+shop@example.com,,1985-02-03,F,London,United Kingdom,2024-03-01,yes,no,2024-07-01 09:30:00\n" +
            "C2,Bob Jones,bob@example.com,,1970-04-03,M,Leeds,United Kingdom,2021-01-15,1,1,2024-07-01 09:30:00\n" +
            "D2,Cara Lewis,cara.new@example.net,+447700900123,1990-01-01,F,York,United Kingdom,2023-05-01,1,1,2024-07-01 09:30:00\n" +
            "C3,Cara Lewis,cara@example.com,+447700900123,1990-01-01,F,York,United Kingdom,2022-05-01,1,1,2024-07-01 09:30:00\n");
        var load = CrmLoader.Load(warehouse, second);
        Assert.Contains("2 new customers, 2 duplicate CRM ids", load.Detail, StringComparison.Ordinal);
        var map = KeyMap(warehouse);
        Assert.Equal((anna, "email"), map["D1"]);
        Assert.Equal((map["C3"].Key, "phone"), map["D2"]);
        Assert.Equal("crm-id", map["C3"].Rule); // the earlier signup is the customer's primary id
        Assert.Equal(["C1", "C2", "C3"], warehouse.Connection.Query<string>(
            "SELECT \"CrmCustomerId\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0 ORDER BY 1").ToList());
        // Anna's attributes come from her primary id: the duplicate's row makes no new version.
        Assert.Single(Versions(warehouse, "C1"));

        // Purchases, survey answers and web logins under the duplicate id land on the same customer.
        TransactionLoader.Load(warehouse, Write("t.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "1,A,x,1,2024-08-01 10:00:00,1.5,D1,United Kingdom\n2,A,x,2,2024-08-02 10:00:00,1.5,C1,United Kingdom\n"));
        DemographicsLoader.Load(warehouse, Write("s.csv", "crm_customer_id,survey_date,household_size,children,income_band,education,occupation,marital_status,satisfaction\n" +
            "D1,2024-08-01,2,0,30-50k,Master,Engineer,married,4\n"));
        InteractionLoaders.LoadWeb(warehouse, Write("w.jsonl",
            """{"visitor_id":"v1","customer_id":"D1","session_id":"s1","timestamp":"2024-08-01T10:00:00Z","page":"/","event_type":"page_view"}""" + "\n"));
        Assert.Equal([anna], warehouse.Connection.Query<int>("SELECT DISTINCT \"CustomerKey\" FROM \"Fact\".\"Purchase\"").ToList());
        Assert.Equal([anna], warehouse.Connection.Query<int>("SELECT \"CustomerKey\" FROM \"Fact\".\"SurveyResponse\"").ToList());
        Assert.Equal([anna], warehouse.Connection.Query<int>("SELECT \"CustomerKey\" FROM \"Fact\".\"WebSession\"").ToList());
        Assert.Equal(3L, warehouse.Connection.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));

        // The same rows again (another file, so not skipped by the content hash) change nothing.
        var before = (WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer"), WarehouseSnapshot.Fingerprint(warehouse, "Integration", "CustomerKeyMap"));
        var beforeButTimes = WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer", "SourceUpdatedAt");
        var mapButTimes = WarehouseSnapshot.Fingerprint(warehouse, "Integration", "CustomerKeyMap", "SourceUpdatedAt");
        CrmLoader.Load(warehouse, Write("crm2-again.csv", File.ReadAllText(second) + "\n"));
        Assert.Equal(before, (WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer"), WarehouseSnapshot.Fingerprint(warehouse, "Integration", "CustomerKeyMap")));
        // Newer rows with the same content go through the resolver again: still nothing changes.
        var again = CrmLoader.Load(warehouse, Write("crm3.csv", Header + string.Join("\n", File.ReadAllLines(second).Skip(1).Select(l => l.Replace("2024-07-01", "2024-09-01", StringComparison.Ordinal)))
            + "\nC1,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-09-01 09:30:00\n"));
        Assert.Contains("0 new customers, 0 duplicate CRM ids tied to another id's customer, 0 new versions (changed attributes), 5 unchanged", again.Detail, StringComparison.Ordinal);
        // No version and no mapping changes; the current versions of C1, C2 and C3 now speak for their ids' 2024-09-01 rows, and
        // each id's map row keeps its own row's time (the stored time an older row of the id is compared with; audit defect 5
        // and its review: a duplicate id is compared with its own last row).
        Assert.Equal(mapButTimes, WarehouseSnapshot.Fingerprint(warehouse, "Integration", "CustomerKeyMap", "SourceUpdatedAt"));
        Assert.All(warehouse.Connection.Query<DateTime?>("SELECT \"SourceUpdatedAt\" FROM \"Integration\".\"CustomerKeyMap\""),
            t => Assert.Equal(new DateTime(2024, 9, 1, 9, 30, 0), t));
        Assert.Equal(beforeButTimes, WarehouseSnapshot.Fingerprint(warehouse, "Dimension", "Customer", "SourceUpdatedAt"));
        Assert.Equal([("C1", new DateTime(2024, 9, 1, 9, 30, 0)), ("C2", new DateTime(2024, 9, 1, 9, 30, 0)), ("C3", new DateTime(2024, 9, 1, 9, 30, 0))],
            warehouse.Connection.Query<(string, DateTime)>(
                "SELECT \"CrmCustomerId\", \"SourceUpdatedAt\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0 AND \"ValidTo\" = TIMESTAMP '9999-12-31' ORDER BY 1"));
    }

    [Fact]
    public void A_duplicate_crm_id_that_already_has_facts_is_never_merged_and_keys_do_not_depend_on_file_order()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm1.csv", Header + "C1,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,,,,2024-06-01 09:30:00\n"));
        // Purchases under D1 arrive before its CRM row: D1 becomes a customer with facts of its own.
        TransactionLoader.Load(warehouse, Write("t.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A,x,1,2024-08-01 10:00:00,1.5,D1,United Kingdom\n"));
        var d1 = KeyMap(warehouse)["D1"].Key;
        CrmLoader.Load(warehouse, Write("crm2.csv", Header + "D1,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,,,,2024-07-01 09:30:00\n"));
        // Two existing customers are never merged: D1 keeps its key (and its purchase), with Anna's attributes as a new version.
        Assert.Equal(d1, KeyMap(warehouse)["D1"].Key);
        Assert.NotEqual(KeyMap(warehouse)["C1"].Key, d1);
        Assert.Equal([d1], warehouse.Connection.Query<int>("SELECT \"CustomerKey\" FROM \"Fact\".\"Purchase\"").ToList());

        // Within one load, the same rows in any order give the same keys and the same primary ids.
        var rows = new[]
        {
            "E2,ERIN PAGE,erin@example.com,,1979-09-09,F,Bath,United Kingdom,2023-01-01,,,2024-07-01 09:30:00",
            "E1,Erin Page,erin@example.com,,1979-09-09,F,Bath,United Kingdom,2022-01-01,,,2024-07-01 09:30:00",
            "F1,Finn Ross,finn@example.com,,1981-01-01,M,Hull,United Kingdom,2022-01-01,,,2024-07-01 09:30:00",
        };
        var keys = new List<List<(string, int, string?)>>();
        foreach (var order in new[] { rows, rows.Reverse().ToArray() })
        {
            using var w = DuckDbWarehouse.Open(":memory:");
            CrmLoader.Load(w, Write($"order{keys.Count}.csv", Header + string.Join("\n", order) + "\n"));
            keys.Add(w.Connection.Query<(string, int, string?)>("""
                SELECT m."CrmCustomerId", m."CustomerKey", c."CrmCustomerId" FROM "Integration"."CustomerKeyMap" AS m
                JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = m."CustomerKey" ORDER BY 1
                """).ToList());
        }
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(keys[0][0].Item2, keys[0][1].Item2);
        Assert.Equal("E1", keys[0][1].Item3);
    }
}
