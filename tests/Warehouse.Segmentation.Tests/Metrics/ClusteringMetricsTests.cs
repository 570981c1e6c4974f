using Warehouse.Segmentation.Metrics;

namespace Warehouse.Segmentation.Tests.Metrics;

public class ClusteringMetricsTests
{
    [Fact]
    public void Adjusted_rand_index_hand_calculated()
    {
        // a = {0,1}{2,3}, b = {0,1}{2}{3}. Σ C(nij,2) = 1; Σ C(ai,2) = 2; Σ C(bj,2) = 1; C(4,2) = 6.
        // Expected = 2·1/6 = 1/3; max = (2 + 1)/2 = 3/2; ARI = (1 − 1/3)/(3/2 − 1/3) = (2/3)/(7/6) = 4/7.
        double ari = ClusteringMetrics.AdjustedRandIndex(new[] { 0, 0, 1, 1 }, new[] { 5, 5, 7, 9 });
        Assert.Equal(4.0 / 7.0, ari, 12);
    }

    [Fact]
    public void Adjusted_rand_index_ignores_label_names_and_is_one_for_equal_partitions()
    {
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(new[] { 0, 0, 1, 2, 2 }, new[] { 3, 3, -1, 8, 8 }));
        Assert.True(ClusteringMetrics.AdjustedRandIndex(new[] { 0, 0, 1, 1 }, new[] { 0, 1, 0, 1 }) < 0);
    }

    [Fact]
    public void Pairs_match_scikit_learn()
    {
        foreach (var p in Fixture.Load("metrics.json").GetProperty("pairs").EnumerateArray())
        {
            var a = Fixture.Ints(p.GetProperty("a"));
            var b = Fixture.Ints(p.GetProperty("b"));
            Fixture.Close(p.GetProperty("ari").GetDouble(), ClusteringMetrics.AdjustedRandIndex(a, b), 1e-9, "ARI");
            Fixture.Close(p.GetProperty("nmi").GetDouble(), ClusteringMetrics.NormalizedMutualInformation(a, b), 1e-9, "NMI");
        }
    }

    [Fact]
    public void Internal_measures_match_scikit_learn()
    {
        foreach (var c in Fixture.Load("metrics.json").GetProperty("internal").EnumerateArray())
        {
            var data = Fixture.Matrix(c.GetProperty("data"));
            var labels = Fixture.Ints(c.GetProperty("labels"));
            string name = c.GetProperty("name").GetString()!;
            Fixture.Close(c.GetProperty("silhouette").GetDouble(), ClusteringMetrics.Silhouette(data, labels), 1e-9, name + " silhouette");
            var samples = Fixture.Doubles(c.GetProperty("silhouette_samples"));
            var ours = ClusteringMetrics.SilhouetteSamples(data, labels);
            for (int i = 0; i < samples.Length; i++) Fixture.Close(samples[i], ours[i], 1e-9, $"{name} silhouette of row {i}");
            Fixture.Close(c.GetProperty("davies_bouldin").GetDouble(), ClusteringMetrics.DaviesBouldin(data, labels), 1e-9, name + " Davies-Bouldin");
            Fixture.Close(c.GetProperty("calinski_harabasz").GetDouble(), ClusteringMetrics.CalinskiHarabasz(data, labels), 1e-9, name + " Calinski-Harabasz");
        }
    }

    [Fact]
    public void Silhouette_rejects_a_single_label()
    {
        var data = FeatureMatrix.FromRows(new[] { new[] { 1.0 }, new[] { 2.0 }, new[] { 3.0 } });
        var e = Assert.Throws<ArgumentException>(() => ClusteringMetrics.Silhouette(data, new[] { 0, 0, 0 }));
        Assert.Contains("1 labels", e.Message);
    }

    [Fact]
    public void Inertia_hand_calculated()
    {
        // Cluster {0, 2} mean 1 → 1 + 1; cluster {10} → 0.
        var data = FeatureMatrix.FromRows(new[] { new[] { 0.0 }, new[] { 2.0 }, new[] { 10.0 } });
        Assert.Equal(2.0, ClusteringMetrics.Inertia(data, new[] { 1, 1, 4 }));
    }
}
