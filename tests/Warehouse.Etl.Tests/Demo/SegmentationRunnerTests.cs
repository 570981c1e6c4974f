using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Segmenting;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Demo;

public sealed class SegmentationRunnerTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Two obvious groups: customers 1–4 buy once a year for little, 5–8 every week for a lot.</summary>
    private DuckDbWarehouse TwoGroupWarehouse()
    {
        var lines = new List<string> { "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country" };
        var invoice = 1000;
        for (var c = 1; c <= 4; c++)
        {
            lines.Add($"{invoice++},A,cheap,1,2011-0{c}-10 10:00:00,2.5,{c},France");
        }

        for (var c = 5; c <= 8; c++)
        {
            for (var week = 0; week < 20; week++)
            {
                var day = new DateTime(2011, 6, 1).AddDays((week * 7) + c);
                lines.Add($"{invoice++},B,dear,3,{day:yyyy-MM-dd} 10:00:00,40,{c},France");
            }
        }

        var path = Path.Combine(_folder, "two.csv");
        File.WriteAllLines(path, lines);
        var warehouse = DuckDbWarehouse.Open(Path.Combine(_folder, "w.duckdb"));
        TransactionLoader.Load(warehouse, path);
        return warehouse;
    }

    [Fact]
    public void Run_names_are_the_report_generators_names_for_the_same_profile()
    {
        // One name generator: the runner's GeneratedName must equal what Reports' SegmentNaming derives from
        // Reports.SegmentComparison for the same run.
        using var warehouse = TwoGroupWarehouse();
        var run = SegmentationRunner.Run(warehouse, new SegmentationOptions { K = 2 });
        var db = warehouse.Connection;
        var stored = db.Query<(int Key, string Name)>("SELECT \"SegmentKey\", \"GeneratedName\" FROM \"Segmentation\".\"Segment\"")
            .ToDictionary(r => r.Key, r => r.Name);
        var fromReports = Warehouse.Reports.Naming.SegmentNaming.ApplyGeneratedNames(warehouse, run.ConfigurationName);
        Assert.Equal(2, fromReports.Count);
        foreach (var (key, name) in fromReports)
        {
            Assert.Equal(name, stored[key]);
        }

        // The weekly big spenders (customers 5-8) are the high-value, frequent, recent segment.
        Assert.Contains("high value", stored[run.SegmentKeys[4]], StringComparison.Ordinal);
        Assert.Contains("frequent", stored[run.SegmentKeys[4]], StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_segment_run_stores_the_sql_rules_and_rename_keeps_a_users_name()
    {
        TwoGroupWarehouse().Dispose();
        var file = Path.Combine(_folder, "w.duckdb");
        Assert.Equal(0, Warehouse.Etl.Cli.WarehouseCli.Build().Parse(["--warehouse", file, "segment", "run", "--k", "2"]).Invoke());
        int key;
        using (var warehouse = DuckDbWarehouse.Open(file))
        {
            var db = warehouse.Connection;
            var rules = db.Query<(int SegmentKey, string Predicate, int Matched, int TruePositives)>(
                "SELECT \"SegmentKey\", \"Predicate\", \"MatchedCustomerCount\", \"TruePositiveCount\" FROM \"Segmentation\".\"SegmentRule\"").ToList();
            Assert.Equal(2, rules.Count);
            // Two well separated groups of 4: a depth-3 tree separates them exactly, measured in SQL.
            Assert.All(rules, r => Assert.Equal(4, r.Matched));
            Assert.All(rules, r => Assert.Equal(4, r.TruePositives));
            key = rules[0].SegmentKey;
        }

        Assert.Equal(0, Warehouse.Etl.Cli.WarehouseCli.Build().Parse(["--warehouse", file, "segment", "rename", key.ToString(System.Globalization.CultureInfo.InvariantCulture), "VIP"]).Invoke());
        Assert.Equal(0, Warehouse.Etl.Cli.WarehouseCli.Build().Parse(["--warehouse", file, "segment", "run", "--k", "2", "--no-explain"]).Invoke());
        Assert.NotEqual(0, Warehouse.Etl.Cli.WarehouseCli.Build().Parse(["--warehouse", file, "segment", "rename", "999", "x"]).Invoke());
        using (var warehouse = DuckDbWarehouse.Open(file))
        {
            var db = warehouse.Connection;
            Assert.Equal("VIP", db.ExecuteScalar<string>("SELECT \"SegmentName\" FROM \"Segmentation\".\"Segment\" WHERE \"SegmentKey\" = $key", new { key }));
            // --no-explain: the second run has no rules of its own.
            Assert.Equal(0, db.ExecuteScalar<long>("""
                SELECT count(*) FROM "Segmentation"."SegmentRule" WHERE "ModelRunKey" = (SELECT max("ModelRunKey") FROM "Segmentation"."ModelRun")
                """));
        }
    }

    [Fact]
    public void Memberships_are_type_2_a_changed_segment_closes_the_old_row()
    {
        using var warehouse = TwoGroupWarehouse();
        var first = SegmentationRunner.Run(warehouse, new SegmentationOptions { K = 2 });
        Assert.Equal(2, first.SegmentKeys.Distinct().Count());
        Assert.Equal(first.SegmentKeys[0], first.SegmentKeys[3]);
        Assert.NotEqual(first.SegmentKeys[0], first.SegmentKeys[4]);

        // Same data, same k: memberships confirmed in place, no new rows.
        var second = SegmentationRunner.Run(warehouse, new SegmentationOptions { K = 2 });
        Assert.Equal(first.SegmentKeys, second.SegmentKeys);
        var db = warehouse.Connection;
        Assert.Equal(8, db.ExecuteScalar<long>("SELECT count(*) FROM \"Segmentation\".\"CustomerSegment\""));
        Assert.Equal(8, db.ExecuteScalar<long>("SELECT count(*) FROM \"Segmentation\".\"CustomerSegment\" WHERE \"ModelRunKey\" = $r", new { r = second.ModelRunKey }));

        // k = 1: everyone in one segment, so at least one group changes: closed rows + new current rows, one current row each.
        var third = SegmentationRunner.Run(warehouse, new SegmentationOptions { K = 1 });
        Assert.Single(third.SegmentKeys.Distinct());
        var changed = first.SegmentKeys.Count(s => s != third.SegmentKeys[0]);
        Assert.True(changed >= 4);
        Assert.Equal(8 + changed, db.ExecuteScalar<long>("SELECT count(*) FROM \"Segmentation\".\"CustomerSegment\""));
        Assert.Equal(changed, db.ExecuteScalar<long>("SELECT count(*) FROM \"Segmentation\".\"CustomerSegment\" WHERE \"ValidTo\" < TIMESTAMP '9999-12-31'"));
        Assert.Equal(0, db.ExecuteScalar<long>("""
            SELECT count(*) FROM (SELECT "CustomerKey" FROM "Segmentation"."CustomerSegment" WHERE "ValidTo" = TIMESTAMP '9999-12-31'
                                  GROUP BY "CustomerKey" HAVING count(*) <> 1)
            """));
    }

    [Fact]
    public void A_renamed_segment_keeps_its_name_and_run_metadata_is_recorded()
    {
        using var warehouse = TwoGroupWarehouse();
        var first = SegmentationRunner.Run(warehouse, new SegmentationOptions { K = 2 });
        var db = warehouse.Connection;
        var key = first.Segments[0].SegmentKey;
        db.Execute("UPDATE \"Segmentation\".\"Segment\" SET \"SegmentName\" = 'Champions', \"IsRenamed\" = true WHERE \"SegmentKey\" = $key", new { key });

        var second = SegmentationRunner.Run(warehouse, new SegmentationOptions { K = 2 });

        Assert.Equal("Champions", second.Segments.Single(s => s.SegmentKey == key).Name);
        var run = db.QuerySingle<(string Features, int Customers, string Consent, string Status, string Parameters)>("""
            SELECT "Features", "NumberOfCustomers", "ConsentBasis", "Status", "Parameters" FROM "Segmentation"."ModelRun" WHERE "ModelRunKey" = $r
            """, new { r = second.ModelRunKey });
        Assert.Equal("RecencyDays,Frequency,MonetaryValue,AverageOrderValue,TenureDays", run.Features);
        Assert.Equal(8, run.Customers);
        Assert.Equal("succeeded", run.Status);
        Assert.Contains("Log1pZScore", run.Parameters, StringComparison.Ordinal);
        Assert.Equal(2, db.ExecuteScalar<long>("SELECT count(*) FROM \"Segmentation\".\"Model\" WHERE octet_length(\"ModelBytes\") > 0 AND octet_length(\"ScalerBytes\") > 0"));
    }

    [Fact]
    public void Customers_who_refused_profiling_are_not_segmented()
    {
        using var warehouse = TwoGroupWarehouse();
        warehouse.Connection.Execute("UPDATE \"Dimension\".\"Customer\" SET \"ConsentProfiling\" = false WHERE \"CrmCustomerId\" IN ('1', '5')");

        var run = SegmentationRunner.Run(warehouse, new SegmentationOptions { K = 2 });

        Assert.Equal(6, run.Customers);
        Assert.Equal(2, run.ExcludedForConsent);
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("""
            SELECT count(*) FROM "Segmentation"."CustomerFeature" AS f JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = f."CustomerKey"
            WHERE c."CrmCustomerId" IN ('1', '5')
            """));
    }

    [Fact]
    public void Segmenting_an_empty_warehouse_is_a_clear_error()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var e = Assert.Throws<InvalidOperationException>(() => SegmentationRunner.Run(warehouse, new SegmentationOptions()));
        Assert.Contains("no purchases", e.Message, StringComparison.Ordinal);
    }
}
