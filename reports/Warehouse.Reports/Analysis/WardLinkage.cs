using System.Runtime.CompilerServices;

namespace Warehouse.Reports.Analysis;

/// <summary>
/// Agglomerative clustering with Ward's criterion for the report's dendrogram and elbow curve, on a sample of customers
/// (the full hierarchical model lives in Warehouse.Segmentation; the report only needs a picture of a few hundred points).
/// Distances follow scipy.cluster.hierarchy.linkage(method="ward"): the Lance-Williams update
/// d(u, v)² = ((|v|+|s|) d(v, s)² + (|v|+|t|) d(v, t)² − |v| d(s, t)²) / (|s|+|t|+|v|) on Euclidean distances, so a merge
/// height h raises the within-cluster sum of squares by h² / 2. Output rows are scipy's linkage matrix: the two merged
/// cluster ids (leaves 0..n−1, merge i creates n + i, smaller id first), the height and the new cluster size.
/// Cost: O(n³) time (naive closest-pair search), O(n²) memory; meant for n up to about 500.
/// </summary>
public sealed class WardLinkage
{
    private WardLinkage(int leafCount, double[][] merges)
    {
        LeafCount = leafCount;
        Merges = merges;
    }

    /// <summary>Number of observations.</summary>
    public int LeafCount { get; }

    /// <summary>The linkage matrix, n − 1 rows of [id1, id2, height, size].</summary>
    public double[][] Merges { get; }

    /// <summary>Builds the hierarchy of <paramref name="points"/> (n ≥ 2 rows of equal length).</summary>
    /// <exception cref="ArgumentException">Fewer than two points or ragged rows.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static WardLinkage Fit(IReadOnlyList<double[]> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var n = points.Count;
        if (n < 2)
        {
            throw new ArgumentException("Ward linkage needs at least two points.", nameof(points));
        }

        var distance = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            if (points[i].Length != points[0].Length)
            {
                throw new ArgumentException($"Point {i} has {points[i].Length} values, expected {points[0].Length}.", nameof(points));
            }

            for (var j = i + 1; j < n; j++)
            {
                double sum = 0;
                for (var c = 0; c < points[i].Length; c++)
                {
                    var delta = points[i][c] - points[j][c];
                    sum += delta * delta;
                }

                distance[i, j] = distance[j, i] = Math.Sqrt(sum);
            }
        }

        // Slot s holds the cluster with id ids[s] and size sizes[s]; a merged pair reuses the lower slot.
        var ids = Enumerable.Range(0, n).ToArray();
        var sizes = Enumerable.Repeat(1, n).ToArray();
        var alive = Enumerable.Repeat(true, n).ToArray();
        var merges = new double[n - 1][];
        for (var step = 0; step < n - 1; step++)
        {
            int bestA = -1, bestB = -1;
            var best = double.PositiveInfinity;
            for (var a = 0; a < n; a++)
            {
                if (!alive[a])
                {
                    continue;
                }

                for (var b = a + 1; b < n; b++)
                {
                    if (alive[b] && distance[a, b] < best)
                    {
                        best = distance[a, b];
                        bestA = a;
                        bestB = b;
                    }
                }
            }

            var sizeS = sizes[bestA];
            var sizeT = sizes[bestB];
            merges[step] = [Math.Min(ids[bestA], ids[bestB]), Math.Max(ids[bestA], ids[bestB]), best, sizeS + sizeT];
            for (var v = 0; v < n; v++)
            {
                if (!alive[v] || v == bestA || v == bestB)
                {
                    continue;
                }

                var sizeV = sizes[v];
                var dvs = distance[v, bestA];
                var dvt = distance[v, bestB];
                var squared = ((sizeV + sizeS) * dvs * dvs + (sizeV + sizeT) * dvt * dvt - sizeV * best * best) / (sizeV + sizeS + sizeT);
                distance[v, bestA] = distance[bestA, v] = Math.Sqrt(Math.Max(0, squared));
            }

            alive[bestB] = false;
            ids[bestA] = n + step;
            sizes[bestA] = sizeS + sizeT;
        }

        // scipy lists merges by non-decreasing height; Ward heights are monotone, so the order already is.
        return new WardLinkage(n, merges);
    }

    /// <summary>
    /// Within-cluster sum of squares when the tree is cut into k clusters, for k = 1..<paramref name="maxClusters"/>:
    /// the sum of h² / 2 over the merges still made at that cut. Element k − 1 is the value for k clusters.
    /// </summary>
    public double[] WithinClusterSumOfSquares(int maxClusters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClusters, 1);
        var count = Math.Min(maxClusters, LeafCount);
        var result = new double[count];
        for (var k = 1; k <= count; k++)
        {
            double sum = 0;
            for (var i = 0; i < LeafCount - k; i++)
            {
                sum += Merges[i][2] * Merges[i][2] / 2;
            }

            result[k - 1] = sum;
        }

        return result;
    }

    /// <summary>Flat cluster of each leaf when the tree is cut into <paramref name="clusters"/> clusters (labels 0..k−1 by first leaf).</summary>
    public int[] Cut(int clusters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clusters, LeafCount);
        var parent = Enumerable.Range(0, 2 * LeafCount - 1).ToArray();
        for (var i = 0; i < LeafCount - clusters; i++)
        {
            parent[(int)Merges[i][0]] = LeafCount + i;
            parent[(int)Merges[i][1]] = LeafCount + i;
        }

        int Root(int x)
        {
            while (parent[x] != x)
            {
                x = parent[x];
            }

            return x;
        }

        var labels = new int[LeafCount];
        var map = new Dictionary<int, int>();
        for (var leaf = 0; leaf < LeafCount; leaf++)
        {
            var root = Root(leaf);
            if (!map.TryGetValue(root, out var label))
            {
                label = map.Count;
                map[root] = label;
            }

            labels[leaf] = label;
        }

        return labels;
    }

    /// <summary>
    /// Dendrogram layout as scipy.cluster.hierarchy.dendrogram draws it: leaves left to right in
    /// <see cref="DendrogramLayout.LeafOrder"/> at x = 5, 15, 25…, and one ⊓-shaped link per merge (4 points each).
    /// </summary>
    public DendrogramLayout Layout()
    {
        var n = LeafCount;
        var order = new List<int>(n);
        var x = new double[2 * n - 1];
        var height = new double[2 * n - 1];
        var stack = new Stack<int>();
        stack.Push(2 * n - 2);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node < n)
            {
                x[node] = 10 * order.Count + 5;
                order.Add(node);
                continue;
            }

            var merge = Merges[node - n];
            stack.Push((int)merge[1]);
            stack.Push((int)merge[0]);
        }

        var links = new double[n - 1][];
        for (var i = 0; i < n - 1; i++)
        {
            var left = (int)Merges[i][0];
            var right = (int)Merges[i][1];
            var h = Merges[i][2];
            x[n + i] = (x[left] + x[right]) / 2;
            height[n + i] = h;
            links[i] = [x[left], height[left], x[left], h, x[right], h, x[right], height[right]];
        }

        return new DendrogramLayout(order, links);
    }
}

/// <summary>Coordinates of a dendrogram drawing.</summary>
/// <param name="LeafOrder">Leaf (observation) indices from left to right.</param>
/// <param name="Links">Per merge: x1, y1, x2, y2, x3, y3, x4, y4 of the ⊓ shape (scipy's icoord/dcoord).</param>
public sealed record DendrogramLayout(IReadOnlyList<int> LeafOrder, IReadOnlyList<double[]> Links);
