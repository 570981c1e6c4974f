using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Segmentation.Tests.Hierarchical;

public class HierarchicalTrainerTests
{
    private static System.Text.Json.JsonElement Case(string method) =>
        Fixture.Load("hierarchy.json").GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("method").GetString() == method);

    private static FeatureMatrix Data() => Fixture.Matrix(Fixture.Load("hierarchy.json").GetProperty("data"));

    [Theory]
    [InlineData("ward", Linkage.Ward)]
    [InlineData("average", Linkage.Average)]
    [InlineData("complete", Linkage.Complete)]
    [InlineData("single", Linkage.Single)]
    public void Linkage_matrix_matches_scipy(string method, Linkage linkage)
    {
        var c = Case(method);
        var tree = HierarchicalTrainer.BuildLinkage(Data(), linkage);
        var z = c.GetProperty("linkage").EnumerateArray().Select(Fixture.Doubles).ToArray();
        Assert.Equal(z.Length, tree.MergeCount);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal((int)z[i][0], tree.Left(i));
            Assert.Equal((int)z[i][1], tree.Right(i));
            Fixture.Close(z[i][2], tree.Height(i), 1e-9, $"height of merge {i}");
            Assert.Equal((int)z[i][3], tree.Size(i));
        }
    }

    [Theory]
    [InlineData("ward", Linkage.Ward)]
    [InlineData("average", Linkage.Average)]
    [InlineData("complete", Linkage.Complete)]
    public void Cuts_at_every_k_give_scipy_partitions(string method, Linkage linkage)
    {
        var c = Case(method);
        var tree = HierarchicalTrainer.BuildLinkage(Data(), linkage);
        foreach (var cut in c.GetProperty("cuts").EnumerateObject())
        {
            int k = int.Parse(cut.Name);
            var ours = tree.CutToClusters(k);
            Assert.Equal(k, ours.Max() + 1);
            Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(Fixture.Ints(cut.Value), ours));
        }
        var byHeight = tree.CutAtHeight(c.GetProperty("cut_height").GetDouble());
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(Fixture.Ints(c.GetProperty("fcluster_distance")), byHeight));
    }

    [Theory]
    [InlineData("ward", Linkage.Ward)]
    [InlineData("complete", Linkage.Complete)]
    public void Dendrogram_matches_scipy(string method, Linkage linkage)
    {
        var c = Case(method);
        var dn = HierarchicalTrainer.BuildLinkage(Data(), linkage).GetDendrogram();
        Assert.Equal(Fixture.Ints(c.GetProperty("leaves")), dn.LeafOrder);
        var icoord = c.GetProperty("icoord").EnumerateArray().Select(Fixture.Doubles).ToArray();
        var dcoord = c.GetProperty("dcoord").EnumerateArray().Select(Fixture.Doubles).ToArray();
        Assert.Equal(icoord.Length, dn.Links.Length);
        for (int i = 0; i < icoord.Length; i++)
        {
            var l = dn.Links[i];
            Assert.Equal(icoord[i], new[] { l.LeftX, l.LeftX, l.RightX, l.RightX });
            Fixture.Close(dcoord[i][0], l.LeftHeight, 1e-9, "left height");
            Fixture.Close(dcoord[i][1], l.Height, 1e-9, "height");
            Fixture.Close(dcoord[i][3], l.RightHeight, 1e-9, "right height");
        }
    }

    [Fact]
    public void Ward_recovers_planted_clusters_and_predicts_new_rows()
    {
        var (data, truth) = Planted.Separated(4, 5, 60, 4);
        var model = new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = 5 }).Fit(data);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, model.TrainingLabels) >= 0.95);
        var (fresh, freshTruth) = Planted.Separated(4, 5, 60, 4);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(freshTruth, model.Predict(fresh)) >= 0.95);
        var back = Assert.IsType<HierarchicalModel>(SegmentationModelSerializer.Deserialize(model.Serialize()));
        Assert.Equal(model.Predict(fresh), back.Predict(fresh));
        Assert.Equal(model.Tree.ToScipyMatrix(), back.Tree.ToScipyMatrix());
    }

    [Fact]
    public void Edge_cases_one_row_duplicates_and_limits()
    {
        var one = FeatureMatrix.FromRows(new[] { new[] { 1.0, 2.0 } });
        var m = new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = 1 }).Fit(one);
        Assert.Equal(new[] { 0 }, m.TrainingLabels);
        Assert.Equal(new[] { 0 }, m.Tree.GetDendrogram().LeafOrder);
        var dup = FeatureMatrix.FromRows(Enumerable.Range(0, 6).Select(i => new[] { (double)(i / 3), 0.0 }).ToArray());
        var tree = HierarchicalTrainer.BuildLinkage(dup, Linkage.Ward);
        Assert.Equal(0.0, tree.Height(0));
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1 }, tree.CutToClusters(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HierarchicalTrainer(new HierarchicalTrainer.Options { NumberOfClusters = 7 }).Fit(dup));
        var e = Assert.Throws<ArgumentException>(() => HierarchicalTrainer.BuildLinkage(dup, Linkage.Average, maximumRowsForDistanceMatrix: 5));
        Assert.Contains("limit of 5", e.Message);
    }
}
