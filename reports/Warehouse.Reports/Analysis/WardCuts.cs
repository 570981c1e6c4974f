using Warehouse.Segmentation.Hierarchical;

namespace Warehouse.Reports.Analysis;

/// <summary>
/// What the report reads off a Ward merge tree built by Warehouse.Segmentation
/// (<see cref="HierarchicalTrainer.BuildLinkage"/> with <see cref="Linkage.Ward"/>, scipy's linkage format):
/// the elbow curve of within-cluster sums of squares and the height at which the dendrogram is cut into k clusters.
/// With scipy's Ward convention a merge of height h raises the within-cluster sum of squares by h² / 2
/// (h = √(2|A||B| / (|A| + |B|))·‖c_A − c_B‖ and the increase is |A||B| / (|A| + |B|)·‖c_A − c_B‖²).
/// </summary>
public static class WardCuts
{
    /// <summary>
    /// Within-cluster sum of squares when the tree is cut into k clusters (its first n − k merges), for
    /// k = 1..min(<paramref name="maxClusters"/>, n): the sum of h² / 2 over those merges. Element k − 1 is the value for k.
    /// </summary>
    /// <exception cref="ArgumentException">The tree was not built with Ward linkage (other heights are not variances).</exception>
    public static double[] WithinClusterSumOfSquares(LinkageMatrix tree, int maxClusters)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClusters, 1);
        if (tree.Linkage != Linkage.Ward)
        {
            throw new ArgumentException($"Within-cluster sums of squares follow from merge heights only for Ward linkage, not {tree.Linkage}.", nameof(tree));
        }

        var n = tree.LeafCount;
        var count = Math.Min(maxClusters, n);
        var result = new double[count];

        // Running sum over merges 0..n−k−1, from k = n (no merge, 0) down to k = 1; heights ascend, so adding small first.
        double sum = 0;
        for (var k = n; k >= 1; k--)
        {
            if (k < n)
            {
                var h = tree.Height(n - k - 1);
                sum += h * h / 2;
            }

            if (k <= count)
            {
                result[k - 1] = sum;
            }
        }

        return result;
    }

    /// <summary>
    /// A height that cuts the tree into exactly <paramref name="clusters"/> clusters (2 ≤ k ≤ n): midway between the
    /// last merge kept (merge n − k − 1, or 0 when k = n) and the first merge undone (merge n − k). When those two merges
    /// have equal heights no height separates them and the cut at the returned height gives fewer than k clusters.
    /// </summary>
    public static double CutHeight(LinkageMatrix tree, int clusters)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clusters, tree.LeafCount);
        var n = tree.LeafCount;
        var below = clusters == n ? 0 : tree.Height(n - clusters - 1);
        var above = tree.Height(n - clusters);
        return (below + above) / 2;
    }
}
