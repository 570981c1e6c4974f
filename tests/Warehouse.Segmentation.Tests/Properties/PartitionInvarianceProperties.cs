using FsCheck.Xunit;
using Warehouse.Segmentation.Dbscan;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Mixture;
using Warehouse.Segmentation.Scaling;
using Warehouse.Segmentation.SelfOrganizingMap;

namespace Warehouse.Segmentation.Tests.Properties;

/// <summary>FsCheck: the partition does not depend on row order, nor on the unit of a feature once z-scored (k-means,
/// Ward, mini-batch, Gaussian mixture, DBSCAN up to border rows, SOM up to a few boundary rows).</summary>
public class PartitionInvarianceProperties
{
    private static (FeatureMatrix Data, int[] Truth) Case(int seed) => Planted.Separated(Math.Abs(seed % 1000), 3, 25, 3, 1.2);

    private static int[] Shuffle(int n, int seed)
    {
        var rng = new Random(seed);
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    [Property(MaxTest = 25)]
    public bool Permuting_rows_does_not_change_the_kmeans_or_ward_partition(int dataSeed, int permutationSeed)
    {
        var (data, _) = Case(dataSeed);
        var perm = Shuffle(data.Rows, permutationSeed);
        var shuffled = data.SelectRows(perm);
        var km = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3, Seed = 1 });
        var a = km.Fit(data).Predict(data);
        var b = km.Fit(shuffled).Predict(shuffled);
        var ward = new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = 3 });
        var wa = ward.Fit(data).TrainingLabels;
        var wb = ward.Fit(shuffled).TrainingLabels;
        var aBack = perm.Select(i => a[i]).ToArray();
        var waBack = perm.Select(i => wa[i]).ToArray();
        return ClusteringMetrics.AdjustedRandIndex(aBack, b) == 1.0 && ClusteringMetrics.AdjustedRandIndex(waBack, wb) == 1.0;
    }

    [Property(MaxTest = 25)]
    public bool Scaling_a_feature_by_a_constant_after_zscore_does_not_change_the_partition(int dataSeed, int column, int exponent)
    {
        var (data, _) = Case(dataSeed);
        int c = Math.Abs(column % data.Columns);
        double factor = Math.Pow(10, exponent % 7) * (exponent % 2 == 0 ? 1 : -1); // 1e-6 … 1e6, either sign
        var scaled = data.Clone();
        for (int i = 0; i < scaled.Rows; i++) scaled[i, c] *= factor;
        var z1 = FeatureScaler.Fit(data, ScalingMethod.ZScore).Transform(data);
        var z2 = FeatureScaler.Fit(scaled, ScalingMethod.ZScore).Transform(scaled);
        var km = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3, Seed = 2 });
        var ward = new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = 3 });
        return ClusteringMetrics.AdjustedRandIndex(km.Fit(z1).Predict(z1), km.Fit(z2).Predict(z2)) == 1.0
            && ClusteringMetrics.AdjustedRandIndex(ward.Fit(z1).TrainingLabels, ward.Fit(z2).TrainingLabels) == 1.0;
    }

    /// <summary>Training labels of the other algorithms on planted data (DBSCAN: eps 0.5 in z-score units, 4 points).</summary>
    private static int[] Others(string algorithm, FeatureMatrix data) => algorithm switch
    {
        "minibatch" => new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options { NumberOfClusters = 3, BatchSize = 32, Seed = 3 }).Fit(data).Predict(data),
        "gmm" => new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 3, Seed = 3 }).Fit(data).Predict(data),
        "som" => new SelfOrganizingMapTrainer(new SelfOrganizingMapTrainer.Options { Width = 4, Height = 3, NumberOfSegments = 3, Epochs = 10, Seed = 3 }).Fit(data).Predict(data),
        "dbscan" => new DbscanTrainer(new DbscanTrainer.Options { Epsilon = 0.5, MinPoints = 4 }).Fit(data).TrainingLabels,
        _ => throw new ArgumentException(algorithm),
    };

    private static bool SamePartition(string algorithm, int[] a, int[] b, FeatureMatrix data)
    {
        // The SOM learns online: row order is presentation order, so a permutation gives a different map, and a unit
        // between two blobs can take a few rows to the other segment. A scan of 200 (data, permutation) pairs gave the
        // same partition every time, but FsCheck found one at ARI 0.96 (data seed 25, permutation seed 6 of Shuffle):
        // for the map the property is "nearly the same" (ARI ≥ 0.9), not "the same".
        if (algorithm == "som") return ClusteringMetrics.AdjustedRandIndex(a, b) >= 0.9;
        if (algorithm != "dbscan") return ClusteringMetrics.AdjustedRandIndex(a, b) == 1.0;
        // DBSCAN: noise and the partition of core rows do not depend on row order or units; a border row reachable
        // from two clusters goes to the one found first, which may (legitimately) differ, so it is not compared.
        var core = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = 0.5, MinPoints = 4 }).Fit(data).CoreSampleIndices;
        return Enumerable.Range(0, a.Length).All(i => (a[i] == -1) == (b[i] == -1))
            && ClusteringMetrics.AdjustedRandIndex(core.Select(i => a[i]).ToArray(), core.Select(i => b[i]).ToArray()) == 1.0;
    }

    [Property(MaxTest = 15)]
    public bool Permuting_rows_does_not_change_the_minibatch_mixture_map_or_dbscan_partition(int dataSeed, int permutationSeed)
    {
        var (raw, _) = Case(dataSeed);
        var data = FeatureScaler.Fit(raw, ScalingMethod.ZScore).Transform(raw);
        var perm = Shuffle(data.Rows, permutationSeed);
        var shuffled = data.SelectRows(perm);
        foreach (var algorithm in new[] { "minibatch", "gmm", "som", "dbscan" })
        {
            var a = Others(algorithm, data);
            var b = Others(algorithm, shuffled);
            if (!SamePartition(algorithm, perm.Select(i => a[i]).ToArray(), b, shuffled)) return false;
        }
        return true;
    }

    [Property(MaxTest = 15)]
    public bool Scaling_a_feature_after_zscore_does_not_change_the_minibatch_mixture_map_or_dbscan_partition(int dataSeed, int column, int exponent)
    {
        var (data, _) = Case(dataSeed);
        int c = Math.Abs(column % data.Columns);
        double factor = Math.Pow(10, exponent % 7) * (exponent % 2 == 0 ? 1 : -1);
        var scaled = data.Clone();
        for (int i = 0; i < scaled.Rows; i++) scaled[i, c] *= factor;
        var z1 = FeatureScaler.Fit(data, ScalingMethod.ZScore).Transform(data);
        var z2 = FeatureScaler.Fit(scaled, ScalingMethod.ZScore).Transform(scaled);
        foreach (var algorithm in new[] { "minibatch", "gmm", "som", "dbscan" })
            if (!SamePartition(algorithm, Others(algorithm, z1), Others(algorithm, z2), z1)) return false;
        return true;
    }
}
