using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Segmentation.Tests.KMeans;

public class MiniBatchKMeansTests
{
    [Fact]
    public void Recovers_planted_clusters_close_to_full_lloyd()
    {
        var (data, truth) = Planted.Separated(13, 5, 400, 4);
        var mb = new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options { NumberOfClusters = 5, BatchSize = 100, MaximumSteps = 60, Seed = 3 }).Fit(data);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, mb.Predict(data)) >= 0.95);
        var full = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 5 }).Fit(data);
        Assert.True(mb.Inertia <= full.Inertia * 1.05, $"mini-batch {mb.Inertia}, Lloyd {full.Inertia}");
        Fixture.Close(ClusteringMetrics.Inertia(data, mb.Predict(data), mb.Centroids), mb.Inertia, 1e-9, "inertia");
    }

    [Fact]
    public void Streaming_batches_update_centres_as_running_means()
    {
        // One centre (k = 1): after any batches the centre is the mean of every row seen (hand-checkable).
        var trainer = new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options { NumberOfClusters = 1 });
        var state = trainer.Start(FeatureMatrix.FromRows(new[] { new[] { 100.0 } }));
        state.Update(FeatureMatrix.FromRows(new[] { new[] { 1.0 }, new[] { 2.0 } }));
        state.Update(FeatureMatrix.FromRows(new[] { new[] { 6.0 } }));
        var model = state.ToModel();
        Assert.Equal(3.0, model.Centroids[0, 0], 12);
        Assert.Equal(3, state.RowsSeen);
        Assert.True(double.IsNaN(model.Inertia));
        Assert.Throws<ArgumentException>(() => state.Update(FeatureMatrix.FromRows(new[] { new[] { 1.0, 2.0 } })));
    }

    [Fact]
    public void Explicit_start_is_used_instead_of_seeding()
    {
        // Two groups around 0 and 100; the start lists the 100 group first, so centre 0 must stay there (k-means++
        // would number the centres by its own picks). Every row of a group is 0 ± 1 or 100 ± 1, so each centre, a
        // running mean of its rows, stays within 1 of its group.
        var rows = Enumerable.Range(0, 200).Select(i => new[] { (i % 2 == 0 ? 0.0 : 100.0) + (i % 7 - 3) / 3.0 }).ToArray();
        var data = FeatureMatrix.FromRows(rows);
        var start = FeatureMatrix.FromRows(new[] { new[] { 90.0 }, new[] { 10.0 } });
        var model = new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options { NumberOfClusters = 2, BatchSize = 50, MaximumSteps = 20, Seed = 1, InitialCentroids = start }).Fit(data);
        Assert.InRange(model.Centroids[0, 0], 99.0, 101.0);
        Assert.InRange(model.Centroids[1, 0], -1.0, 1.0);
        Assert.Equal(new[] { 100.0, 100.0 }, model.ClusterWeights);
        Fixture.Close(ClusteringMetrics.Inertia(data, model.Predict(data), model.Centroids), model.Inertia, 1e-12, "inertia");
        Assert.Throws<ArgumentException>(() => new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options { NumberOfClusters = 3, InitialCentroids = start }));
    }
}
