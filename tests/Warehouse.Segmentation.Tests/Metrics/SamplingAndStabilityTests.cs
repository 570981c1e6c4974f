using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Segmentation.Tests.Metrics;

public class SamplingAndStabilityTests
{
    [Fact]
    public void Stratified_sample_keeps_small_segments_and_approximates_the_exact_silhouette()
    {
        // 2,000 rows in one big segment, 3 × 15 rows in small ones: a 200-row uniform sample would hold ≈ 1.5 rows of
        // each small segment; the stratified sample keeps at least 10 of each.
        var (data, labels) = Planted.Separated(5, 4, 15, 3);
        var big = Planted.Separated(6, 1, 2000, 3);
        var all = new FeatureMatrix(data.Rows + big.Data.Rows, 3);
        Array.Copy(big.Data.Values, all.Values, big.Data.Values.Length);
        Array.Copy(data.Values, 0, all.Values, big.Data.Values.Length, data.Values.Length);
        var allLabels = big.Labels.Select(_ => 0).Concat(labels.Select(l => l + 1)).ToArray();
        var sample = ClusteringMetrics.StratifiedSample(allLabels, 200, 1, 10);
        for (int c = 1; c <= 4; c++) Assert.True(sample.Count(i => allLabels[i] == c) >= 10);
        double exact = ClusteringMetrics.Silhouette(all, allLabels);
        double sampled = ClusteringMetrics.SilhouetteSampled(all, allLabels, 400, 1, 10);
        Assert.True(Math.Abs(exact - sampled) < 0.05, $"exact {exact}, sampled {sampled}");
    }

    [Fact]
    public void Bootstrap_stability_is_high_for_planted_clusters_and_lower_for_noise()
    {
        var (data, _) = Planted.Separated(2, 3, 50, 2);
        ISegmentationModel Fit(FeatureMatrix m) => new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3, NumberOfInitializations = 2 }).Fit(m);
        var stable = ClusteringMetrics.BootstrapStability(data, Fit, 8, 1);
        Assert.True(stable.Mean > 0.98, $"mean ARI {stable.Mean}");
        Assert.Equal(8, stable.Scores.Length);
        var rng = new Random(4);
        var noise = new FeatureMatrix(Enumerable.Range(0, 300).Select(_ => rng.NextDouble()).ToArray(), 2);
        var unstable = ClusteringMetrics.BootstrapStability(noise, m => new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 6, NumberOfInitializations = 1 }).Fit(m), 8, 1);
        Assert.True(unstable.Mean < stable.Mean - 0.1, $"noise {unstable.Mean}, planted {stable.Mean}");
    }
}
