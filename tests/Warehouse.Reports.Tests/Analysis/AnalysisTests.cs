using Warehouse.Reports.Analysis;
using Warehouse.Segmentation;
using Warehouse.Segmentation.Hierarchical;

namespace Warehouse.Reports.Tests.Analysis;

/// <summary>PCA, and the report's use of the Warehouse.Segmentation Ward tree, against scikit-learn / SciPy values in Fixtures/analysis_reference.json (script beside it).</summary>
public sealed class AnalysisTests
{
    private static readonly System.Text.Json.JsonElement Reference = TestFiles.Json("analysis_reference.json");
    private static readonly double[][] Points = TestFiles.Matrix(Reference.GetProperty("points"));

    [Fact]
    public void Pca_matches_scikit_learn_variances_components_and_projection()
    {
        var pca = PrincipalComponents.Fit(Points);
        var variances = Reference.GetProperty("explainedVariance").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var components = TestFiles.Matrix(Reference.GetProperty("components"));
        var projection = TestFiles.Matrix(Reference.GetProperty("projection"));
        for (var k = 0; k < variances.Length; k++)
        {
            Assert.Equal(variances[k], pca.ExplainedVariance[k], 9);
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(components[k][j], pca.Components[k][j], 7);
            }
        }

        for (var i = 0; i < Points.Length; i++)
        {
            var xy = pca.Project(Points[i]);
            Assert.Equal(projection[i][0], xy[0], 8);
            Assert.Equal(projection[i][1], xy[1], 8);
        }

        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 12);
    }

    [Fact]
    public void The_reports_ward_tree_from_warehouse_segmentation_matches_scipy_linkage_matrix()
    {
        var expected = TestFiles.Matrix(Reference.GetProperty("linkage"));
        var tree = WardTree(Points);
        Assert.Equal(expected.Length, tree.MergeCount);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i][0], tree.Left(i));
            Assert.Equal(expected[i][1], tree.Right(i));
            Assert.Equal(expected[i][2], tree.Height(i), 9);
            Assert.Equal(expected[i][3], tree.Size(i));
        }
    }

    [Fact]
    public void Dendrogram_drawn_by_the_report_matches_scipy_leaf_order_and_link_coordinates()
    {
        var layout = WardTree(Points).GetDendrogram();
        Assert.Equal(Reference.GetProperty("leaves").EnumerateArray().Select(v => v.GetInt32()), layout.LeafOrder);
        var icoord = TestFiles.Matrix(Reference.GetProperty("icoord"));
        var dcoord = TestFiles.Matrix(Reference.GetProperty("dcoord"));
        // The chart draws each link through (LeftX, LeftHeight), (LeftX, Height), (RightX, Height), (RightX, RightHeight);
        // compare as sets of shapes, independent of the order links are listed in.
        var expected = icoord.Select((x, i) => string.Join(";", x.Zip(dcoord[i]).Select(p => $"{p.First:F6},{p.Second:F6}"))).Order().ToList();
        var actual = layout.Links.Select(l => string.Join(";", new[] { (l.LeftX, l.LeftHeight), (l.LeftX, l.Height), (l.RightX, l.Height), (l.RightX, l.RightHeight) }
            .Select(p => $"{p.Item1:F6},{p.Item2:F6}"))).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Elbow_sums_of_squares_from_ward_heights_equal_a_direct_computation_of_each_cut()
    {
        var tree = WardTree(Points);
        var curve = WardCuts.WithinClusterSumOfSquares(tree, 10);
        Assert.Equal(10, curve.Length);
        for (var k = 1; k <= 10; k++)
        {
            var labels = tree.CutToClusters(k);
            Assert.Equal(k, labels.Distinct().Count());
            Assert.Equal(DirectSumOfSquares(labels), curve[k - 1], 8);
        }

        // Same from the scipy heights in the fixture (h² / 2 per merge), without the seg tree: k = 3 undoes the last two merges.
        var scipy = TestFiles.Matrix(Reference.GetProperty("linkage"));
        Assert.Equal(scipy.Take(scipy.Length - 2).Sum(m => m[2] * m[2] / 2), curve[2], 8);

        // The planted three blobs: the curve bends at k = 3.
        Assert.True(curve[1] - curve[2] > 5 * (curve[2] - curve[3]));
    }

    [Fact]
    public void Elbow_curve_stops_at_the_number_of_points_and_rejects_non_ward_trees()
    {
        var few = Points.Take(4).ToArray();
        var curve = WardCuts.WithinClusterSumOfSquares(WardTree(few), 10);
        Assert.Equal(4, curve.Length);
        Assert.Equal(0, curve[3]);
        Assert.Equal(DirectSumOfSquares([0, 0, 0, 0], few), curve[0], 10);
        var average = HierarchicalTrainer.BuildLinkage(FeatureMatrix.FromRows(few), Linkage.Average);
        Assert.Throws<ArgumentException>(() => WardCuts.WithinClusterSumOfSquares(average, 3));
    }

    [Fact]
    public void Dendrogram_cut_height_separates_exactly_k_clusters()
    {
        var tree = WardTree(Points);
        for (var k = 2; k <= Points.Length; k++)
        {
            var height = WardCuts.CutHeight(tree, k);
            Assert.Equal(tree.CutToClusters(k), tree.CutAtHeight(height));
        }

        // k = 3 on the scipy matrix: between the 33rd and 34th merge heights.
        var scipy = TestFiles.Matrix(Reference.GetProperty("linkage"));
        Assert.Equal((scipy[32][2] + scipy[33][2]) / 2, WardCuts.CutHeight(tree, 3), 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => WardCuts.CutHeight(tree, 1));
    }

    private static LinkageMatrix WardTree(double[][] points) => HierarchicalTrainer.BuildLinkage(FeatureMatrix.FromRows(points), Linkage.Ward);

    private static double DirectSumOfSquares(int[] labels, double[][]? points = null)
    {
        points ??= Points;
        double direct = 0;
        foreach (var cluster in labels.Distinct())
        {
            var members = points.Where((_, i) => labels[i] == cluster).ToArray();
            for (var j = 0; j < members[0].Length; j++)
            {
                var mean = members.Average(m => m[j]);
                direct += members.Sum(m => (m[j] - mean) * (m[j] - mean));
            }
        }

        return direct;
    }
}
