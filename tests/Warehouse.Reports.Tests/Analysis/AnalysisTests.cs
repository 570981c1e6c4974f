using Warehouse.Reports.Analysis;

namespace Warehouse.Reports.Tests.Analysis;

/// <summary>PCA and Ward linkage against scikit-learn / SciPy values in Fixtures/analysis_reference.json (script beside it).</summary>
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
    public void Ward_linkage_matches_scipy_linkage_matrix()
    {
        var expected = TestFiles.Matrix(Reference.GetProperty("linkage"));
        var ward = WardLinkage.Fit(Points);
        Assert.Equal(expected.Length, ward.Merges.Count());
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i][0], ward.Merges[i][0]);
            Assert.Equal(expected[i][1], ward.Merges[i][1]);
            Assert.Equal(expected[i][2], ward.Merges[i][2], 9);
            Assert.Equal(expected[i][3], ward.Merges[i][3]);
        }
    }

    [Fact]
    public void Dendrogram_layout_matches_scipy_leaf_order_and_link_coordinates()
    {
        var layout = WardLinkage.Fit(Points).Layout();
        Assert.Equal(Reference.GetProperty("leaves").EnumerateArray().Select(v => v.GetInt32()), layout.LeafOrder);
        var icoord = TestFiles.Matrix(Reference.GetProperty("icoord"));
        var dcoord = TestFiles.Matrix(Reference.GetProperty("dcoord"));
        // SciPy lists links in drawing order; compare as sets of shapes.
        var expected = icoord.Select((x, i) => string.Join(";", x.Zip(dcoord[i]).Select(p => $"{p.First:F6},{p.Second:F6}"))).Order().ToList();
        var actual = layout.Links.Select(l => string.Join(";", Enumerable.Range(0, 4).Select(k => $"{l[2 * k]:F6},{l[2 * k + 1]:F6}"))).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Ward_within_cluster_sum_of_squares_equals_a_direct_computation_of_the_cut()
    {
        var ward = WardLinkage.Fit(Points);
        var curve = ward.WithinClusterSumOfSquares(6);
        for (var k = 1; k <= 6; k++)
        {
            var labels = ward.Cut(k);
            Assert.Equal(k, labels.Distinct().Count());
            double direct = 0;
            foreach (var cluster in labels.Distinct())
            {
                var members = Points.Where((_, i) => labels[i] == cluster).ToArray();
                for (var j = 0; j < 4; j++)
                {
                    var mean = members.Average(m => m[j]);
                    direct += members.Sum(m => (m[j] - mean) * (m[j] - mean));
                }
            }

            Assert.Equal(direct, curve[k - 1], 8);
        }

        // The planted three blobs: the curve bends at k = 3.
        Assert.True(curve[1] - curve[2] > 5 * (curve[2] - curve[3]));
    }
}
