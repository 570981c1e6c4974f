using System.CommandLine;
using System.Globalization;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Demo;
using Warehouse.Etl.Segmenting;

namespace Warehouse.Etl.Cli;

internal static partial class WarehouseCli
{
    private static Command BuildDemo()
    {
        var customers = new Option<int>("--customers") { Description = "Customers to generate.", DefaultValueFactory = _ => 20_000 };
        var lines = new Option<int>("--lines") { Description = "Approximate purchase lines to generate.", DefaultValueFactory = _ => 500_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed of the generator and of k-means.", DefaultValueFactory = _ => 42 };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for the generated source files (default: demo-data beside the warehouse file; with --connection, in the current folder)." };
        var k = new Option<int>("--k") { Description = "Number of segments.", DefaultValueFactory = _ => 5 };
        var demo = new Command("demo", "Generate a realistic multi-source sample with planted customer behaviours, load it through staging into the star schema, segment it with k-means and print the segments.");
        foreach (var option in new Option[] { customers, lines, seed, output, k })
        {
            demo.Options.Add(option);
        }

        demo.SetAction(parse => Run(() =>
        {
            using var warehouse = OpenWarehouse(parse);
            var folder = parse.GetValue(output)?.FullName
                ?? Path.Combine(warehouse is DuckDbWarehouse && Path.GetDirectoryName(warehouse.Location) is { Length: > 0 } dir ? dir : Directory.GetCurrentDirectory(), "demo-data");
            var options = new DemoOptions
            {
                Customers = parse.GetValue(customers),
                Lines = parse.GetValue(lines),
                Seed = parse.GetValue(seed),
                OutputFolder = folder,
            };
            DemoRunner.Result? result = null;
            var segmentation = new SegmentationOptions { K = parse.GetValue(k), Seed = parse.GetValue(seed) };
            ConsoleUi.RunStepsLive(report => result = DemoRunner.Run(warehouse, options, segmentation, report));
            ConsoleUi.Line($"Source files: {folder}");
            PrintLoad(result!.Customers);
            PrintLoad(result.Demographics);
            PrintLoad(result.Transactions);
            PrintOutliers(warehouse, result.Transactions.LineageKey, result.Transactions.Skipped);
            PrintLoad(result.Web);
            PrintOutliers(warehouse, result.Web.LineageKey, result.Web.Skipped);
            PrintLoad(result.Social);
            PrintOutliers(warehouse, result.Social.LineageKey, result.Social.Skipped);
            PrintSegmentation(result.Segmentation);
            ConsoleUi.Line(string.Create(CultureInfo.InvariantCulture, $"Demo finished in {result.Elapsed.TotalSeconds:0.0} s. Warehouse: {warehouse.Location}"));
            return 0;
        }));
        return demo;
    }
}
