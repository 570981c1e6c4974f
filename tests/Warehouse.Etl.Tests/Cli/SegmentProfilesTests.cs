using Warehouse.Data;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Segmenting;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Cli;

/// <summary>
/// <c>segment list</c> and the SQL Server summary read Reports.SegmentProfile with one statement for both engines
/// (<see cref="SegmentProfiles.Sql"/>; it parses as T-SQL in Warehouse.Database.Tests). Here it runs on DuckDB against a
/// hand-computed case: four customers with one 2.50 purchase, four with 20 weekly purchases of 3 × 40.00.
/// </summary>
public sealed class SegmentProfilesTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_profile_statement_runs_on_duckdb_and_gives_the_hand_computed_figures()
    {
        var lines = new List<string> { "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country" };
        var invoice = 5000;
        for (var customer = 1; customer <= 8; customer++)
        {
            var weekly = customer > 4;
            for (var i = 0; i < (weekly ? 20 : 1); i++)
            {
                var day = new DateTime(2011, 3, 1).AddDays((i * 7) + customer);
                lines.Add(weekly ? $"{invoice++},B,dear,3,{day:yyyy-MM-dd} 10:00:00,40,{customer},France" : $"{invoice++},A,cheap,1,{day:yyyy-MM-dd} 10:00:00,2.5,{customer},France");
            }
        }

        var path = Path.Combine(_folder, "groups.csv");
        File.WriteAllLines(path, lines);
        using var warehouse = DuckDbWarehouse.Open(Path.Combine(_folder, "w.duckdb"));
        TransactionLoader.Load(warehouse, path);
        var run = EngineSegmentation.Run(warehouse, new SegmentationOptions { K = 2, ConfigurationName = "groups" });

        var profiles = SegmentProfiles.Read(warehouse, "groups");

        Assert.Equal(2, profiles.Count);
        Assert.All(profiles, p => Assert.Equal((run.ModelRunKey, 4L, 0.5), (p.ModelRunKey, p.CustomerCount, p.Share)));
        // Highest monetary value first: 20 invoices × 3 × 40.00 = 2,400.00; then one invoice of 2.50.
        Assert.Equal((20.0, 2400.0), (profiles[0].MeanFrequency, profiles[0].MeanMonetaryValue));
        Assert.Equal((1.0, 2.5), (profiles[1].MeanFrequency, profiles[1].MeanMonetaryValue));
        Assert.Equal(run.Segments.Select(s => s.SegmentKey).Order(), profiles.Select(p => p.SegmentKey).Order());
        Assert.Empty(SegmentProfiles.Read(warehouse, "no-such-configuration"));
    }
}
