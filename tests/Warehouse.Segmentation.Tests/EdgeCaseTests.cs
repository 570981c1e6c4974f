using Warehouse.Segmentation.Dbscan;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Mixture;
using Warehouse.Segmentation.SelfOrganizingMap;

namespace Warehouse.Segmentation.Tests;

/// <summary>
/// Issue 4's edge cases for every trainer (k &gt; n, duplicate rows, a constant column, NaN, one row), in one place so
/// that a trainer missing one shows up here. Each trainer's own tests cover its specific rules.
/// </summary>
public class EdgeCaseTests
{
    public static IEnumerable<object[]> Algorithms() =>
        new[] { "kmeans", "minibatch", "gmm_full", "gmm_diag", "dbscan", "ward", "average", "som" }.Select(a => new object[] { a });

    /// <summary>Training labels of one algorithm asked for k segments (DBSCAN: eps 1.5, 4 points; k unused).</summary>
    private static int[] Labels(string algorithm, FeatureMatrix data, int k) => algorithm switch
    {
        "kmeans" => new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = k, Seed = 1 }).Fit(data).Predict(data),
        "minibatch" => new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options { NumberOfClusters = k, BatchSize = 64, Seed = 1 }).Fit(data).Predict(data),
        "gmm_full" => new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = k, Seed = 1 }).Fit(data).Predict(data),
        "gmm_diag" => new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = k, Seed = 1, CovarianceType = CovarianceType.Diagonal }).Fit(data).Predict(data),
        "dbscan" => new DbscanTrainer(new DbscanTrainer.Options { Epsilon = 1.5, MinPoints = Math.Min(4, data.Rows) }).Fit(data).TrainingLabels,
        "ward" => new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = k }).Fit(data).TrainingLabels,
        "average" => new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = k, Linkage = Linkage.Average }).Fit(data).TrainingLabels,
        "som" => new SelfOrganizingMapTrainer(new SelfOrganizingMapTrainer.Options { Width = 3, Height = 3, NumberOfSegments = Math.Min(k, 9), Epochs = 10, Seed = 1 }).Fit(data).Predict(data),
        _ => throw new ArgumentException(algorithm),
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void NaN_is_an_error_naming_row_and_column(string algorithm)
    {
        var (data, _) = Planted.Separated(2, 3, 10, 3);
        data[7, 2] = double.NaN;
        var e = Assert.ThrowsAny<ArgumentException>(() => Labels(algorithm, data, 3));
        Assert.Contains("row 7", e.Message);
        Assert.Contains("column 2", e.Message);
        data[7, 2] = double.PositiveInfinity;
        Assert.Contains("row 7", Assert.ThrowsAny<ArgumentException>(() => Labels(algorithm, data, 3)).Message);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_constant_column_does_not_change_the_partition(string algorithm)
    {
        // The same planted rows with a constant fourth column: distances are unchanged, so is the partition.
        var (data, truth) = Planted.Separated(3, 3, 30, 3, 0.5);
        var wide = new FeatureMatrix(data.Rows, 4);
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < 3; j++) wide[i, j] = data[i, j];
            wide[i, 3] = 42.0;
        }
        var a = Labels(algorithm, data, 3);
        var b = Labels(algorithm, wide, 3);
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(a, b));
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, b) >= 0.95, $"ARI against the planted partition {ClusteringMetrics.AdjustedRandIndex(truth, b)}");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Duplicate_rows_keep_identical_rows_together(string algorithm)
    {
        // Two distinct rows, each repeated 6 times, asked for 2 segments: identical rows must share a label and the
        // two groups must be told apart (DBSCAN: two clusters, no noise).
        var rows = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? new[] { 0.0, 0.0 } : new[] { 5.0, 5.0 }).ToArray();
        var labels = Labels(algorithm, FeatureMatrix.FromRows(rows), 2);
        Assert.NotEqual(labels[0], labels[1]);
        for (int i = 2; i < 12; i++) Assert.Equal(labels[i % 2], labels[i]);
        Assert.DoesNotContain(-1, labels);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void One_row_is_one_segment(string algorithm)
    {
        var one = FeatureMatrix.FromRows(new[] { new[] { 1.0, -2.0, 3.0 } });
        var labels = Labels(algorithm, one, 1);
        Assert.Equal(new[] { 0 }, labels);
    }

    [Theory]
    [InlineData("kmeans")]
    [InlineData("minibatch")]
    [InlineData("gmm_full")]
    [InlineData("gmm_diag")]
    [InlineData("ward")]
    [InlineData("average")]
    [InlineData("som")]
    public void More_segments_than_rows_is_a_clear_error(string algorithm)
    {
        var few = FeatureMatrix.FromRows(new[] { new[] { 1.0 }, new[] { 2.0 }, new[] { 3.0 } });
        var e = Assert.ThrowsAny<ArgumentException>(() => Labels(algorithm, few, 4));
        Assert.Contains("4", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void Trainers_copy_their_options()
    {
        // Regression: the Gaussian-mixture and SOM trainers kept the caller's options object, so changing it after
        // construction changed the trainer and bypassed its checks (k = 0 reached Fit).
        var (data, _) = Planted.Separated(5, 3, 20, 2);
        var go = new GaussianMixtureTrainer.Options { NumberOfComponents = 3, Seed = 4 };
        var gmm = new GaussianMixtureTrainer(go);
        go.NumberOfComponents = 0;
        Assert.Equal(3, gmm.Fit(data).NumberOfSegments);
        var so = new SelfOrganizingMapTrainer.Options { Width = 3, Height = 2, NumberOfSegments = 3, Epochs = 3, Seed = 4 };
        var som = new SelfOrganizingMapTrainer(so);
        so.NumberOfSegments = 99;
        so.Width = 1;
        var map = som.Fit(data);
        Assert.Equal(3, map.NumberOfSegments);
        Assert.Equal(6, map.UnitWeights.Rows);
    }
}
