namespace Warehouse.Reports.Tests.Html;

public sealed class ScoreCurveTests
{
    private static readonly double[][] Points = TestFiles.Matrix(TestFiles.Json("analysis_reference.json").GetProperty("points"));

    [Fact]
    public void The_k_curve_that_segment_run_stores_in_the_metrics_is_used_with_inertia_preferred_to_silhouette()
    {
        // The shape Warehouse.Etl's SegmentationRunner writes: {"kCurve":[{"K":2,"silhouette":…,"inertia":…},…]}; null scores are skipped.
        const string metrics = """{"silhouette":0.6,"kCurve":[{"K":3,"silhouette":0.61,"inertia":400.5},{"K":2,"silhouette":0.5,"inertia":900},{"K":4,"silhouette":null,"inertia":350}]}""";
        var (title, label, curve) = SegmentReport.ScoreCurve(metrics, Points, [.. Enumerable.Range(0, Points.Length)], new SegmentReportOptions());
        Assert.Equal("inertia", label);
        Assert.Contains("from the run's metrics", title);
        Assert.Equal([(2, 900.0), (3, 400.5), (4, 350.0)], curve);
    }

    [Fact]
    public void Without_a_curve_in_the_metrics_the_elbow_comes_from_ward_cuts_of_the_sample()
    {
        var (title, _, curve) = SegmentReport.ScoreCurve("""{"silhouette":0.6}""", Points, [.. Enumerable.Range(0, Points.Length)], new SegmentReportOptions());
        Assert.Contains("Ward", title);
        Assert.Equal(Enumerable.Range(1, 10), curve.Select(c => c.K));
        // k = 1 is the total sum of squares of the sample around its mean.
        double total = 0;
        for (var j = 0; j < 4; j++)
        {
            var mean = Points.Average(p => p[j]);
            total += Points.Sum(p => (p[j] - mean) * (p[j] - mean));
        }

        Assert.Equal(total, curve[0].Value, 8);
        Assert.Equal(curve.Select(c => c.Value).OrderByDescending(v => v), curve.Select(c => c.Value));
    }

    [Fact]
    public void Standardize_gives_zero_mean_unit_variance_and_puts_missing_values_at_the_mean()
    {
        var rows = new[] { new[] { 1.0, 5 }, [3.0, 5], [double.NaN, 5], [5.0, 5] };
        var z = SegmentReport.Standardize(rows);
        // Column 0 over 1, 3, 5: mean 3, population sd sqrt(8/3).
        Assert.Equal(-2 / Math.Sqrt(8.0 / 3), z[0][0], 12);
        Assert.Equal(0, z[2][0]);
        Assert.All(z, r => Assert.Equal(0, r[1])); // constant column
    }
}
