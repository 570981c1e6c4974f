namespace Warehouse.Segmentation.Tests;

/// <summary>Hand-calculated cases of the segment identity rule shared by the host and the SQL CLR procedure.</summary>
public class SegmentMatcherTests
{
    [Fact]
    public void Nearest_pairs_are_taken_first_each_side_once()
    {
        // Clusters at 0 and 2, previous segments at 1.1 and 0.3. Distances: c0–p1 0.3, c1–p0 0.9, c0–p0 1.1, c1–p1 1.7.
        // Greedy by distance: c0 continues p1 (0.3); then c1 continues p0 (0.9); the others are taken already.
        var matches = SegmentMatcher.Match([[0.0], [2.0]], [[1.1], [0.3]], SegmentMatcher.DefaultThreshold, out var distances);

        Assert.Equal([1, 0], matches);
        Assert.Equal(0.3, distances[0], 12);
        Assert.Equal(0.9, distances[1], 12);
    }

    [Fact]
    public void A_pair_beyond_the_threshold_starts_a_new_segment()
    {
        var matches = SegmentMatcher.Match([[0.0], [2.0]], [[1.1], [0.3]], 0.5, out var distances);

        Assert.Equal([1, -1], matches);
        Assert.True(double.IsNaN(distances[1]));
    }

    [Fact]
    public void Distance_is_euclidean_over_all_features_and_ties_go_to_the_lower_cluster()
    {
        // Both clusters are 0.5 from the single previous segment: (3, 4)·0.1 → 0.5 and (0, 0.5) → 0.5; cluster 0 wins.
        var matches = SegmentMatcher.Match([[0.3, 0.4], [0.0, 0.5]], [[0.0, 0.0]], 1.0, out var distances);

        Assert.Equal([0, -1], matches);
        Assert.Equal(0.5, distances[0], 12);
    }

    [Fact]
    public void No_previous_run_means_every_cluster_is_new()
    {
        var matches = SegmentMatcher.Match([[1.0], [2.0]], [], 1.0, out _);

        Assert.Equal([-1, -1], matches);
    }
}
