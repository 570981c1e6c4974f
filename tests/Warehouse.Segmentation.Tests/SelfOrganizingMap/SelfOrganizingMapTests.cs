using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.SelfOrganizingMap;

namespace Warehouse.Segmentation.Tests.SelfOrganizingMap;

public class SelfOrganizingMapTests
{
    [Theory]
    [InlineData(MapTopology.Rectangular)]
    [InlineData(MapTopology.Hexagonal)]
    public void Recovers_planted_clusters_and_learns_a_better_than_initial_map(MapTopology topology)
    {
        var (data, truth) = Planted.Separated(11, 4, 60, 3);
        var model = new SelfOrganizingMapTrainer(new SelfOrganizingMapTrainer.Options { Width = 6, Height = 5, Topology = topology, NumberOfSegments = 4, Epochs = 15, Seed = 2 }).Fit(data);
        Assert.Equal(4, model.NumberOfSegments);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, model.Predict(data)) >= 0.95);
        double qe = model.QuantizationError(data);
        Assert.True(qe < 2.0, $"quantisation error {qe}"); // blobs have σ = 1 in 3-D: mean distance to own centre ≈ 1.6
        double te = model.TopographicError(data);
        Assert.InRange(te, 0.0, 0.2);
        var back = Assert.IsType<SelfOrganizingMapModel>(SegmentationModelSerializer.Deserialize(model.Serialize()));
        Assert.Equal(model.Predict(data), back.Predict(data));
        Assert.Equal(model.UMatrix(), back.UMatrix());
    }

    [Fact]
    public void U_matrix_and_topographic_error_hand_calculated()
    {
        // 2 × 2 rectangular map, 1-D weights 0, 1 (top row), 3, 7 (bottom row): every unit neighbours the other three.
        var units = new FeatureMatrix(new[] { 0.0, 1, 3, 7 }, 1);
        var m = new SelfOrganizingMapModel(2, 2, MapTopology.Rectangular, units, new[] { 0, 0, 1, 1 });
        var u = m.UMatrix();
        Assert.Equal((1 + 3 + 7) / 3.0, u[0, 0], 12);
        Assert.Equal((1 + 2 + 6) / 3.0, u[0, 1], 12);
        Assert.Equal((3 + 2 + 4) / 3.0, u[1, 0], 12);
        Assert.Equal((7 + 6 + 4) / 3.0, u[1, 1], 12);
        Assert.Equal(0.0, m.TopographicError(FeatureMatrix.FromRows(new[] { new[] { 0.4 }, new[] { 6.0 } })));
        // 1 × 3 map 0, 5, 1: the row 0.6 has best unit 2 (weight 1) and second unit 0 (weight 0): not neighbours.
        var line = new SelfOrganizingMapModel(3, 1, MapTopology.Rectangular, new FeatureMatrix(new[] { 0.0, 5, 1 }, 1), new[] { 0, 1, 0 });
        Assert.Equal(0.5, line.TopographicError(FeatureMatrix.FromRows(new[] { new[] { 0.6 }, new[] { 4.0 } })));
        // 0.6 → unit weight 1 (distance 0.4); 5.0 → unit weight 5 (distance 0): mean 0.2.
        Assert.Equal(0.2, line.QuantizationError(FeatureMatrix.FromRows(new[] { new[] { 0.6 }, new[] { 5.0 } })), 12);
    }

    [Fact]
    public void Hexagonal_inner_unit_has_six_neighbours_rectangular_eight()
    {
        var units = new FeatureMatrix(new double[25], 1);
        var hex = new SelfOrganizingMapModel(5, 5, MapTopology.Hexagonal, units, new int[25]);
        var rect = new SelfOrganizingMapModel(5, 5, MapTopology.Rectangular, units, new int[25]);
        Assert.Equal(6, Enumerable.Range(0, 25).Count(b => hex.AreNeighbors(12, b)));
        Assert.Equal(8, Enumerable.Range(0, 25).Count(b => rect.AreNeighbors(12, b)));
        Assert.Equal(new[] { 0.5, Math.Sqrt(3) / 2 }, hex.UnitPosition(5));
    }

    [Fact]
    public void Same_seed_same_map_and_bad_options_are_errors()
    {
        var (data, _) = Planted.Separated(1, 3, 20, 2);
        var o = new SelfOrganizingMapTrainer.Options { Width = 3, Height = 3, NumberOfSegments = 3, Epochs = 3, Seed = 9 };
        Assert.Equal(new SelfOrganizingMapTrainer(o).Fit(data).UnitWeights.Values, new SelfOrganizingMapTrainer(o).Fit(data).UnitWeights.Values);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SelfOrganizingMapTrainer(new SelfOrganizingMapTrainer.Options { Width = 2, Height = 2, NumberOfSegments = 5 }));
        var one = FeatureMatrix.FromRows(new[] { new[] { 1.0, 2.0 } });
        var m = new SelfOrganizingMapTrainer(new SelfOrganizingMapTrainer.Options { Width = 2, Height = 1, NumberOfSegments = 1 }).Fit(one);
        Assert.Equal(0, m.Predict(new[] { 1.0, 2.0 }));
    }
}
