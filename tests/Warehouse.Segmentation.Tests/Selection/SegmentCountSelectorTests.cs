using Warehouse.Segmentation.Selection;
using Xunit.Abstractions;

namespace Warehouse.Segmentation.Tests.Selection;

public class SegmentCountSelectorTests
{
    private readonly ITestOutputHelper _output;

    public SegmentCountSelectorTests(ITestOutputHelper output) => _output = output;

    /// <summary>Case i: k = 3 … 6 blobs (σ = 1) in 2–4 dimensions, centres uniform in [−8, 8]^d at least 5 apart.</summary>
    internal static (FeatureMatrix Data, int K) GeneratedCase(int i)
    {
        var rng = new Random(1000 + i);
        int k = 3 + i % 4, d = 2 + i % 3, per = 50;
        var centers = new List<double[]>();
        while (centers.Count < k)
        {
            var c = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 16 - 8).ToArray();
            if (centers.All(o => Math.Sqrt(o.Zip(c, (a, b) => (a - b) * (a - b)).Sum()) >= 5)) centers.Add(c);
        }
        var m = new FeatureMatrix(k * per, d);
        for (int c = 0; c < k; c++)
            for (int p = 0; p < per; p++)
                for (int j = 0; j < d; j++) m[c * per + p, j] = centers[c][j] + Planted.Gaussian(rng);
        return (m, k);
    }

    [Theory]
    [InlineData(SelectionCriterion.Silhouette)]
    [InlineData(SelectionCriterion.Bic)]
    [InlineData(SelectionCriterion.GapStatistic)]
    public void Finds_the_planted_k_on_most_generated_cases(SelectionCriterion criterion)
    {
        const int Cases = 12;
        int hits = 0;
        for (int i = 0; i < Cases; i++)
        {
            var (data, k) = GeneratedCase(i);
            var result = SegmentCountSelector.Select(data, criterion, new SegmentCountSelector.Options { MinimumK = criterion == SelectionCriterion.Silhouette ? 2 : 1, MaximumK = 8, Seed = i, GapReferences = 8 });
            if (result.ChosenK == k) hits++;
            _output.WriteLine($"{criterion} case {i}: planted {k}, chosen {result.ChosenK}: {result.Reason}");
        }
        _output.WriteLine($"AUTO-K {criterion}: {hits}/{Cases} = {100.0 * hits / Cases:F0} %");
        Assert.True(hits >= 9, $"{criterion} found the planted k in {hits}/{Cases} cases");
    }

    [Fact]
    public void Returns_the_curve_and_a_reason()
    {
        var (data, _) = Planted.Separated(3, 3, 40, 2);
        var r = SegmentCountSelector.Select(data, SelectionCriterion.Silhouette, new SegmentCountSelector.Options { MinimumK = 2, MaximumK = 6 });
        Assert.Equal(new[] { 2, 3, 4, 5, 6 }, r.Candidates);
        Assert.Equal(5, r.Scores.Length);
        Assert.Equal(3, r.ChosenK);
        Assert.Equal(r.Scores.Max(), r.Scores[1]);
        Assert.Contains("k = 3", r.Reason);
        var gap = SegmentCountSelector.Select(data, SelectionCriterion.GapStatistic, new SegmentCountSelector.Options { MinimumK = 1, MaximumK = 5 });
        Assert.NotNull(gap.StandardErrors);
        Assert.Equal(3, gap.ChosenK);
        Assert.Contains("gap(k+1)", gap.Reason);
    }

    [Fact]
    public void Range_beyond_the_rows_is_clipped_or_rejected()
    {
        var data = FeatureMatrix.FromRows(new[] { new[] { 0.0 }, new[] { 1.0 }, new[] { 10.0 } });
        var r = SegmentCountSelector.Select(data, SelectionCriterion.Silhouette, new SegmentCountSelector.Options { MinimumK = 2, MaximumK = 10 });
        Assert.Equal(new[] { 2 }, r.Candidates);
        var one = FeatureMatrix.FromRows(new[] { new[] { 0.0 } });
        Assert.Throws<ArgumentException>(() => SegmentCountSelector.Select(one, SelectionCriterion.Silhouette));
    }
}
