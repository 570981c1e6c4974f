using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>Loads ../shared/data/online-retail/online_retail.csv once for all tests of the class.</summary>
public sealed class OnlineRetailFixture : IDisposable
{
    public OnlineRetailFixture()
    {
        Path = System.IO.Path.Combine(TestPaths.OnlineRetailFolder, "online_retail.csv");
        if (!File.Exists(Path))
        {
            return;
        }

        Warehouse = DuckDbWarehouse.Open(":memory:");
        Result = TransactionLoader.Load(Warehouse, Path);
    }

    public string Path { get; }

    public DuckDbWarehouse? Warehouse { get; }

    public TransactionLoader.Result? Result { get; }

    public void Dispose() => Warehouse?.Dispose();
}

/// <summary>
/// The facts of ../shared/data/online-retail/README.md: 541,909 data rows, 135,080 without CustomerID, 8,905 cancellation
/// rows among those with a customer, 4,372 distinct customers, sum of Quantity × UnitPrice 9,747,747.93 over the whole
/// file. Expected sums over the loaded rows are computed independently with DuckDB's own CSV reader.
/// </summary>
public sealed class OnlineRetailLoadTests(OnlineRetailFixture fixture) : IClassFixture<OnlineRetailFixture>
{
    [OnlineRetailFact]
    public void Counts_match_the_dataset_facts_and_balance()
    {
        var result = fixture.Result!;
        Assert.Equal(541_909, result.RowsRead);
        Assert.Equal(135_080, result.RowsRejected);
        Assert.Equal(406_829, result.RowsLoaded);
        Assert.Equal(result.RowsRead, result.RowsLoaded + result.RowsRejected);
        var db = fixture.Warehouse!.Connection;
        Assert.Equal(135_080, db.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"RejectedPurchase\" WHERE \"Reason\" = 'missing customer id'"));
        Assert.Equal(406_829, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(8_905, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"IsCancellation\""));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"IsCancellation\" AND \"Quantity\" > 0"));
        Assert.Equal(4_372, db.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Fact\".\"Purchase\""));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"CustomerKey\" = 0 OR \"ProductKey\" = 0"));
        Assert.Equal((541_909L, 406_829L, 135_080L), db.QuerySingle<(long, long, long)>(
            "SELECT \"RowsRead\", \"RowsLoaded\", \"RowsRejected\" FROM \"Integration\".\"Lineage\" WHERE \"LineageKey\" = $k", new { k = fixture.Result!.LineageKey }));
    }

    [OnlineRetailFact]
    public void Amount_over_loaded_rows_equals_the_files_sum_over_the_same_rows()
    {
        var db = fixture.Warehouse!.Connection;
        // Independent reading of the file by DuckDB's CSV reader (not the loader's parser).
        var (whole, withCustomer) = db.QuerySingle<(decimal Whole, decimal WithCustomer)>($"""
            SELECT sum(CAST("Quantity" AS BIGINT) * CAST("UnitPrice" AS DECIMAL(18, 4))),
                   sum(CAST("Quantity" AS BIGINT) * CAST("UnitPrice" AS DECIMAL(18, 4))) FILTER (WHERE "CustomerID" IS NOT NULL AND "CustomerID" <> '')
            FROM read_csv('{fixture.Path.Replace("'", "''", StringComparison.Ordinal)}', header = true, all_varchar = true)
            """);
        Assert.Equal(9_747_747.93m, Math.Round(whole, 2));   // README: sum of Quantity × UnitPrice
        Assert.Equal(8_300_065.814m, withCustomer);          // the rows that have a CustomerID
        Assert.Equal(withCustomer, db.ExecuteScalar<decimal>("SELECT sum(\"Amount\") FROM \"Fact\".\"Purchase\""));
        Assert.Equal(withCustomer + db.ExecuteScalar<decimal>($"""
            SELECT sum(CAST("Quantity" AS BIGINT) * CAST("UnitPrice" AS DECIMAL(18, 4)))
            FROM read_csv('{fixture.Path.Replace("'", "''", StringComparison.Ordinal)}', header = true, all_varchar = true)
            WHERE "CustomerID" IS NULL OR "CustomerID" = ''
            """), whole);
    }

    [OnlineRetailFact]
    public void Reloading_the_file_changes_nothing()
    {
        var before = WarehouseSnapshot.Counts(fixture.Warehouse!);
        var again = TransactionLoader.Load(fixture.Warehouse!, fixture.Path);
        Assert.True(again.Skipped);
        Assert.Equal(before, WarehouseSnapshot.Counts(fixture.Warehouse!));
    }
}
