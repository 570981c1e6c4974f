using System.CommandLine;
using System.Globalization;
using Warehouse.Etl.Cli;
using Warehouse.Reports;

namespace Warehouse.Etl.Commands;

/// <summary>
/// <c>warehouse report --out &lt;folder&gt;</c>: writes the self-contained HTML segment report (charts embedded) for the
/// latest run of every configuration, or of one with <c>--configuration</c>. Segments without an SQL explanation yet get
/// one (Segmentation.SegmentRule) unless <c>--no-explain</c> is given.
/// </summary>
internal static class ReportCommand
{
    /// <summary>Builds the <c>report</c> verb.</summary>
    public static Command Build()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Folder to write segment-report.html into (created when missing).", Required = true };
        var configuration = new Option<string?>("--configuration", "-c") { Description = "Only this configuration (default: every configuration with a successful run)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the customer samples drawn for the charts.", DefaultValueFactory = _ => 1 };
        var noExplain = new Option<bool>("--no-explain") { Description = "Do not learn segment rules for runs that have none (the report then shows none)." };
        var command = new Command("report", "Write the HTML segment report: profiles, explanations as SQL, PCA scatter, dendrogram, centroid heat map, silhouette, elbow curve, sizes and feature distributions.");
        command.Options.Add(output);
        command.Options.Add(configuration);
        command.Options.Add(seed);
        command.Options.Add(noExplain);
        command.SetAction(parse => WarehouseCli.Run(() =>
        {
            using var warehouse = WarehouseCli.OpenWarehouse(parse);
            var result = SegmentReport.Write(warehouse, parse.GetValue(output)!.FullName, new SegmentReportOptions
            {
                ConfigurationName = parse.GetValue(configuration),
                Seed = parse.GetValue(seed),
                ExplainWhenMissing = !parse.GetValue(noExplain),
            });
            ConsoleUi.Line(string.Create(CultureInfo.InvariantCulture,
                $"Report: {result.Path} ({string.Join(", ", result.Configurations)}; {result.Customers:N0} customers, {result.Images} charts, {result.Bytes / 1024.0:N0} KiB) in {result.Elapsed.TotalSeconds:0.00} s."));
            return 0;
        }));
        return command;
    }
}
