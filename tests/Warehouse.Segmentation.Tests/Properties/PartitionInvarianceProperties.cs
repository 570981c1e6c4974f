using FsCheck.Xunit;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Scaling;

namespace Warehouse.Segmentation.Tests.Properties;

/// <summary>FsCheck: the partition does not depend on row order, nor on the unit of a feature once z-scored.</summary>
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
}
