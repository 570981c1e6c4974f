using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// CRM ids match without case on every source and both engines: the identity resolver upper-cases them and SQL Server
/// compares them in its case-insensitive default collation, so the DuckDB lookups of purchases, survey answers, web
/// logins and CRM rows compare <c>upper(id)</c> (<see cref="CustomerKeyMap.IdKey"/>). An audit (issue 6, defect 6) found a
/// purchase under <c>a1</c> after CRM <c>A1</c> creating a new customer, a survey answer of <c>a1</c> rejected as "unknown
/// customer" and a web login <c>a1</c> left unlinked on DuckDB; and (defect 12c) a CRM file with <c>C001</c>, <c>c001</c>
/// and <c> C001 </c> whose load summary did not add up to the rows read. Expected values are worked out by hand in the
/// comments.
/// </summary>
public sealed class CrmIdCaseTests : TempFolderTests
{
    private const string Header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";
    private const string Purchases = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
    private const string Survey = "crm_customer_id,survey_date,household_size\n";

    private static long Customers(DuckDbWarehouse w) =>
        w.Connection.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0");

    private static List<string> MapIds(DuckDbWarehouse w) =>
        w.Connection.Query<string>("SELECT \"CrmCustomerId\" FROM \"Integration\".\"CustomerKeyMap\" ORDER BY 1").ToList();

    private DuckDbWarehouse WithAnna(out int anna)
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm.csv", Header +
            "A1,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-06-01 09:30:00\n"));
        anna = warehouse.Connection.ExecuteScalar<int>("SELECT \"CustomerKey\" FROM \"Integration\".\"CustomerKeyMap\" WHERE \"CrmCustomerId\" = 'A1'");
        return warehouse;
    }

    [Fact]
    public void A_purchase_under_a_lower_case_crm_id_lands_on_the_crm_customer_and_creates_none()
    {
        using var warehouse = WithAnna(out var anna);

        // Lines 2-4: a1, A1 and " a1 " (trimmed by the reader) are all Anna's; no customer is created, no map row added.
        var result = TransactionLoader.Load(warehouse, Write("t.csv", Purchases +
            "900001,X1,Mug,1,2024-08-01 10:00,2.50,a1,United Kingdom\n" +
            "900001,X2,Cup,1,2024-08-01 10:00,2.50,A1,United Kingdom\n" +
            "900002,X1,Mug,1,2024-08-02 10:00,2.50, a1 ,United Kingdom\n"));

        Assert.Equal((3L, 3L), (result.RowsRead, result.RowsLoaded));
        Assert.Equal([anna, anna, anna], warehouse.Connection.Query<int>("SELECT \"CustomerKey\" FROM \"Fact\".\"Purchase\" ORDER BY \"InvoiceNo\", \"InvoiceLineNumber\""));
        Assert.Equal(1, Customers(warehouse));
        Assert.Equal(["A1"], MapIds(warehouse));
    }

    [Fact]
    public void Purchase_ids_differing_only_in_case_are_one_new_customer_spelled_as_on_the_latest_line()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");

        // b7 (line 2, 1 Aug) and B7 (line 3, 2 Aug) are one unknown customer: one new customer, id as on the latest line (B7),
        // as SQL Server's procedure (latest invoice time, then line) keeps it; both lines on that customer.
        TransactionLoader.Load(warehouse, Write("t.csv", Purchases +
            "1,X1,Mug,1,2024-08-01 10:00,2.50,b7,France\n" +
            "2,X1,Mug,1,2024-08-02 10:00,2.50,B7,Spain\n"));

        var customer = warehouse.Connection.QuerySingle<(int Key, string Id, string Country)>(
            "SELECT \"CustomerKey\", \"CrmCustomerId\", \"Country\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0");
        Assert.Equal(("B7", "Spain"), (customer.Id, customer.Country));
        Assert.Equal([customer.Key], warehouse.Connection.Query<int>("SELECT DISTINCT \"CustomerKey\" FROM \"Fact\".\"Purchase\""));
        Assert.Equal(["B7"], MapIds(warehouse));

        // The CRM row of b7 later is the same customer (the resolver upper-cases, the map lookup folds case): a new version.
        CrmLoader.Load(warehouse, Write("crm.csv", Header + "b7,Bea Seven,bea@example.com,,,,Paris,France,,,,2024-09-01 09:30:00\n"));
        Assert.Equal(1, Customers(warehouse));
        Assert.Equal(["B7"], MapIds(warehouse));
        Assert.Equal("Bea Seven", warehouse.Connection.ExecuteScalar<string>(
            "SELECT \"FullName\" FROM \"Dimension\".\"Customer\" WHERE \"ValidTo\" = TIMESTAMP '9999-12-31' AND \"CustomerKey\" = $key", new { key = customer.Key }));
    }

    [Fact]
    public void A_survey_answer_of_a_lower_case_crm_id_links_and_a_case_variant_on_the_same_day_is_a_duplicate()
    {
        using var warehouse = WithAnna(out var anna);

        // Line 2 a1 links to Anna; line 3 A1 on the same day is the same key (id without case + date): "duplicate of line 2";
        // line 4 z9 is unknown.
        var result = DemographicsLoader.Load(warehouse, Write("s.csv", Survey + "a1,2024-03-01,2\nA1,2024-03-01,3\nz9,2024-03-01,1\n"));

        Assert.Equal((3L, 1L, 2L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Equal((anna, 2), warehouse.Connection.QuerySingle<(int, int)>("SELECT \"CustomerKey\", \"HouseholdSize\" FROM \"Fact\".\"SurveyResponse\""));
        Assert.Equal([(3L, "duplicate of line 2"), (4L, "unknown customer: no customer with this CRM id (load the CRM file first)")],
            warehouse.Connection.Query<(long, string)>("SELECT \"SourceLineNumber\", \"Reason\" FROM \"Integration\".\"RejectedCustomer\" ORDER BY 1"));
    }

    [Fact]
    public void A_web_login_under_a_lower_case_crm_id_links_by_crm_id()
    {
        using var warehouse = WithAnna(out var anna);

        InteractionLoaders.LoadWeb(warehouse, Write("w.jsonl", string.Join("\n",
            """{"visitor_id":"v1","customer_id":"a1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v2","customer_id":" A1 ","session_id":"s2","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v3","customer_id":"b1","session_id":"s3","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""") + "\n"));

        Assert.Equal([("s1", anna, "crm-id"), ("s2", anna, "crm-id"), ("s3", 0, "none")], warehouse.Connection.Query<(string, int, string)>(
            "SELECT \"SessionId\", \"CustomerKey\", \"MatchRule\" FROM \"Fact\".\"WebSession\" ORDER BY 1"));
    }

    [Fact]
    public void Crm_rows_of_one_id_in_several_cases_are_versions_of_one_id_and_the_summary_adds_up_to_the_rows_read()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        // Line 2 C001 (1 June), line 3 c001 (1 June: the same id and time as line 2 → duplicate of line 2), line 4 " C001 "
        // (trimmed to C001, 2 June: the latest version, so line 2 is superseded). 3 read = 1 new + 1 superseded + 1 duplicate.
        var result = CrmLoader.Load(warehouse, Write("z.csv", Header +
            "C001,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-06-01T09:30:00Z\n" +
            "c001,Anna Smyth,,,1985-02-03,F,Leeds,United Kingdom,2020-01-15,yes,no,2024-06-01T09:30:00Z\n" +
            " C001 ,Anna Smith,anna@example.com,,1985-02-03,F,Bath,United Kingdom,2020-01-15,yes,no,2024-06-02T09:30:00Z\n"));

        Assert.Equal((3L, 2L, 1L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Contains("1 new customers, 0 duplicate CRM ids tied to another id's customer, 0 new versions (changed attributes), 0 unchanged, " +
            "0 not newer than their id's stored version, 1 superseded by a later version in the file, 1 repeated versions rejected", result.Detail, StringComparison.Ordinal);
        Assert.Equal((3L, "duplicate of line 2"), warehouse.Connection.QuerySingle<(long, string)>(
            "SELECT \"SourceLineNumber\", \"Reason\" FROM \"Integration\".\"RejectedCustomer\""));
        Assert.Equal(("C001", "Bath"), warehouse.Connection.QuerySingle<(string, string)>(
            "SELECT \"CrmCustomerId\", \"City\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));
        Assert.Equal(["C001"], MapIds(warehouse));

        // A later file under c001 is a newer version of the same customer (stored id unchanged), not a second id.
        var later = CrmLoader.Load(warehouse, Write("z2.csv", Header +
            "c001,Anna Smith,anna@example.com,,1985-02-03,F,York,United Kingdom,2020-01-15,yes,no,2024-07-01T09:30:00Z\n"));
        Assert.Contains("0 new customers, 0 duplicate CRM ids tied to another id's customer, 1 new versions", later.Detail, StringComparison.Ordinal);
        Assert.Equal([("C001", "Bath"), ("C001", "York")], warehouse.Connection.Query<(string, string)>(
            "SELECT \"CrmCustomerId\", \"City\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0 ORDER BY \"ValidFrom\""));
        Assert.Equal(["C001"], MapIds(warehouse));
    }

    [Fact]
    public void The_sql_server_host_half_resolves_one_row_per_crm_id_without_case()
    {
        // SQL Server's key map has a case-insensitive primary key: two staged spellings of one new id would collide there.
        // The host half keeps the latest row per id without case (line 3, 2 June), as the DuckDB load does.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("z.csv", Header +
            "C001,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-06-01T09:30:00Z\n" +
            "c001,Anna Smith,anna@example.com,,1985-02-03,F,Bath,United Kingdom,2020-01-15,yes,no,2024-06-02T09:30:00Z\n");
        var staged = CrmHostHalf.Resolve(warehouse, path);

        var only = Assert.Single(staged);
        Assert.Equal(("c001", 3L, true), (only.CrmCustomerId, only.SourceLineNumber, only.IsPrimary));
        CrmLoader.Load(warehouse, path);
        Assert.Equal(["c001"], MapIds(warehouse));
    }
}
