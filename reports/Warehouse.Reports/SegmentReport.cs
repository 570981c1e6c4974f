using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Warehouse.Data;
using Warehouse.Reports.Analysis;
using Warehouse.Reports.Charts;
using Warehouse.Reports.Explanation;
using Warehouse.Reports.Html;
using Warehouse.Segmentation;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Reports;

/// <summary>
/// The self-contained HTML segment report (<c>warehouse report --out &lt;folder&gt;</c>): for each configuration's latest
/// run, tables read from the Reports.* views (profile with indexes, explanations as SQL, top products, countries and
/// channels, model quality) and charts drawn by <see cref="ChartRenderer"/> and embedded as base64 PNG: PCA scatter,
/// dendrogram, heat map of standardised centroids, silhouette plot, elbow/BIC curve, segment sizes (and their history)
/// and feature distributions per segment. The page has no scripts and no external references, so it opens offline.
/// </summary>
public static class SegmentReport
{
    /// <summary>Whether the run has stored rules (read from the Reports surface, like everything the report shows).</summary>
    public const string RuleCountSql = "SELECT CAST(COUNT(*) AS BIGINT) FROM Reports.SegmentExplanation WHERE ModelRunKey = @run";

    /// <summary>Builds the report and writes it to <paramref name="outputFolder"/> (created when missing).</summary>
    /// <exception cref="InvalidOperationException">No configuration has a successful run.</exception>
    public static SegmentReportResult Write(IWarehouse warehouse, string outputFolder, SegmentReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        options ??= new SegmentReportOptions();
        var stopwatch = Stopwatch.StartNew();
        var configurations = options.ConfigurationName is null ? RunData.Configurations(warehouse) : [options.ConfigurationName];
        if (configurations.Count == 0)
        {
            throw new InvalidOperationException($"The warehouse {warehouse.Location} has no successful segmentation run (Segmentation.ModelRun); run `segment run` first.");
        }

        var html = new HtmlWriter();
        var charts = new ChartRenderer();
        html.Heading(1, "Customer segments");
        html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Warehouse: {Path.GetFileName(warehouse.Location)}. Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Figures come from the Reports.* views of the warehouse."));
        var customers = 0;
        foreach (var configuration in configurations)
        {
            var data = RunData.Load(warehouse, configuration);
            customers += data.Values.Count;
            IReadOnlyList<SegmentRule> unstored = [];
            if (options.ExplainWhenMissing && data.Values.Count > 0 &&
                warehouse.Connection.QuerySingle<long>(warehouse.Sql(RuleCountSql), new { run = data.ModelRunKey }) == 0)
            {
                var rules = SegmentExplainer.Learn(warehouse, data);
                try
                {
                    SegmentExplainer.Store(warehouse, data.ModelRunKey, rules);
                }
                catch (UnauthorizedAccessException)
                {
                    // A SegmentReader login may read everything the report shows but not store rules: show them unstored.
                    unstored = rules;
                }
            }

            WriteConfiguration(warehouse, data, html, charts, options, unstored);
        }

        Directory.CreateDirectory(outputFolder);
        var path = Path.GetFullPath(Path.Combine(outputFolder, options.FileName));
        File.WriteAllText(path, html.Document("Customer segments"));
        stopwatch.Stop();
        return new SegmentReportResult(path, configurations, customers, html.ImageCount, new FileInfo(path).Length, stopwatch.Elapsed);
    }

    private static void WriteConfiguration(IWarehouse warehouse, RunData data, HtmlWriter html, ChartRenderer charts, SegmentReportOptions options,
        IReadOnlyList<SegmentRule> unstored)
    {
        var db = warehouse.Connection;
        var p = new { configurationName = data.ConfigurationName };
        var id = Slug(data.ConfigurationName);
        var run = db.QuerySingle(warehouse.Sql("SELECT * FROM Reports.ModelQuality WHERE ConfigurationName = @configurationName AND IsLatest = 1"), p);
        html.Heading(2, $"Configuration \"{data.ConfigurationName}\"");
        html.Table($"{id}-run", ["Run", "Algorithm", "Segments", "Customers", "As of", "Silhouette", "Davies-Bouldin", "Calinski-Harabasz", "Features"],
        [[
            Text(run.ModelRunKey), Text(run.Algorithm), Text(run.NumberOfSegments), Number(run.NumberOfCustomers, "N0"), Text(run.AsOfDateKey),
            Number(run.Silhouette, "0.000"), Number(run.DaviesBouldin, "0.000"), Number(run.CalinskiHarabasz, "0.0"), string.Join(", ", data.Features),
        ]]);
        if (data.Values.Count == 0)
        {
            html.Paragraph("The latest run has no current members; nothing to chart.");
            return;
        }

        var segmentIndex = data.Segments.Select((s, i) => (s.SegmentKey, i)).ToDictionary(x => x.SegmentKey, x => x.i);
        var segmentNames = data.Segments.Select(s => s.SegmentName).ToList();
        var labels = data.SegmentKeys.Select(k => segmentIndex[k]).ToArray();

        WriteProfile(warehouse, data, html, id, unstored);
        html.Heading(3, "Segment sizes");
        html.Image($"{id}-sizes", "Customers per segment", charts.SegmentSizes(data.Segments.Select(s => (s.SegmentName, s.CustomerCount)).ToList()));
        var history = db.Query<(string SegmentName, int ModelRunKey, int CustomerCount)>(warehouse.Sql(
            "SELECT SegmentName, ModelRunKey, CustomerCount FROM Reports.SegmentSizeHistory WHERE ConfigurationName = @configurationName ORDER BY ModelRunKey, SegmentKey"), p).ToList();
        if (history.Select(h => h.ModelRunKey).Distinct().Count() > 1)
        {
            html.Image($"{id}-size-history", "Segment size over model runs", charts.SizeHistory(history.Select(h => (h.SegmentName, h.ModelRunKey, h.CustomerCount)).ToList()));
        }

        // Standardised space: every feature of the run, z-scored over the members, a missing value at the mean.
        var standardized = Standardize(data.Values);
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, standardized.Length).OrderBy(_ => random.Next()).ToArray();

        html.Heading(3, "Where the segments lie");
        var scatter = order.Take(options.ScatterSample).ToArray();
        var pca = PrincipalComponents.Fit(standardized);
        var points = scatter.OrderBy(i => labels[i]).Select(i =>
        {
            var xy = pca.Project(standardized[i]);
            return (segmentNames[labels[i]], xy[0], xy[1]);
        }).ToList();
        html.Image($"{id}-pca", FormattableString.Invariant($"PCA projection of {scatter.Length:N0} customers, coloured by segment"), charts.PcaScatter(points, pca.ExplainedVarianceRatio));

        var heat = db.Query<(int SegmentKey, string FeatureName, double StandardizedMean)>(warehouse.Sql(
            "SELECT SegmentKey, FeatureName, StandardizedMean FROM Reports.SegmentComparison WHERE ConfigurationName = @configurationName"), p).ToList();
        var matrix = new double[data.Segments.Count, data.Features.Count];
        foreach (var cell in heat)
        {
            var column = IndexOf(data.Features, cell.FeatureName);
            if (column >= 0 && segmentIndex.TryGetValue(cell.SegmentKey, out var row))
            {
                matrix[row, column] = cell.StandardizedMean;
            }
        }

        html.Image($"{id}-heatmap", "Heat map of standardised segment centroids (Reports.SegmentComparison.StandardizedMean)", charts.CentroidHeatmap(segmentNames, data.Features, matrix));

        var dendrogramSample = order.Take(Math.Min(options.DendrogramSample, standardized.Length)).ToArray();
        if (dendrogramSample.Length >= 2)
        {
            var ward = HierarchicalTrainer.BuildLinkage(FeatureMatrix.FromRows(dendrogramSample.Select(i => standardized[i]).ToArray()), Linkage.Ward);
            html.Image($"{id}-dendrogram", "Dendrogram (Ward linkage) of a customer sample; leaf squares show each customer's segment",
                charts.Dendrogram(ward, dendrogramSample.Select(i => labels[i]).ToList(), segmentNames, Math.Min(data.Segments.Count, dendrogramSample.Length)));
        }

        html.Heading(3, "How well separated");
        var silhouetteSample = order.Take(options.SilhouetteSample).ToArray();
        if (silhouetteSample.Select(i => labels[i]).Distinct().Count() is >= 2 and var k && k < silhouetteSample.Length)
        {
            var matrixSample = FeatureMatrix.FromRows(silhouetteSample.Select(i => standardized[i]).ToArray());
            var values = ClusteringMetrics.SilhouetteSamples(matrixSample, silhouetteSample.Select(i => labels[i]).ToArray());
            var bySegment = Enumerable.Range(0, data.Segments.Count).Select(s => silhouetteSample.Select((row, j) => (row, j)).Where(x => labels[x.row] == s).Select(x => values[x.j]).ToArray()).ToList();
            html.Image($"{id}-silhouette", FormattableString.Invariant($"Silhouette plot of {silhouetteSample.Length:N0} customers"), charts.Silhouette(segmentNames, bySegment, values.Average()));
        }
        else
        {
            html.Paragraph("A silhouette needs at least two segments.");
        }

        var (curveTitle, curveLabel, curve) = ScoreCurve((string?)run.Metrics, standardized, order, options);
        if (curve.Count >= 2)
        {
            html.Image($"{id}-elbow", curveTitle, charts.ScoreCurve(curveTitle, curveLabel, curve, data.Segments.Count));
        }

        html.Heading(3, "Feature distributions per segment");
        html.Raw("<div class=\"grid\">\n");
        var small = new ChartRenderer(560, 340);
        for (var j = 0; j < data.Features.Count; j++)
        {
            var bySegment = Enumerable.Range(0, data.Segments.Count)
                .Select(s => data.Values.Where((_, i) => labels[i] == s).Select(r => r[j]).ToArray()).ToList();
            html.Image($"{id}-distribution-{Slug(data.Features[j])}", $"{data.Features[j]}: quartiles, median and 5th–95th percentiles per segment",
                small.FeatureDistribution(data.Features[j], segmentNames, bySegment));
        }

        html.Raw("</div>\n");
        WriteTops(warehouse, html, id, p);
        WriteQuality(warehouse, html, id, p);
    }

    private static void WriteProfile(IWarehouse warehouse, RunData data, HtmlWriter html, string id, IReadOnlyList<SegmentRule> unstored)
    {
        var rows = warehouse.Connection.Query(warehouse.Sql("SELECT * FROM Reports.SegmentProfile WHERE ConfigurationName = @configurationName ORDER BY SegmentKey"),
            new { configurationName = data.ConfigurationName }).ToList();
        html.Heading(3, "Profiles");
        html.Paragraph("Mean (median) per segment; the index compares the segment mean with all customers of the run (100 = like everybody).");
        string Figure(dynamic row, string feature, string format) =>
            $"{Number(Get(row, "Mean" + feature), format)} ({Number(Get(row, "Median" + feature), format)}) · {Number(Get(row, feature + "Index"), "0")}";
        html.Table($"{id}-profile",
            ["#", "Segment", "Generated name", "Customers", "Share", "Recency days", "Frequency", "Avg order value", "Monetary value", "Lifetime value", "Web engagement", "Social sentiment"],
            rows.Select((r, i) => (IReadOnlyList<string>)
            [
                (i + 1).ToString(CultureInfo.InvariantCulture), Text(r.SegmentName), Text(r.GeneratedName), Number(r.CustomerCount, "N0"), Number(r.Share, "P1"),
                Figure(r, "RecencyDays", "0.0"), Figure(r, "Frequency", "0.0"), Figure(r, "AverageOrderValue", "N2"), Figure(r, "MonetaryValue", "N0"),
                Figure(r, "CustomerLifetimeValue", "N0"), Figure(r, "WebEngagement", "0.00"), Figure(r, "SocialSentiment", "0.00"),
            ]));
        html.Heading(3, "Segments explained as SQL");
        html.Paragraph($"A depth-{SegmentExplainer.DefaultDepth} surrogate decision tree per segment, read as a WHERE clause on Reports.CustomerFeature (AsOfDateKey = {data.AsOfDateKey}); precision and coverage were measured by running it in the warehouse.");
        if (unstored.Count > 0)
        {
            html.Paragraph("These rules were learned for this report but not stored: storing them (Segmentation.ReplaceSegmentRules) needs the role SegmentationOperator.");
            var learned = unstored.ToDictionary(r => r.SegmentKey);
            html.Table($"{id}-rules", ["Segment", "Predicate", "Precision", "Coverage"],
                rows.Select(r => learned.TryGetValue((int)r.SegmentKey, out var rule)
                    ? (IReadOnlyList<string>)[Text(r.SegmentName), Text(rule.Predicate), Number(rule.MeasuredPrecision, "P1"), Number(rule.MeasuredCoverage, "P1")]
                    : [Text(r.SegmentName), string.Empty, string.Empty, string.Empty]));
            return;
        }

        html.Table($"{id}-rules", ["Segment", "Predicate", "Precision", "Coverage"],
            rows.Select(r => (IReadOnlyList<string>)[Text(r.SegmentName), Text(r.RulePredicate), Number(r.RulePrecision, "P1"), Number(r.RuleCoverage, "P1")]));
    }

    private static void WriteTops(IWarehouse warehouse, HtmlWriter html, string id, object p)
    {
        var db = warehouse.Connection;
        var products = db.Query(warehouse.Sql("SELECT SegmentKey, SegmentName, StockCode, ProductDescription, RevenueShare, ShareIndex FROM Reports.SegmentTopProduct WHERE ConfigurationName = @configurationName AND RevenueRank <= 3 ORDER BY SegmentKey, RevenueRank"), p).ToList();
        var countries = db.Query(warehouse.Sql("SELECT SegmentKey, Country, CustomerShare, ShareIndex FROM Reports.SegmentTopCountry WHERE ConfigurationName = @configurationName AND CustomerRank <= 3 ORDER BY SegmentKey, CustomerRank"), p).ToList();
        var channels = db.Query(warehouse.Sql("SELECT SegmentKey, ChannelName, RevenueShare, ShareIndex FROM Reports.SegmentTopChannel WHERE ConfigurationName = @configurationName AND RevenueRank <= 2 ORDER BY SegmentKey, RevenueRank"), p).ToList();
        var keywords = db.Query(warehouse.Sql("SELECT SegmentKey, Keyword, Share, Lift FROM Reports.SegmentKeyword WHERE ConfigurationName = @configurationName AND KeywordRank <= 3 ORDER BY SegmentKey, KeywordRank"), p).ToList();
        html.Heading(3, "Top products, countries, channels and comment keywords");
        html.Paragraph("Share within the segment (keywords: of its members with social comments) · index against all customers (above 100: the segment favours it; keywords: 100 × lift).");
        var segments = products.Select(r => ((int)r.SegmentKey, (string)r.SegmentName)).Distinct().ToList();
        html.Table($"{id}-tops", ["Segment", "Products (revenue)", "Countries (customers)", "Channels (revenue)", "Comment keywords (customers)"],
            segments.Select(s => (IReadOnlyList<string>)
            [
                s.Item2,
                string.Join("; ", products.Where(r => (int)r.SegmentKey == s.Item1).Select(r => $"{(string?)r.ProductDescription ?? (string)r.StockCode} {Number(r.RevenueShare, "P0")} · {Number(r.ShareIndex, "0")}")),
                string.Join("; ", countries.Where(r => (int)r.SegmentKey == s.Item1).Select(r => $"{(string)r.Country} {Number(r.CustomerShare, "P0")} · {Number(r.ShareIndex, "0")}")),
                string.Join("; ", channels.Where(r => (int)r.SegmentKey == s.Item1).Select(r => $"{(string?)r.ChannelName ?? "?"} {Number(r.RevenueShare, "P0")} · {Number(r.ShareIndex, "0")}")),
                string.Join("; ", keywords.Where(r => (int)r.SegmentKey == s.Item1).Select(r => $"{(string)r.Keyword} {Number(r.Share, "P0")} · {Number(100 * (double)r.Lift, "0")}")),
            ]));
    }

    private static void WriteQuality(IWarehouse warehouse, HtmlWriter html, string id, object p)
    {
        var runs = warehouse.Connection.Query(warehouse.Sql("SELECT * FROM Reports.ModelQuality WHERE ConfigurationName = @configurationName ORDER BY ModelRunKey"), p).ToList();
        html.Heading(3, "Model quality per run");
        html.Table($"{id}-quality", ["Run", "Started", "Algorithm", "k", "Customers", "Inertia", "Silhouette", "Davies-Bouldin", "Calinski-Harabasz", "Host"],
            runs.Select(r => (IReadOnlyList<string>)
            [
                Text(r.ModelRunKey), Text(r.StartedAt is DateTime started ? started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : r.StartedAt),
                Text(r.Algorithm), Text(r.NumberOfSegments), Number(r.NumberOfCustomers, "N0"), Number(r.Inertia, "N1"),
                Number(r.Silhouette, "0.000"), Number(r.DaviesBouldin, "0.000"), Number(r.CalinskiHarabasz, "0.0"), Text(r.Host),
            ]));
    }

    /// <summary>
    /// The curve used to choose k: from the run's metrics JSON when it holds one (an array of objects with "k" and a
    /// score such as "bic", "inertia" or "silhouette"), otherwise the within-cluster sum of squares of Ward cuts of a sample.
    /// </summary>
    internal static (string Title, string YLabel, List<(int K, double Value)> Curve) ScoreCurve(string? metrics, double[][] standardized, int[] order, SegmentReportOptions options)
    {
        if (!string.IsNullOrWhiteSpace(metrics))
        {
            try
            {
                using var document = JsonDocument.Parse(metrics);
                if (FindCurve(document.RootElement) is { } found)
                {
                    return ($"{found.Score} by number of segments (from the run's metrics)", found.Score, found.Curve);
                }
            }
            catch (JsonException)
            {
                // Not JSON: fall back to the sample curve.
            }
        }

        var sample = order.Take(Math.Min(options.ElbowSample, standardized.Length)).Select(i => standardized[i]).ToList();
        if (sample.Count < 3)
        {
            return ("", "", []);
        }

        var wss = WardCuts.WithinClusterSumOfSquares(HierarchicalTrainer.BuildLinkage(FeatureMatrix.FromRows(sample.ToArray()), Linkage.Ward), 10);
        return (FormattableString.Invariant($"Elbow curve: within-cluster sum of squares of Ward cuts ({sample.Count} sampled customers)"),
            "within-cluster sum of squares", wss.Select((v, i) => (i + 1, v)).ToList());
    }

    private static (string Score, List<(int K, double Value)> Curve)? FindCurve(JsonElement element)
    {
        string[] preferred = ["bic", "inertia", "score", "silhouette", "wcss", "sse"];
        if (element.ValueKind == JsonValueKind.Array)
        {
            var items = element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToList();
            var withK = items.Where(e => e.EnumerateObject().Any(p => p.Name.Equals("k", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Number)).ToList();
            if (withK.Count >= 2 && withK.Count == items.Count)
            {
                var names = withK[0].EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number && !p.Name.Equals("k", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name).ToList();
                var score = preferred.Select(s => names.FirstOrDefault(n => n.Equals(s, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(n => n is not null) ?? names.FirstOrDefault();
                if (score is not null)
                {
                    var curve = withK.Where(e => e.TryGetProperty(score, out var v) && v.ValueKind == JsonValueKind.Number)
                        .Select(e => (K: e.EnumerateObject().First(p => p.Name.Equals("k", StringComparison.OrdinalIgnoreCase)).Value.GetInt32(), Value: e.GetProperty(score).GetDouble()))
                        .OrderBy(c => c.K).ToList();
                    return (score, curve);
                }
            }

            foreach (var item in element.EnumerateArray())
            {
                if (FindCurve(item) is { } inner)
                {
                    return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (FindCurve(property.Value) is { } inner)
                {
                    return inner;
                }
            }
        }

        return null;
    }

    /// <summary>z-scores per column over the rows (population deviation); NaN becomes 0, a constant column 0.</summary>
    internal static double[][] Standardize(IReadOnlyList<double[]> rows)
    {
        var d = rows.Count == 0 ? 0 : rows[0].Length;
        var result = rows.Select(r => (double[])r.Clone()).ToArray();
        for (var j = 0; j < d; j++)
        {
            var present = rows.Select(r => r[j]).Where(double.IsFinite).ToArray();
            var mean = present.Length == 0 ? 0 : present.Average();
            var sd = present.Length == 0 ? 0 : Math.Sqrt(present.Select(v => (v - mean) * (v - mean)).Average());
            foreach (var row in result)
            {
                row[j] = !double.IsFinite(row[j]) || sd == 0 ? 0 : (row[j] - mean) / sd;
            }
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static object? Get(dynamic row, string column) => ((IDictionary<string, object?>)row).TryGetValue(column, out var value) ? value : null;

    private static string Text(object? value) => value is null ? "" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static string Number(object? value, string format) => value switch
    {
        null => "–",
        double d when !double.IsFinite(d) => "–",
        IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
        _ => Text(value),
    };

    private static string Slug(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
