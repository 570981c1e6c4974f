using ScottPlot;
using ScottPlot.TickGenerators;
using Warehouse.Reports.Analysis;
using Warehouse.Segmentation.Hierarchical;

namespace Warehouse.Reports.Charts;

/// <summary>
/// Draws the report's charts with ScottPlot 5 (SkiaSharp, no display needed) and returns PNG bytes. Text needs a font
/// installed under /usr/share/fonts: the renderer asks for DejaVu Sans (Debian fonts-dejavu-core), because ScottPlot's
/// default family resolves to a serif or to nothing on a bare Linux machine (see ../shared/FACTS.md).
/// </summary>
public sealed class ChartRenderer
{
    /// <summary>Font family of all chart text.</summary>
    public const string FontFamily = "DejaVu Sans";

    private readonly IPalette _palette = new ScottPlot.Palettes.Category10();

    /// <summary>Creates a renderer with the given image size in pixels.</summary>
    public ChartRenderer(int width = 900, int height = 480)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        Width = width;
        Height = height;
        Fonts.Default = FontFamily;
    }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Colour of the segment at position <paramref name="index"/> in the report's segment order.</summary>
    public string SegmentColorHex(int index) => _palette.GetColor(index).ToHex();

    /// <summary>2-D PCA projection, one colour per segment.</summary>
    public byte[] PcaScatter(IReadOnlyList<(string Segment, double X, double Y)> points, double[] varianceRatio)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(varianceRatio);
        using var plot = NewPlot("Customers projected on the first two principal components");
        var index = 0;
        foreach (var group in points.GroupBy(p => p.Segment))
        {
            var markers = plot.Add.Markers(group.Select(p => p.X).ToArray(), group.Select(p => p.Y).ToArray(), MarkerShape.FilledCircle, 4, _palette.GetColor(index++));
            markers.LegendText = group.Key;
        }

        plot.XLabel(FormattableString.Invariant($"PC1 ({varianceRatio[0]:P0} of variance)"));
        plot.YLabel(FormattableString.Invariant($"PC2 ({(varianceRatio.Length > 1 ? varianceRatio[1] : 0):P0} of variance)"));
        plot.ShowLegend(Edge.Right);
        return Png(plot);
    }

    /// <summary>
    /// Dendrogram of a Ward merge tree built by Warehouse.Segmentation (<see cref="LinkageMatrix.GetDendrogram"/> gives scipy's
    /// leaf order and link coordinates), leaves marked in their segment's colour, with the cut into k clusters.
    /// </summary>
    /// <param name="tree">The merge tree of the sampled customers.</param>
    /// <param name="leafSegmentIndex">Segment index of each leaf (row of the sample).</param>
    /// <param name="segmentNames">Segment names, by segment index.</param>
    /// <param name="clusters">Number of clusters whose cut is drawn (none when outside 2..n).</param>
    public byte[] Dendrogram(LinkageMatrix tree, IReadOnlyList<int> leafSegmentIndex, IReadOnlyList<string> segmentNames, int clusters)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(leafSegmentIndex);
        ArgumentNullException.ThrowIfNull(segmentNames);
        if (leafSegmentIndex.Count != tree.LeafCount)
        {
            throw new ArgumentException($"{leafSegmentIndex.Count} leaf segments given for a tree of {tree.LeafCount} leaves.", nameof(leafSegmentIndex));
        }

        var layout = tree.GetDendrogram();
        using var plot = NewPlot(FormattableString.Invariant($"Ward dendrogram of a sample of {tree.LeafCount} customers"));
        var ink = Color.FromHex("#444444");
        foreach (var link in layout.Links)
        {
            var line = plot.Add.Scatter(new[] { link.LeftX, link.LeftX, link.RightX, link.RightX }, new[] { link.LeftHeight, link.Height, link.Height, link.RightHeight }, ink);
            line.MarkerSize = 0;
            line.LineWidth = 1;
        }

        for (var s = 0; s < segmentNames.Count; s++)
        {
            var xs = layout.LeafOrder.Select((leaf, position) => (leaf, position)).Where(p => leafSegmentIndex[p.leaf] == s).Select(p => 10.0 * p.position + 5).ToArray();
            if (xs.Length == 0)
            {
                continue;
            }

            var markers = plot.Add.Markers(xs, new double[xs.Length], MarkerShape.FilledSquare, 5, _palette.GetColor(s));
            markers.LegendText = segmentNames[s];
        }

        if (clusters >= 2 && clusters <= tree.LeafCount)
        {
            var cut = plot.Add.HorizontalLine(WardCuts.CutHeight(tree, clusters), 1, Colors.Red, LinePattern.Dashed);
            cut.LegendText = FormattableString.Invariant($"cut into {clusters} clusters");
        }

        plot.Axes.Bottom.TickGenerator = new NumericManual();
        plot.XLabel("customers (leaf order)");
        plot.YLabel("Ward merge height");
        plot.ShowLegend(Edge.Right);
        return Png(plot);
    }

    /// <summary>
    /// Heat map of standardised segment means, diverging colours around 0: one row per feature, one column per segment
    /// (numbered as in the profile table), so every label stays horizontal and readable.
    /// </summary>
    /// <param name="segments">Segment names, in column order.</param>
    /// <param name="features">Feature names, in row order.</param>
    /// <param name="standardized">[segment, feature] standardised means.</param>
    public byte[] CentroidHeatmap(IReadOnlyList<string> segments, IReadOnlyList<string> features, double[,] standardized)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(standardized);
        using var plot = NewPlot("Standardised segment means (z-score against all customers)");
        var cells = new double[features.Count, segments.Count];
        var limit = 0.5;
        for (var f = 0; f < features.Count; f++)
        {
            for (var s = 0; s < segments.Count; s++)
            {
                cells[f, s] = standardized[s, f];
                if (double.IsFinite(cells[f, s]))
                {
                    limit = Math.Max(limit, Math.Abs(cells[f, s]));
                }
            }
        }

        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Balance();
        heatmap.ManualRange = new ScottPlot.Range(-limit, limit);
        plot.Add.ColorBar(heatmap);
        for (var f = 0; f < features.Count; f++)
        {
            for (var s = 0; s < segments.Count; s++)
            {
                // Row 0 is drawn at the top: y = rows − 1 − f.
                var text = plot.Add.Text(cells[f, s].ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), s, features.Count - 1 - f);
                text.LabelFontSize = 11;
                text.LabelFontColor = Math.Abs(cells[f, s]) > 0.6 * limit ? Colors.White : Colors.Black;
                text.LabelAlignment = Alignment.MiddleCenter;
            }
        }

        var bottom = new NumericManual();
        for (var s = 0; s < segments.Count; s++)
        {
            bottom.AddMajor(s, (s + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var left = new NumericManual();
        for (var f = 0; f < features.Count; f++)
        {
            left.AddMajor(features.Count - 1 - f, features[f]);
        }

        plot.Axes.Bottom.TickGenerator = bottom;
        plot.Axes.Left.TickGenerator = left;
        plot.XLabel("segment (number as in the profile table)");
        plot.Grid.IsVisible = false;
        return Png(plot, Math.Max(Height, 60 + 45 * features.Count));
    }

    /// <summary>Silhouette plot: each sample's silhouette, sorted within its segment, segments side by side.</summary>
    public byte[] Silhouette(IReadOnlyList<string> segments, IReadOnlyList<double[]> valuesBySegment, double mean)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(valuesBySegment);
        using var plot = NewPlot(FormattableString.Invariant($"Silhouette of a sample of customers (mean {mean:0.000})"));
        var x = 0.0;
        for (var s = 0; s < segments.Count; s++)
        {
            var sorted = valuesBySegment[s].OrderByDescending(v => v).ToArray();
            if (sorted.Length == 0)
            {
                continue;
            }

            var outline = new List<Coordinates> { new(x, 0) };
            outline.AddRange(sorted.Select((v, i) => new Coordinates(x + i + 0.5, v)));
            outline.Add(new Coordinates(x + sorted.Length, 0));
            var polygon = plot.Add.Polygon(outline.ToArray());
            polygon.FillColor = _palette.GetColor(s).WithAlpha(0.8);
            polygon.LineColor = _palette.GetColor(s);
            polygon.LegendText = segments[s];
            x += sorted.Length + Math.Max(5, sorted.Length / 20.0);
        }

        var meanLine = plot.Add.HorizontalLine(mean, 1, Colors.Red, LinePattern.Dashed);
        meanLine.LegendText = "mean";
        plot.XLabel("customers, grouped by segment");
        plot.YLabel("silhouette coefficient");
        plot.ShowLegend(Edge.Right);
        return Png(plot);
    }

    /// <summary>Elbow / information-criterion curve over k, with the chosen k marked.</summary>
    public byte[] ScoreCurve(string title, string yLabel, IReadOnlyList<(int K, double Value)> curve, int chosenK)
    {
        ArgumentNullException.ThrowIfNull(curve);
        using var plot = NewPlot(title);
        var line = plot.Add.Scatter(curve.Select(c => (double)c.K).ToArray(), curve.Select(c => c.Value).ToArray(), _palette.GetColor(0));
        line.MarkerSize = 7;
        line.LineWidth = 2;
        var chosen = plot.Add.VerticalLine(chosenK, 1, Colors.Red, LinePattern.Dashed);
        chosen.LegendText = FormattableString.Invariant($"chosen k = {chosenK}");
        var ticks = new NumericManual();
        foreach (var (k, _) in curve)
        {
            ticks.AddMajor(k, k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.XLabel("number of segments k");
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
        return Png(plot);
    }

    /// <summary>Bar per segment (customers).</summary>
    public byte[] SegmentSizes(IReadOnlyList<(string Segment, int Customers)> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        using var plot = NewPlot("Customers per segment");
        var bars = sizes.Select((s, i) => new Bar
        {
            Position = i,
            Value = s.Customers,
            FillColor = _palette.GetColor(i),
            Label = s.Customers.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray();
        var plottable = plot.Add.Bars(bars);
        plottable.LabelsOnTop = true;
        var ticks = new NumericManual();
        for (var i = 0; i < sizes.Count; i++)
        {
            ticks.AddMajor(i, FormattableString.Invariant($"{i + 1}. {Shorten(sizes[i].Segment, 20)}"));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("customers");
        return Png(plot);
    }

    /// <summary>Segment sizes over model runs, one line per persistent segment.</summary>
    public byte[] SizeHistory(IReadOnlyList<(string Segment, int Run, int Customers)> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        using var plot = NewPlot("Segment size over model runs");
        var index = 0;
        foreach (var group in history.GroupBy(h => h.Segment))
        {
            var line = plot.Add.Scatter(group.Select(h => (double)h.Run).ToArray(), group.Select(h => (double)h.Customers).ToArray(), _palette.GetColor(index++));
            line.MarkerSize = 6;
            line.LegendText = group.Key;
        }

        var ticks = new NumericManual();
        foreach (var run in history.Select(h => h.Run).Distinct().Order())
        {
            ticks.AddMajor(run, run.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.XLabel("model run");
        plot.YLabel("customers");
        plot.ShowLegend(Edge.Right);
        return Png(plot);
    }

    /// <summary>Box plot of one feature per segment (box: quartiles, whiskers: 5th and 95th percentiles, line: median).</summary>
    public byte[] FeatureDistribution(string feature, IReadOnlyList<string> segments, IReadOnlyList<double[]> valuesBySegment)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(valuesBySegment);
        using var plot = NewPlot(feature);
        var ticks = new NumericManual();
        for (var s = 0; s < segments.Count; s++)
        {
            ticks.AddMajor(s, (s + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var values = valuesBySegment[s].Where(double.IsFinite).Order().ToArray();
            if (values.Length == 0)
            {
                continue;
            }

            var box = new Box
            {
                Position = s,
                BoxMin = Quantile(values, 0.25),
                BoxMax = Quantile(values, 0.75),
                BoxMiddle = Quantile(values, 0.5),
                WhiskerMin = Quantile(values, 0.05),
                WhiskerMax = Quantile(values, 0.95),
                FillColor = _palette.GetColor(s).WithAlpha(0.7),
            };
            plot.Add.Box(box);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.XLabel("segment (number as in the profile table)");
        return Png(plot);
    }

    /// <summary>Linear-interpolation quantile of sorted values (numpy's default method).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.Font.Set(FontFamily);
        return plot;
    }

    private byte[] Png(Plot plot, int? height = null) => plot.GetImageBytes(Width, height ?? Height, ImageFormat.Png);
}
