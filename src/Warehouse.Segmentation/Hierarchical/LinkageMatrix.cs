using System;
using System.Collections.Generic;
using System.IO;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation.Hierarchical;

/// <summary>
/// The full merge tree of an agglomerative clustering in scipy's linkage format: row i merges clusters
/// <see cref="Left"/>(i) and <see cref="Right"/>(i) (ids &lt; n are rows, id n + j is the cluster made by row j) at
/// <see cref="Height"/>(i), giving a cluster of <see cref="Size"/>(i) rows. Rows are sorted by height (stable) and
/// Left &lt; Right, exactly as <c>scipy.cluster.hierarchy.linkage</c> returns them.
/// </summary>
public sealed class LinkageMatrix
{
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _height;
    private readonly int[] _size;

    internal LinkageMatrix(int leafCount, int[] left, int[] right, double[] height, int[] size, Linkage linkage)
    {
        LeafCount = leafCount;
        _left = left;
        _right = right;
        _height = height;
        _size = size;
        Linkage = linkage;
    }

    /// <summary>Number of leaves n (rows clustered).</summary>
    public int LeafCount { get; }

    /// <summary>Number of merges (n − 1).</summary>
    public int MergeCount => _left.Length;

    /// <summary>The linkage criterion that built the tree.</summary>
    public Linkage Linkage { get; }

    /// <summary>Smaller cluster id of merge i.</summary>
    public int Left(int merge) => _left[merge];

    /// <summary>Larger cluster id of merge i.</summary>
    public int Right(int merge) => _right[merge];

    /// <summary>Height (distance) of merge i.</summary>
    public double Height(int merge) => _height[merge];

    /// <summary>Rows in the cluster formed by merge i.</summary>
    public int Size(int merge) => _size[merge];

    /// <summary>The (n − 1) × 4 matrix [left, right, height, size] as scipy's <c>linkage</c> returns it.</summary>
    public double[,] ToScipyMatrix()
    {
        var z = new double[MergeCount, 4];
        for (int i = 0; i < MergeCount; i++)
        {
            z[i, 0] = _left[i];
            z[i, 1] = _right[i];
            z[i, 2] = _height[i];
            z[i, 3] = _size[i];
        }
        return z;
    }

    /// <summary>Flat clusters from the first n − k merges (exactly k clusters, as scikit-learn's
    /// AgglomerativeClustering). Labels 0 … k − 1 are numbered by first appearance in row order.</summary>
    public int[] CutToClusters(int k)
    {
        if (k < 1 || k > LeafCount) throw new ArgumentOutOfRangeException(nameof(k), k, $"must be in [1, {LeafCount}]");
        return Cut(LeafCount - k);
    }

    /// <summary>Flat clusters joining every merge with height ≤ <paramref name="height"/> (scipy's fcluster with
    /// criterion 'distance'). Labels are numbered by first appearance in row order.</summary>
    public int[] CutAtHeight(double height)
    {
        if (double.IsNaN(height)) throw new ArgumentOutOfRangeException(nameof(height), height, "must not be NaN");
        int merges = 0;
        while (merges < MergeCount && _height[merges] <= height) merges++;
        return Cut(merges);
    }

    private int[] Cut(int merges)
    {
        int n = LeafCount;
        var parent = new int[2 * n - 1];
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        for (int m = 0; m < merges; m++)
        {
            parent[_left[m]] = n + m;
            parent[_right[m]] = n + m;
        }
        var labels = new int[n];
        var map = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            int r = i;
            while (parent[r] != r) r = parent[r];
            if (!map.TryGetValue(r, out int l))
            {
                l = map.Count;
                map[r] = l;
            }
            labels[i] = l;
        }
        return labels;
    }

    /// <summary>
    /// Leaf order and link coordinates for drawing the dendrogram, identical to scipy's
    /// <c>dendrogram(Z, no_plot=True)</c> defaults: leaves left to right by pre-order traversal (left child = lower id),
    /// leaf p at x = 5 + 10·p, one ∩-shaped link per merge in post-order.
    /// </summary>
    public Dendrogram GetDendrogram()
    {
        int n = LeafCount;
        var order = new List<int>(n);
        var links = new List<DendrogramLink>(Math.Max(0, n - 1));
        if (n == 1)
        {
            order.Add(0);
            return new Dendrogram(order.ToArray(), links.ToArray());
        }
        // Iterative post-order so deep trees (chains of 100,000 merges) do not overflow the stack.
        var x = new double[2 * n - 1];
        var h = new double[2 * n - 1];
        var stack = new Stack<(int Node, bool Expanded)>();
        stack.Push((2 * n - 2, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (node < n)
            {
                x[node] = 5 + 10.0 * order.Count;
                h[node] = 0;
                order.Add(node);
                continue;
            }
            int m = node - n;
            if (!expanded)
            {
                stack.Push((node, true));
                stack.Push((_right[m], false));
                stack.Push((_left[m], false));
                continue;
            }
            int a = _left[m], b = _right[m];
            x[node] = (x[a] + x[b]) / 2;
            h[node] = _height[m];
            links.Add(new DendrogramLink(m, x[a], x[b], h[a], h[b], _height[m]));
        }
        return new Dendrogram(order.ToArray(), links.ToArray());
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(LeafCount);
        w.Write((byte)Linkage);
        ModelEnvelope.WriteInts(w, _left);
        ModelEnvelope.WriteInts(w, _right);
        ModelEnvelope.WriteDoubles(w, _height);
        ModelEnvelope.WriteInts(w, _size);
    }

    internal static LinkageMatrix Read(BinaryReader r)
    {
        int n = ModelEnvelope.ReadCount(r, "leaf count");
        var linkage = (Linkage)r.ReadByte();
        if (!Enum.IsDefined(typeof(Linkage), linkage)) throw ModelEnvelope.Corrupt($"unknown linkage {(byte)linkage}");
        var left = ModelEnvelope.ReadInts(r);
        var right = ModelEnvelope.ReadInts(r);
        var height = ModelEnvelope.ReadDoubles(r);
        var size = ModelEnvelope.ReadInts(r);
        if (n < 1 || left.Length != n - 1 || right.Length != n - 1 || height.Length != n - 1 || size.Length != n - 1)
            throw ModelEnvelope.Corrupt($"linkage with {n} leaves has {left.Length} merges");
        for (int i = 0; i < left.Length; i++)
            if ((uint)left[i] >= (uint)(n + i) || (uint)right[i] >= (uint)(n + i))
                throw ModelEnvelope.Corrupt($"merge {i} refers to a cluster that does not exist yet");
        return new LinkageMatrix(n, left, right, height, size, linkage);
    }
}
