using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// The SQL Server procedures reject repeated rows as the DuckDB migration does (FORMATS.md, "Duplicate rows"): each
/// procedure's <c>SELECT … INTO #Duplicate</c> (written in the SQL both engines accept) runs on DuckDB inside a DuckDB load,
/// over the rows the load staged (copied into the Integration staging table SqlBulkCopy fills on SQL Server), and must name
/// the records, lines and first lines the DuckDB load then rejects as duplicates. The files are those of <see cref="DuplicateRowTests"/>'
/// kind (repeats and near-repeats; expected records and lines by hand in the comments), plus JSON arrays written on one line
/// (audit defect 1: every element on line 1, told apart by record number only).
/// </summary>
public sealed class DuplicateProcedureParityTests : CustomerSeededTests
{
    private static string Procedure(string name) =>
        File.ReadAllText(RepositoryPaths.Of($"database/Warehouse.Database/Integration/Stored Procedures/{name}.sql"));

    [Fact]
    public void Customer_procedure_names_the_duplicates_the_duckdb_load_rejects()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("crm-dup.csv", "crm_customer_id,full_name,city,updated_at\n" +
            "C1,Anna Smith,London,2024-06-01 09:00:00\n" +  // 2
            "C1,Anna Smith,Leeds,2024-06-01 09:00:00\n" +   // 3: repeat of 2
            "C1,Anna Smith,York,2024-06-02 09:00:00\n" +    // 4: later version
            "C2,Bob Jones,,\n" +                            // 5
            "C2,Bob Jones,,\n");                            // 6: repeat of 5

        var procedure = Compare(warehouse, "MigrateStagedCustomerData", "Customer_Staging", "customer_staging",
            checkpoint => CrmLoader.Load(warehouse, path, checkpoint: checkpoint), "RejectedCustomer");

        // (record, line, first line): the header is line 1, record k is line k + 1.
        Assert.Equal([(2L, 3L, 2L), (5L, 6L, 5L)], procedure);
    }

    [Fact]
    public void Customer_procedure_names_the_duplicates_of_a_one_line_json_array()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        // Records 1-4 on line 1: 2 repeats record 1's version (C1, 09:00), 4 repeats record 3's (C2, no time); 3 and 1 stay.
        var path = Write("crm-dup-one-line.json",
            """[{"crm_customer_id":"C1","city":"London","updated_at":"2024-06-01T09:00:00Z"},{"crm_customer_id":"C1","city":"Leeds","updated_at":"2024-06-01T09:00:00Z"},{"crm_customer_id":"C2"},{"crm_customer_id":"C2"}]""");

        var procedure = Compare(warehouse, "MigrateStagedCustomerData", "Customer_Staging", "customer_staging",
            checkpoint => CrmLoader.Load(warehouse, path, checkpoint: checkpoint), "RejectedCustomer");

        Assert.Equal([(2L, 1L, 1L), (4L, 1L, 1L)], procedure);
    }

    [Fact]
    public void Demographics_procedure_names_the_duplicates_the_duckdb_load_rejects()
    {
        using var warehouse = WithCustomers();
        var path = Write("survey-dup.csv", "crm_customer_id,survey_date,household_size,satisfaction\n" +
            "C1,2024-03-01,4,5\n" +  // 2
            "C1,2024-03-01,3,1\n" +  // 3: repeat of 2
            "C1,2024-04-01,3,1\n" +  // 4: other date
            "C2,,2,3\n" +            // 5
            "C2,,2,3\n");            // 6: repeat of 5

        var procedure = Compare(warehouse, "MigrateStagedDemographicsData", "Demographics_Staging", "survey_staging",
            checkpoint => DemographicsLoader.Load(warehouse, path, checkpoint: checkpoint), "RejectedCustomer");

        Assert.Equal([(2L, 3L, 2L), (5L, 6L, 5L)], procedure);
    }

    [Fact]
    public void Social_procedure_names_the_duplicates_the_duckdb_load_rejects()
    {
        using var warehouse = WithCustomers();
        var path = Write("social-dup.json", "[\n" +
            """{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love it"},""" + "\n" +  // 2
            """{"platform":"facebook","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love it"},""" + "\n" +   // 3: other platform
            """{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:25:00Z","text":"Edited"}""" + "\n" +     // 4: repeat of 2
            "]\n");

        var procedure = Compare(warehouse, "MigrateStagedSocialInteractionData", "SocialInteraction_Staging", "social_staging",
            checkpoint => InteractionLoaders.LoadSocial(warehouse, path, checkpoint: checkpoint), "RejectedSocialInteraction");

        // Records 1-3 on lines 2-4 (line 1 is the '['): record 3 repeats record 1.
        Assert.Equal([(3L, 4L, 2L)], procedure);
    }

    [Fact]
    public void Social_procedure_names_the_duplicates_of_a_one_line_json_array()
    {
        using var warehouse = WithCustomers();
        // Records 1-4 on line 1: 3 repeats record 1 (instagram ig-1, edited), 4 repeats record 2 (facebook ig-1).
        var path = Write("social-dup-one-line.json",
            """[{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love it"},{"platform":"facebook","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:22:00Z","text":"Love it"},{"platform":"instagram","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:25:00Z","text":"Edited"},{"platform":"facebook","comment_id":"ig-1","handle":"@anna","timestamp":"2024-05-02T18:26:00Z","text":"Again"}]""");

        var procedure = Compare(warehouse, "MigrateStagedSocialInteractionData", "SocialInteraction_Staging", "social_staging",
            checkpoint => InteractionLoaders.LoadSocial(warehouse, path, checkpoint: checkpoint), "RejectedSocialInteraction");

        Assert.Equal([(3L, 1L, 1L), (4L, 1L, 1L)], procedure);
    }

    /// <summary>
    /// Runs the load; at its staged checkpoint copies the load's temporary staging into the Integration table and runs the
    /// procedure's #Duplicate there. Asserts the DuckDB load rejected the same records (with their lines), naming the same
    /// first lines; returns (record, line, first line) in record order.
    /// </summary>
    private static List<(long Record, long Line, long FirstLine)> Compare(DuckDbWarehouse warehouse, string procedureName, string integrationTable, string temporaryPrefix,
        Func<Action<string>, LoadResult> load, string rejectTable)
    {
        var statements = ProcedureOnDuckDb.SelectIntoStatements(Procedure(procedureName), "#Duplicate");
        List<(long, long, long)>? fromProcedure = null;
        var result = load(point =>
        {
            if (point != "staged")
            {
                return;
            }

            var k = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
            Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>($"SELECT count(*) FROM \"Integration\".\"{integrationTable}\""));
            Assert.True(warehouse.Connection.Execute($"INSERT INTO \"Integration\".\"{integrationTable}\" SELECT * FROM temp.main.{temporaryPrefix}_{k}") > 0);
            foreach (var sql in statements)
            {
                warehouse.Connection.Execute(sql, new { LineageKey = k });
            }

            fromProcedure = warehouse.Connection.Query<(long, long, long)>("SELECT \"SourceRecordNumber\", \"SourceLineNumber\", \"FirstLine\" FROM \"#Duplicate\" ORDER BY 1").ToList();
            warehouse.Connection.Execute("DROP TABLE \"#Duplicate\"");
            warehouse.Connection.Execute($"DELETE FROM \"Integration\".\"{integrationTable}\" WHERE \"LineageKey\" = $k", new { k });
        });

        Assert.False(result.Skipped);
        var fromHost = warehouse.Connection.Query<(long Record, long Line, string Reason)>(
                $"SELECT \"SourceRecordNumber\", \"SourceLineNumber\", \"Reason\" FROM \"Integration\".\"{rejectTable}\" WHERE \"LineageKey\" = $k AND starts_with(\"Reason\", 'duplicate of line ') ORDER BY 1",
                new { k = result.LineageKey })
            .Select(r => (r.Record, r.Line, long.Parse(r.Reason["duplicate of line ".Length..], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.NotNull(fromProcedure);
        Assert.Equal(fromHost, fromProcedure);
        return fromProcedure;
    }
}
