using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warehouse.Data;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Segmenting;
using Warehouse.Reports.Explanation;
using Warehouse.Reports.Naming;

namespace Warehouse.Etl.Cli;

internal static partial class WarehouseCli
{
    private static Command BuildSegment()
    {
        var segment = new Command("segment", "Customer segmentation runs and their results.");
        var k = new Option<int?>("--k") { Description = "Number of segments (default 5)." };
        var kRange = new Option<string?>("--k-range") { Description = "Choose k by the best mean silhouette in a range, e.g. 2..10." };
        var algorithm = new Option<string>("--algorithm") { Description = "Clustering algorithm.", DefaultValueFactory = _ => "kmeans" };
        algorithm.AcceptOnlyFromAmong("kmeans");
        var features = new Option<string[]>("--features")
        {
            Description = $"Features to cluster on, comma-separated (default {string.Join(",", FeatureCatalog.Defaults)}; known: {string.Join(",", FeatureCatalog.All.Select(f => f.Name))}).",
            AllowMultipleArgumentsPerToken = true,
        };
        var seed = new Option<int?>("--seed") { Description = "Random seed (k-means++ and sampling; default 42)." };
        var restarts = new Option<int?>("--restarts") { Description = "k-means restarts; the lowest inertia wins (default 10)." };
        var configuration = new Option<string>("--configuration", "-c") { Description = "Configuration name: segments and history are kept per configuration.", DefaultValueFactory = _ => "default" };
        var noExplain = new Option<bool>("--no-explain") { Description = "Do not learn the segments' SQL rules (Segmentation.SegmentRule) after the run." };

        var run = new Command("run", "Build features for the latest as-of date, cluster customers (k-means, k-means++ start) and record the run, segments and memberships.");
        foreach (var option in new Option[] { k, kRange, algorithm, features, seed, restarts, configuration, noExplain })
        {
            run.Options.Add(option);
        }

        run.SetAction(parse => Run(() =>
        {
            var options = new SegmentationOptions
            {
                ConfigurationName = parse.GetValue(configuration)!,
                K = parse.GetValue(k) ?? 5,
                KRange = parse.GetValue(kRange) is { } range ? SegmentationOptions.ParseRange(range) : null,
                Seed = parse.GetValue(seed) ?? 42,
                Restarts = parse.GetValue(restarts) ?? 10,
            };
            var featureNames = parse.GetValue(features) is { Length: > 0 } given
                ? given.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray()
                : null;
            if (featureNames is { Length: > 0 })
            {
                options.Features = featureNames;
            }

            using var warehouse = OpenWarehouse(parse);
            SqlServerSegmentation.RunOverrides? overrides = null;
            if (warehouse is SqlServerWarehouse)
            {
                if (options.KRange is not null)
                {
                    throw new ArgumentException("--k-range is not available with --connection: SQL Server runs one k per run (give --k, or set k in the configuration's Options).");
                }

                // Only what the user gave replaces the configuration's row, for this run (recorded on the run).
                overrides = new SqlServerSegmentation.RunOverrides(parse.GetValue(k), featureNames, parse.GetValue(seed), parse.GetValue(restarts));
                ConsoleUi.Line(overrides == SqlServerSegmentation.RunOverrides.None
                    ? "SQL Server runs the configuration in the database (SQL CLR): algorithm, features, k and seed come from its Segmentation.Configuration row."
                    : "SQL Server runs the configuration in the database (SQL CLR), with the k, features, seed and restarts given here in place of its row's.");
            }

            SegmentationResult? result = null;
            ConsoleUi.RunSteps([("Segmenting customers", () => result = EngineSegmentation.Run(warehouse, options, overrides))]);
            PrintSegmentation(result!);
            if (!parse.GetValue(noExplain))
            {
                ExplainSegments(warehouse, options.ConfigurationName);
            }

            return 0;
        }));

        var list = new Command("list", "Show the segments of the latest run of each configuration (Reports.SegmentProfile).");
        list.SetAction(parse => Run(() =>
        {
            using var warehouse = OpenWarehouse(parse);
            var rows = SegmentProfiles.Read(warehouse);
            if (rows.Count == 0)
            {
                ConsoleUi.Line("No segmentation run yet: run 'segment run' (or 'demo').");
                return 0;
            }

            foreach (var group in rows.GroupBy(r => (r.ConfigurationName, r.ModelRunKey)))
            {
                ConsoleUi.Line($"Configuration '{group.Key.ConfigurationName}', run {group.Key.ModelRunKey}:");
                PrintTable(group.Select(EngineSegmentation.Summary));
            }

            return 0;
        }));

        var segmentKey = new Argument<int>("segment-key") { Description = "SegmentKey of the segment (see 'segment list')." };
        var newName = new Argument<string?>("name") { Description = "New name (at most 100 characters); leave out to restore the generated name.", Arity = ArgumentArity.ZeroOrOne };
        var rename = new Command("rename", "Give a segment a name of your own; it survives later runs (IsRenamed), while GeneratedName keeps following the profile.");
        rename.Arguments.Add(segmentKey);
        rename.Arguments.Add(newName);
        rename.SetAction(parse => Run(() =>
        {
            using var warehouse = OpenWarehouse(parse);
            var key = parse.GetValue(segmentKey);
            var name = parse.GetValue(newName);
            SegmentNaming.Rename(warehouse, key, name);
            ConsoleUi.Line(string.IsNullOrWhiteSpace(name)
                ? $"Segment {key} has its generated name again."
                : $"Segment {key} is now '{name.Trim()}'.");
            return 0;
        }));

        segment.Subcommands.Add(run);
        segment.Subcommands.Add(list);
        segment.Subcommands.Add(rename);
        return segment;
    }

    /// <summary>
    /// Learns and stores the SQL rule of every segment of the configuration's latest run (Segmentation.SegmentRule) and
    /// prints each with the precision and coverage measured by running it in the warehouse.
    /// </summary>
    private static void ExplainSegments(Warehouse.Data.IWarehouse warehouse, string configurationName)
    {
        IReadOnlyList<SegmentRule> rules = [];
        ConsoleUi.RunSteps([("Explaining segments as SQL rules", () => rules = SegmentExplainer.Explain(warehouse, configurationName))]);
        foreach (var rule in rules)
        {
            ConsoleUi.Line(string.Create(CultureInfo.InvariantCulture,
                $"  segment {rule.SegmentKey}: {rule.Predicate}  (precision {rule.MeasuredPrecision:P0}, coverage {rule.MeasuredCoverage:P0})"));
        }
    }

    /// <summary>Prints the outcome of a run with its segment table.</summary>
    internal static void PrintSegmentation(SegmentationResult result)
    {
        var refused = result.ExcludedForConsent == EngineSegmentation.NotReported
            ? "profiling refusals left out"
            : string.Create(CultureInfo.InvariantCulture, $"{result.ExcludedForConsent:N0} left out (profiling refused)");
        ConsoleUi.Line(string.Create(CultureInfo.InvariantCulture,
            $"Run {result.ModelRunKey} ({result.ConfigurationName}): {result.Customers:N0} customers in {result.K} segments as of {result.AsOfDateKey}; " +
            $"{refused}; silhouette {result.Silhouette:0.000}; {result.Elapsed.TotalSeconds:0.0} s."));
        if (result.KCurve.Count > 0)
        {
            ConsoleUi.Line("  k by silhouette: " + string.Join(", ", result.KCurve.Select(p => string.Create(CultureInfo.InvariantCulture, $"k={p.K}: {p.Silhouette:0.000}"))));
        }

        PrintTable(result.Segments);
    }

    private static void PrintTable(IEnumerable<SegmentSummary> segments)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Segment");
        table.AddColumn("Name");
        foreach (var header in new[] { "Customers", "Share", "Recency (days)", "Frequency", "Avg order value", "Monetary" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        foreach (var s in segments)
        {
            table.AddRow(
                s.SegmentKey.ToString(CultureInfo.InvariantCulture) + (s.IsNew ? " (new)" : string.Empty),
                Markup.Escape(s.Name),
                s.Customers.ToString("N0", CultureInfo.InvariantCulture),
                s.Share.ToString("P1", CultureInfo.InvariantCulture),
                s.MeanRecencyDays.ToString("0", CultureInfo.InvariantCulture),
                s.MeanFrequency.ToString("0.0", CultureInfo.InvariantCulture),
                s.MeanAverageOrderValue.ToString("N2", CultureInfo.InvariantCulture),
                s.MeanMonetaryValue.ToString("N2", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }
}
