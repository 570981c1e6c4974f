using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Demo;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Demo;

/// <summary>
/// Each source has a sample the demo generator also writes: besides the CSV, the CRM customers as JSON (the same rows), and
/// the transactions' column mapping. Regression: the demo wrote neither.
/// </summary>
public sealed class DemoSampleFilesTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string CustomerColumns = """
        SELECT "CrmCustomerId", "FullName", "Email", "Phone", "BirthDate", "Gender", "SignupDate", "ConsentMarketing", "ConsentProfiling"
        FROM "Dimension"."Customer" WHERE "CrmCustomerId" IS NOT NULL ORDER BY "CrmCustomerId"
        """;

    [Fact]
    public void The_CRM_JSON_sample_loads_the_same_customers_as_the_CSV_and_the_mapping_loads_the_transactions()
    {
        // Planted CRM duplicates included (D-prefixed ids with changed names and e-mails, some without phone: JSON nulls).
        var data = new DemoGenerator(new DemoOptions { Customers = 300, Lines = 3_000, Seed = 5, CrmDuplicateRate = 0.1, OutputFolder = Path.Combine(_folder, "data") }).Generate();
        Assert.True(File.Exists(data.Files.CustomersJson));
        Assert.True(File.Exists(data.Files.TransactionMapping));

        using var fromCsv = DuckDbWarehouse.Open(":memory:");
        using var fromJson = DuckDbWarehouse.Open(":memory:");
        var csv = CrmLoader.Load(fromCsv, data.Files.Customers);
        var json = CrmLoader.Load(fromJson, data.Files.CustomersJson);

        var crmRows = File.ReadLines(data.Files.Customers).Count() - 1;
        Assert.True(crmRows > 300, $"{crmRows} CRM rows: the duplicates were not planted");
        Assert.Equal((crmRows, 0L), (json.RowsRead, json.RowsRejected));
        Assert.Equal((csv.RowsRead, csv.RowsLoaded), (json.RowsRead, json.RowsLoaded));
        var csvCustomers = fromCsv.Connection.Query(CustomerColumns).Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values)).ToList();
        var jsonCustomers = fromJson.Connection.Query(CustomerColumns).Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values)).ToList();
        Assert.True(csvCustomers.Count >= 300, $"{csvCustomers.Count} customer rows"); // duplicates tied to another id add no row
        Assert.Equal(csvCustomers, jsonCustomers);

        var mapping = TransactionMapping.Load(data.Files.TransactionMapping);
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var transactions = TransactionLoader.Load(warehouse, data.Files.Transactions, mapping);
        Assert.Equal((data.PurchaseLines, 0L), (transactions.RowsRead, transactions.RowsRejected));
    }
}
