using System.Text.Json;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

public sealed class DemographicsLoaderTests : TempFolderTests
{
    private const string SurveyHeader = "crm_customer_id,survey_date,household_size,children,income_band,education,occupation,marital_status,satisfaction\n";

    /// <summary>An in-memory warehouse whose CRM load holds <paramref name="ids"/> (updated 2024-06-01 09:00).</summary>
    private DuckDbWarehouse WithCustomers(params string[] ids)
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm.csv", "crm_customer_id,full_name,updated_at\n" + string.Concat(ids.Select(id => $"{id},Name {id},2024-06-01 09:00:00\n"))));
        return warehouse;
    }

    [Fact]
    public void Answers_join_customers_unknown_ids_and_bad_values_are_rejected_and_reruns_change_nothing()
    {
        using var warehouse = WithCustomers("C1", "C2");
        var path = Write("survey.csv", SurveyHeader +
            "C1,2024-03-01,4,2,30-50k,Master,Engineer,married,5\n" +
            "C2,,1,0,<20k,,,single,3\n" +
            "C9,2024-03-01,2,0,,,,,4\n" +       // unknown customer
            "C2,2024-03-02,3,7,,,,,4\n");        // children ≥ household size

        var result = DemographicsLoader.Load(warehouse, path);

        Assert.Equal((4L, 2L, 2L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var rows = warehouse.Connection.Query<(string Crm, int DateKey, int? Household, int? Satisfaction)>("""
            SELECT c."CrmCustomerId", s."DateKey", s."HouseholdSize", s."Satisfaction"
            FROM "Fact"."SurveyResponse" AS s JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = s."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31'
            ORDER BY 1
            """).ToList();
        Assert.Equal([("C1", 20240301, 4, 5), ("C2", 0, 1, 3)], rows);
        var reasons = warehouse.Connection.Query<(long Line, string Reason)>("SELECT \"SourceLineNumber\", \"Reason\" FROM \"Integration\".\"RejectedCustomer\" ORDER BY 1").ToList();
        Assert.Equal([4L, 5L], reasons.Select(r => r.Line));
        Assert.Contains("unknown customer", reasons[0].Reason, StringComparison.Ordinal);

        var lineage = warehouse.Connection.QuerySingle<(long Read, long Loaded, long Rejected)>(
            "SELECT \"RowsRead\", \"RowsLoaded\", \"RowsRejected\" FROM \"Integration\".\"Lineage\" WHERE \"SourceSystem\" = 'demographics'");
        Assert.Equal((4L, 2L, 2L), lineage);
        var before = WarehouseSnapshot.Counts(warehouse);
        Assert.True(DemographicsLoader.Load(warehouse, path).Skipped);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
    }

    [Theory]
    [InlineData("staged")]
    [InlineData("demographics")]
    [InlineData("before-commit")]
    public void A_survey_load_failing_at_any_step_leaves_the_warehouse_as_it_was_and_the_next_run_completes_it(string failAt)
    {
        using var warehouse = WithCustomers("C1", "C2");
        var path = Write("survey.csv", SurveyHeader +
            "C1,2024-03-01,4,2,30-50k,Master,Engineer,married,5\n" +
            "C9,2024-03-01,2,0,,,,,4\n");       // unknown customer: a reject row that must not survive the failure either
        var before = WarehouseSnapshot.Counts(warehouse);
        var reached = false;

        Assert.Throws<IOException>(() => DemographicsLoader.Load(warehouse, path, checkpoint: name =>
        {
            if (name == failAt)
            {
                reached = true;
                throw new IOException("injected");
            }
        }));

        Assert.True(reached, $"checkpoint {failAt} was never reached");
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
        var result = DemographicsLoader.Load(warehouse, path);
        Assert.Equal((2L, 1L, 1L, false), (result.RowsRead, result.RowsLoaded, result.RowsRejected, result.Skipped));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"SurveyResponse\""));
    }

    [Fact]
    public void An_answer_of_an_unknown_customer_keeps_all_its_values_as_raw_record()
    {
        // Regression (issue 6, "nothing is lost"): the reject kept only the CRM id; it keeps every staged value as JSON now,
        // as a duplicate answer's reject and Integration.MigrateStagedDemographicsData do (RejectRawRecordTests).
        using var warehouse = WithCustomers("C1");
        var path = Write("survey.csv", SurveyHeader +
            "C1,2024-03-01,4,2,30-50k,Master,Engineer,married,5\n" +
            "C9,2024-03-02,2,0,<20k,,Baker,,4\n");       // line 3: unknown customer

        var result = DemographicsLoader.Load(warehouse, path);

        Assert.Equal((2L, 1L, 1L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var (line, raw) = warehouse.Connection.QuerySingle<(long, string)>("SELECT \"SourceLineNumber\", \"RawRecord\" FROM \"Integration\".\"RejectedCustomer\"");
        Assert.Equal(3, line);
        using var json = JsonDocument.Parse(raw);
        var values = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["CrmCustomerId"] = "C9", ["SurveyDate"] = "2024-03-02", ["HouseholdSize"] = "2", ["Children"] = "0", ["IncomeBand"] = "<20k",
            ["Education"] = "", ["Occupation"] = "Baker", ["MaritalStatus"] = "", ["Satisfaction"] = "4",
        }, values);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("Education").ValueKind);
    }
}
