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
}
