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
/// The facts of ../shared/data/online-retail/README.md: 541,909 data rows, 135,080 without CustomerID, 4,372 distinct
/// customers, sum of Quantity × UnitPrice 9,747,747.93 over the whole file. Among the 406,829 rows with a customer, 5,225
/// repeat an earlier row exactly (all 8 fields equal; the same count after the parser's trimming and number parsing) and
/// are rejected as duplicates: 401,604 loaded, 8,872 of them cancellations (8,905 with the repeats). Counted with Python's
/// csv module (a set of the 8 trimmed and parsed fields over the rows with a CustomerID: 5,225 repeats, sum of
/// Quantity × UnitPrice over the first occurrences 8,278,519.424), and again below with DuckDB's own CSV reader.
/// </summary>
public sealed class OnlineRetailLoadTests(OnlineRetailFixture fixture) : IClassFixture<OnlineRetailFixture>
{
    [OnlineRetailFact]
    public void Counts_match_the_dataset_facts_and_balance()
    {
        var result = fixture.Result!;
        Assert.Equal(541_909, result.RowsRead);
        Assert.Equal(135_080 + 5_225, result.RowsRejected);
        Assert.Equal(401_604, result.RowsLoaded);
        Assert.Equal(result.RowsRead, result.RowsLoaded + result.RowsRejected);
        var db = fixture.Warehouse!.Connection;
        Assert.Equal(135_080, db.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"RejectedPurchase\" WHERE \"Reason\" = 'missing customer id'"));
        Assert.Equal(5_225, db.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"RejectedPurchase\" WHERE \"Reason\" LIKE 'duplicate of line %'"));
        Assert.Equal(401_604, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(8_872, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"IsCancellation\""));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"IsCancellation\" AND \"Quantity\" > 0"));
        Assert.Equal(4_372, db.ExecuteScalar<long>("SELECT count(DISTINCT \"CustomerKey\") FROM \"Fact\".\"Purchase\""));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"CustomerKey\" = 0 OR \"ProductKey\" = 0"));
        Assert.Equal((541_909L, 401_604L, 140_305L), db.QuerySingle<(long, long, long)>(
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
        // The rows with a CustomerID once each (repeats of a row are rejected as duplicates).
        var (rows, distinct, distinctSum) = db.QuerySingle<(long Rows, long Distinct, decimal DistinctSum)>($"""
            WITH r AS (SELECT * FROM read_csv('{fixture.Path.Replace("'", "''", StringComparison.Ordinal)}', header = true, all_varchar = true)
                       WHERE "CustomerID" IS NOT NULL AND "CustomerID" <> '')
            SELECT (SELECT count(*) FROM r), (SELECT count(*) FROM (SELECT DISTINCT * FROM r)),
                   (SELECT sum(CAST("Quantity" AS BIGINT) * CAST("UnitPrice" AS DECIMAL(18, 4))) FROM (SELECT DISTINCT * FROM r))
            """);
        Assert.Equal((406_829L, 401_604L, 8_278_519.424m), (rows, distinct, distinctSum));
        Assert.Equal(distinctSum, db.ExecuteScalar<decimal>("SELECT sum(\"Amount\") FROM \"Fact\".\"Purchase\""));
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

    [OnlineRetailFact]
    public void Outliers_flag_about_one_percent_of_lines_including_the_known_errors_and_keep_them_loaded()
    {
        var db = fixture.Warehouse!.Connection;
        var stats = Warehouse.Data.Loading.OutlierFlagging.Read(fixture.Warehouse!, fixture.Result!.LineageKey);
        // The rule recomputed independently from the file by DuckDB's CSV reader and its median aggregate (the lines with a
        // customer id, each distinct row once: repeats are rejected as duplicates), counting per measure the lines whose
        // modified z-score of log10(1 + |x|) exceeds 3.5.
        var expected = db.Query<long>($"""
            WITH v AS (SELECT log10(1 + abs(CAST("Quantity" AS INTEGER))) AS q, log10(1 + abs(CAST("UnitPrice" AS DECIMAL(18, 4)))) AS u,
                              log10(1 + abs(CAST(CAST("Quantity" AS INTEGER) * CAST("UnitPrice" AS DECIMAL(18, 4)) AS DECIMAL(18, 4)))) AS a
                       FROM (SELECT DISTINCT * FROM read_csv('{fixture.Path.Replace("'", "''", StringComparison.Ordinal)}', header = true, all_varchar = true)
                             WHERE "CustomerID" IS NOT NULL AND "CustomerID" <> '')),
                 m AS (SELECT median(q) AS mq, median(u) AS mu, median(a) AS ma FROM v),
                 d AS (SELECT median(abs(q - mq)) AS dq, median(abs(u - mu)) AS du, median(abs(a - ma)) AS da FROM v, m)
            SELECT count(*) FILTER (WHERE 0.6745 * (q - mq) / dq > 3.5) FROM v, m, d
            UNION ALL SELECT count(*) FILTER (WHERE 0.6745 * (u - mu) / du > 3.5) FROM v, m, d
            UNION ALL SELECT count(*) FILTER (WHERE 0.6745 * (a - ma) / da > 3.5) FROM v, m, d
            UNION ALL SELECT count(*) FILTER (WHERE 0.6745 * (q - mq) / dq > 3.5 OR 0.6745 * (u - mu) / du > 3.5 OR 0.6745 * (a - ma) / da > 3.5) FROM v, m, d
            UNION ALL SELECT CAST(round((power(10, mq + 3.5 * dq / 0.6745) - 1) * 100) AS BIGINT) FROM m, d
            UNION ALL SELECT CAST(round((power(10, mu + 3.5 * du / 0.6745) - 1) * 100) AS BIGINT) FROM m, d
            UNION ALL SELECT CAST(round((power(10, ma + 3.5 * da / 0.6745) - 1) * 100) AS BIGINT) FROM m, d
            """).ToList();
        var bounds = expected[4..].Select(b => b / 100.0).ToList();
        expected = expected[..4];
        Assert.Equal([2_612L, 1_295L, 2_072L, 4_610L], expected);
        Assert.Equal(expected[..3], stats.Select(s => s.RowsFlagged));
        Assert.Equal(expected[3], db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"OutlierFlags\" <> 0")); // 1.15 % of 401,604
        Assert.Equal(401_604, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        // Bounds (10^(median + 3.5 MAD / 0.6745) - 1, from the same independent statistics): more than 172.84 units, a unit
        // price above 22.21, an amount above 308.60.
        Assert.Equal([172.84, 22.21, 308.60], bounds);
        Assert.Equal(bounds, stats.Select(s => Math.Round(s.UpperBound!.Value, 2)));
        // The known errors: the 80,995-unit line and its cancellation (quantity and amount); the 38,970 "Manual" cancellation
        // (unit price and amount) and the 60 × 649.50 picnic basket line of the same customer (unit price and amount).
        Assert.Equal([5, 5], db.Query<int>("SELECT CAST(\"OutlierFlags\" AS INTEGER) FROM \"Fact\".\"Purchase\" WHERE abs(\"Quantity\") = 80995"));
        Assert.Equal([6, 6], db.Query<int>("SELECT CAST(\"OutlierFlags\" AS INTEGER) FROM \"Fact\".\"Purchase\" WHERE \"UnitPrice\" = 38970 OR \"Amount\" = 38970 ORDER BY 1"));
    }
}
