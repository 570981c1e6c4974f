using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Audit (issue 6): D1 and D2 are one person registered twice (same name, e-mail and birth date: the CRM load ties D2 to
/// D1's customer). A survey file answering for D1 and D2 on the same day read 2, loaded 2, rejected 0, yet the fact table
/// (one answer set per customer and day) kept only D2's answers: D1's row was neither stored nor rejected. Now the later
/// record is rejected as a duplicate naming the first one's line and CRM id, on DuckDB and in
/// Integration.MigrateStagedDemographicsData (its <c>#Current</c> and <c>#SameCustomer</c> statements run on DuckDB here).
/// </summary>
public sealed class SurveySameCustomerTests : CustomerSeededTests
{
    private const string Crm = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n" +
        "D1,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-06-01 09:30:00\n" +
        "D2,Anna Smith,anna@example.com,,1985-02-03,F,London,United Kingdom,2021-01-15,yes,no,2024-06-01 09:30:00\n";

    private const string Survey = "crm_customer_id,survey_date,household_size,satisfaction\n" +
        "D1,2024-03-01,4,5\n" +   // line 2: kept (first record of the customer and day)
        "D2,2024-03-01,3,2\n" +   // line 3: the same customer and day under D2: rejected, duplicate of line 2
        "D2,2024-04-01,3,2\n";    // line 4: another day: kept

    [Fact]
    public void Two_crm_ids_of_one_customer_answering_on_one_day_load_the_first_and_reject_the_second()
    {
        using var warehouse = Merged();
        var statements = ProcedureOnDuckDb.SelectIntoStatements(
            File.ReadAllText(RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedDemographicsData.sql")),
            "#Current", "#SameCustomer");
        List<(long Record, long FirstLine, string FirstId)>? fromProcedure = null;

        var result = DemographicsLoader.Load(warehouse, Write("survey.csv", Survey), checkpoint: point =>
        {
            if (point != "staged")
            {
                return;
            }

            // The procedure's statements over the same staged rows (copied where SqlBulkCopy puts them on SQL Server).
            var k = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
            warehouse.Connection.Execute($"INSERT INTO \"Integration\".\"Demographics_Staging\" SELECT * FROM temp.main.survey_staging_{k}");
            foreach (var sql in statements)
            {
                warehouse.Connection.Execute(sql, new { LineageKey = k });
            }

            fromProcedure = warehouse.Connection.Query<(long, long, string)>("SELECT CAST(\"SourceRecordNumber\" AS BIGINT), CAST(\"FirstLine\" AS BIGINT), \"FirstId\" FROM \"#SameCustomer\" ORDER BY 1").ToList();
            warehouse.Connection.Execute("DROP TABLE \"#SameCustomer\"");
            warehouse.Connection.Execute("DROP TABLE \"#Current\"");
            warehouse.Connection.Execute("DELETE FROM \"Integration\".\"Demographics_Staging\" WHERE \"LineageKey\" = $k", new { k });
        });

        // 3 read = 2 loaded (lines 2 and 4) + 1 rejected (line 3). Before the fix: 3 loaded, 0 rejected, line 2's answers gone.
        Assert.Equal((3L, 2L, 1L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var reject = warehouse.Connection.QuerySingle<(long Line, long Record, string Column, string Reason)>(
            "SELECT CAST(\"SourceLineNumber\" AS BIGINT), CAST(\"SourceRecordNumber\" AS BIGINT), \"ColumnName\", \"Reason\" FROM \"Integration\".\"RejectedCustomer\"");
        Assert.Equal((3L, 2L, "crm_customer_id", "duplicate of line 2 (CRM id D1 is the same customer, same survey date)"), reject);
        // The first answer set of 1 March is the one stored (household 4, satisfaction 5), the other day's beside it.
        Assert.Equal([(20240301, 4, 5), (20240401, 3, 2)], warehouse.Connection.Query<(int, int, int)>(
            "SELECT CAST(\"DateKey\" AS INTEGER), CAST(\"HouseholdSize\" AS INTEGER), CAST(\"Satisfaction\" AS INTEGER) FROM \"Fact\".\"SurveyResponse\" ORDER BY 1").ToList());
        Assert.Equal([(2L, 2L, "D1")], fromProcedure);
    }

    private DuckDbWarehouse Merged()
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm-dup.csv", Crm));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Integration\".\"CustomerKeyMap\" WHERE \"CrmCustomerId\" IN ('D1', 'D2')"));
        return warehouse;
    }
}
