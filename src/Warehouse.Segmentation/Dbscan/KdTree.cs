using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;
#if NET
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

namespace Warehouse.Segmentation.Dbscan;

/// <summary>
/// A static k-d tree (Bentley 1975) over the rows of a matrix: split on the widest dimension at the median,
/// leaves of at most <see cref="LeafSize"/> rows, a bounding box per node for pruning. Points are copied in tree
/// order so a leaf is one contiguous block. Build O(n log n); a radius query visits only boxes within the radius.
/// Read-only after construction (safe to query from several threads). On net10 the points are also kept in blocks
/// of four tree positions, dimension-major, so a leaf is scanned four distances per Vector256 (each lane sums the
/// same squared differences in the same order as the scalar loop: identical decisions).
/// </summary>
internal sealed class KdTree
{
    internal const int LeafSize = 24;
    private readonly double[] _points; // tree order, row-major
    private readonly int[] _index;     // tree position → original row
    private readonly int[] _start, _end, _left, _right;
    private readonly double[] _boxMin, _boxMax;
    private readonly int _d;
#if NET
    private readonly double[]? _blocks; // [position / 4][dimension][position % 4]
#endif

    internal KdTree(double[] x, int n, int d)
    {
        _d = d;
        _index = new int[n];
        for (int i = 0; i < n; i++) _index[i] = i;
        int maxNodes = Math.Max(1, 2 * (n / (LeafSize / 2) + 1));
        var start = new List<int>(maxNodes);
        var end = new List<int>(maxNodes);
        var left = new List<int>(maxNodes);
        var right = new List<int>(maxNodes);
        var boxMin = new List<double>(maxNodes * d);
        var boxMax = new List<double>(maxNodes * d);
        var lo = new double[d];
        var hi = new double[d];
        // Iterative build: (node, start, end).
        var work = new Stack<int>();
        start.Add(0); end.Add(n); left.Add(-1); right.Add(-1);
        for (int j = 0; j < d; j++) { boxMin.Add(0); boxMax.Add(0); }
        work.Push(0);
        while (work.Count > 0)
        {
            int node = work.Pop();
            int s = start[node], e = end[node];
            for (int j = 0; j < d; j++) { lo[j] = double.PositiveInfinity; hi[j] = double.NegativeInfinity; }
            for (int t = s; t < e; t++)
            {
                long o = (long)_index[t] * d;
                for (int j = 0; j < d; j++)
                {
                    double v = x[o + j];
                    if (v < lo[j]) lo[j] = v;
                    if (v > hi[j]) hi[j] = v;
                }
            }
            int widest = 0;
            for (int j = 0; j < d; j++)
            {
                boxMin[node * d + j] = lo[j];
                boxMax[node * d + j] = hi[j];
                if (hi[j] - lo[j] > hi[widest] - lo[widest]) widest = j;
            }
            if (e - s <= LeafSize || hi[widest] == lo[widest]) continue;
            int mid = s + (e - s) / 2;
            Select(x, d, widest, s, e - 1, mid);
            int l = start.Count;
            start.Add(s); end.Add(mid); left.Add(-1); right.Add(-1);
            for (int j = 0; j < d; j++) { boxMin.Add(0); boxMax.Add(0); }
            int r = start.Count;
            start.Add(mid); end.Add(e); left.Add(-1); right.Add(-1);
            for (int j = 0; j < d; j++) { boxMin.Add(0); boxMax.Add(0); }
            left[node] = l;
            right[node] = r;
            work.Push(r);
            work.Push(l);
        }
        _start = start.ToArray();
        _end = end.ToArray();
        _left = left.ToArray();
        _right = right.ToArray();
        _boxMin = boxMin.ToArray();
        _boxMax = boxMax.ToArray();
        _points = new double[(long)n * d];
        for (int t = 0; t < n; t++) Array.Copy(x, (long)_index[t] * d, _points, (long)t * d, d);
#if NET
        if (Vector256.IsHardwareAccelerated)
        {
            _blocks = new double[(long)((n + 3) & ~3) * d];
            for (int t = 0; t < n; t++)
                for (int j = 0; j < d; j++) _blocks[(long)(t & ~3) * d + j * 4 + (t & 3)] = _points[(long)t * d + j];
        }
#endif
    }

    /// <summary>Original row of tree position t.</summary>
    internal int RowAt(int t) => _index[t];

    /// <summary>The rows in tree order (row-major, n × d): queries in this order visit the tree with good locality.</summary>
    internal double[] Points => _points;

    /// <summary>Tree position of every original row (the inverse of <see cref="RowAt"/>).</summary>
    internal int[] PositionsOfRows()
    {
        var pos = new int[_index.Length];
        for (int t = 0; t < _index.Length; t++) pos[_index[t]] = t;
        return pos;
    }

    /// <summary>Hoare quickselect on _index[lo..hi] by coordinate <paramref name="dim"/> (median-of-three pivot).</summary>
    private void Select(double[] x, int d, int dim, int lo, int hi, int k)
    {
        while (hi > lo)
        {
            int m = lo + (hi - lo) / 2;
            double a = x[(long)_index[lo] * d + dim], b = x[(long)_index[m] * d + dim], c = x[(long)_index[hi] * d + dim];
            double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
            int i = lo, j = hi;
            while (i <= j)
            {
                while (x[(long)_index[i] * d + dim] < pivot) i++;
                while (x[(long)_index[j] * d + dim] > pivot) j--;
                if (i <= j)
                {
                    (_index[i], _index[j]) = (_index[j], _index[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double BoxDistance2(int node, double[] q, long qo)
    {
        double s = 0;
        int b = node * _d;
        for (int j = 0; j < _d; j++)
        {
            double v = q[qo + j];
            double t = v < _boxMin[b + j] ? _boxMin[b + j] - v : (v > _boxMax[b + j] ? v - _boxMax[b + j] : 0);
            s += t * t;
        }
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double PointDistance2(int t, double[] q, long qo)
    {
        double s = 0;
        long o = (long)t * _d;
        for (int j = 0; j < _d; j++)
        {
            double diff = _points[o + j] - q[qo + j];
            s += diff * diff;
        }
        return s;
    }

    /// <summary>
    /// Pushes the children of an internal node whose boxes lie within r2 of the query, the nearer one on top: it is
    /// visited first, so a query reaches its own neighbourhood at once (and a count can stop early).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PushNear(int node, double[] q, long qo, double r2, int[] stack, ref int top)
    {
        int l = _left[node], r = _right[node];
        double dl = BoxDistance2(l, q, qo), dr = BoxDistance2(r, q, qo);
        int near = l, far = r;
        if (dr < dl)
        {
            (near, far) = (r, l);
            (dl, dr) = (dr, dl);
        }
        if (dr <= r2) stack[top++] = far;
        if (dl <= r2) stack[top++] = near;
    }

    /// <summary>Appends the positions in [lo, hi) with squared distance ≤ r2 (positions null: only counts them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ScanLeaf(int lo, int hi, double[] q, long qo, double r2, List<int>? positions)
    {
        int count = 0;
#if NET
        if (_blocks is not null)
        {
            ref double br = ref MemoryMarshal.GetArrayDataReference(_blocks);
            ref double qr = ref MemoryMarshal.GetArrayDataReference(q);
            var r2v = Vector256.Create(r2);
            for (int b = lo & ~3; b < hi; b += 4)
            {
                nuint o = (nuint)b * (nuint)_d;
                var acc = Vector256<double>.Zero;
                for (int j = 0; j < _d; j++)
                {
                    var diff = Vector256.LoadUnsafe(ref br, o + (nuint)(j * 4)) - Vector256.Create(Unsafe.Add(ref qr, (nint)qo + j));
                    acc += diff * diff;
                }
                uint mask = Vector256.LessThanOrEqual(acc, r2v).ExtractMostSignificantBits();
                if (b < lo) mask &= ~((1u << (lo - b)) - 1);
                if (b + 4 > hi) mask &= (1u << (hi - b)) - 1;
                count += BitOperations.PopCount(mask);
                if (positions is null) continue;
                while (mask != 0)
                {
                    positions.Add(b + BitOperations.TrailingZeroCount(mask));
                    mask &= mask - 1;
                }
            }
            return count;
        }
#endif
        for (int t = lo; t < hi; t++)
        {
            if (PointDistance2(t, q, qo) > r2) continue;
            count++;
            positions?.Add(t);
        }
        return count;
    }

    /// <summary>
    /// Counts rows with squared distance ≤ r2 from the query, leaf by leaf; returns as soon as the count reaches
    /// <paramref name="stopAt"/>. The positions counted are appended to <paramref name="found"/> when it is given.
    /// </summary>
    [MethodImpl(Hot.Optimize)]
    internal int CountWithin(double[] q, long qo, double r2, int stopAt, int[] stack, List<int>? found = null)
    {
        int count = 0, top = 0;
        if (BoxDistance2(0, q, qo) <= r2) stack[top++] = 0;
        while (top > 0)
        {
            int node = stack[--top];
            if (_left[node] < 0)
            {
                count += ScanLeaf(_start[node], _end[node], q, qo, r2, found);
                if (count >= stopAt) return count;
                continue;
            }
            PushNear(node, q, qo, r2, stack, ref top);
        }
        return count;
    }

    /// <summary>
    /// Marks "compact" nodes: every row in them satisfies <paramref name="positionFlag"/> (indexed by tree position)
    /// and the box diagonal is ≤ √r2, so any two of its rows are within the radius of each other.
    /// </summary>
    internal bool[] CompactNodes(bool[] positionFlag, double r2)
    {
        int nodes = _start.Length;
        var all = new bool[nodes];
        var compact = new bool[nodes];
        // Children always have larger indices than their parent: a reverse sweep is bottom-up.
        for (int node = nodes - 1; node >= 0; node--)
        {
            if (_left[node] < 0)
            {
                bool ok = true;
                for (int t = _start[node]; t < _end[node] && ok; t++) ok = positionFlag[t];
                all[node] = ok;
            }
            else
            {
                all[node] = all[_left[node]] && all[_right[node]];
            }
            if (!all[node]) continue;
            double diag = 0;
            int b = node * _d;
            for (int j = 0; j < _d; j++)
            {
                double e = _boxMax[b + j] - _boxMin[b + j];
                diag += e * e;
            }
            compact[node] = diag <= r2;
        }
        return compact;
    }

    /// <summary>Rows of tree positions [NodeStart, NodeEnd) of a node.</summary>
    internal int NodeStart(int node) => _start[node];

    /// <summary>End (exclusive) of a node's tree positions.</summary>
    internal int NodeEnd(int node) => _end[node];

    /// <summary>Number of nodes.</summary>
    internal int NodeCount => _start.Length;

    /// <summary>A node of <see cref="CoreSets"/> without core rows.</summary>
    internal const int NoCore = -2;
    /// <summary>A node of <see cref="CoreSets"/> whose core rows are in more than one set.</summary>
    internal const int Mixed = -1;

    /// <summary>
    /// For every node: the root of the one set holding all its core rows (<paramref name="core"/> by tree position),
    /// <see cref="NoCore"/> or <see cref="Mixed"/>. Bottom-up (children have larger indices than their parent).
    /// </summary>
    internal void CoreSets(bool[] core, DisjointSets sets, int[] nodeRoots)
    {
        for (int node = _start.Length - 1; node >= 0; node--)
        {
            int root = NoCore;
            if (_left[node] < 0)
            {
                for (int t = _start[node]; t < _end[node] && root != Mixed; t++)
                {
                    if (!core[t]) continue;
                    int r = sets.Find(t);
                    root = root == NoCore || root == r ? r : Mixed;
                }
            }
            else
            {
                int a = nodeRoots[_left[node]], b = nodeRoots[_right[node]];
                if (a == Mixed || b == Mixed) root = Mixed;
                else if (a == NoCore) root = b;
                else if (b == NoCore) root = a;
                else root = sets.Find(a) == sets.Find(b) ? sets.Find(a) : Mixed;
            }
            nodeRoots[node] = root;
        }
    }

    /// <summary>
    /// Joins the core row at tree position <paramref name="self"/> (the query) with every core row at a higher
    /// position within the radius. Nodes whose core rows are all in the query's set (per <paramref name="nodeRoots"/>
    /// from <see cref="CoreSets"/>) are skipped; a node whose core rows share one set and whose box lies entirely
    /// within the radius is joined with one union.
    /// </summary>
    [MethodImpl(Hot.Optimize)]
    internal void JoinCoreNeighbours(double[] q, long qo, double r2, int self, bool[] core, int[] nodeRoots, DisjointSets sets, List<int> found, int[] stack)
    {
        int from = self + 1;
        int root = sets.Find(self);
        int top = 0;
        if (BoxDistance2(0, q, qo) <= r2) stack[top++] = 0;
        while (top > 0)
        {
            int node = stack[--top];
            int rep = nodeRoots[node];
            if (rep == NoCore || _end[node] <= from) continue;
            if (rep >= 0)
            {
                int r = sets.Find(rep);
                if (r == root) continue;
                if (BoxMaxDistance2(node, q, qo) <= r2)
                {
                    root = sets.Union(self, r);
                    continue;
                }
            }
            if (_left[node] < 0)
            {
                found.Clear();
                ScanLeaf(Math.Max(_start[node], from), _end[node], q, qo, r2, found);
                foreach (int t in found)
                    if (core[t]) root = sets.Union(self, t);
                continue;
            }
            PushNear(node, q, qo, r2, stack, ref top);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double BoxMaxDistance2(int node, double[] q, long qo)
    {
        double s = 0;
        int b = node * _d;
        for (int j = 0; j < _d; j++)
        {
            double v = q[qo + j];
            double a = Math.Abs(v - _boxMin[b + j]), c = Math.Abs(v - _boxMax[b + j]);
            double t = a > c ? a : c;
            s += t * t;
        }
        return s;
    }

    /// <summary>Tree position of the nearest row with squared distance ≤ r2 (ties: lowest original row), or −1.</summary>
    [MethodImpl(Hot.Optimize)]
    internal int Nearest(double[] q, long qo, double r2, int[] stack)
    {
        int best = -1, top = 0;
        double bestD = r2;
        stack[top++] = 0;
        while (top > 0)
        {
            int node = stack[--top];
            if (BoxDistance2(node, q, qo) > bestD) continue;
            if (_left[node] < 0)
            {
                for (int t = _start[node]; t < _end[node]; t++)
                {
                    double dd = PointDistance2(t, q, qo);
                    if (dd < bestD || (dd == bestD && (best < 0 || _index[t] < _index[best])))
                    {
                        bestD = dd;
                        best = t;
                    }
                }
                continue;
            }
            stack[top++] = _right[node];
            stack[top++] = _left[node];
        }
        return best;
    }

    /// <summary>Squared distances to the k nearest rows (the query row itself included when it is in the tree), ascending.</summary>
    [MethodImpl(Hot.Optimize)]
    internal double[] KNearestDistances2(double[] q, long qo, int k, int[] stack)
    {
        var heap = new double[k]; // max-heap of the k best
        int size = 0, top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            int node = stack[--top];
            double bound = size < k ? double.PositiveInfinity : heap[0];
            if (BoxDistance2(node, q, qo) > bound) continue;
            if (_left[node] < 0)
            {
                for (int t = _start[node]; t < _end[node]; t++)
                {
                    double dd = PointDistance2(t, q, qo);
                    if (size < k)
                    {
                        heap[size] = dd;
                        SiftUp(heap, size++);
                    }
                    else if (dd < heap[0])
                    {
                        heap[0] = dd;
                        SiftDown(heap, size);
                    }
                }
                continue;
            }
            stack[top++] = _right[node];
            stack[top++] = _left[node];
        }
        var result = new double[size];
        Array.Copy(heap, result, size);
        Array.Sort(result);
        return result;
    }

    /// <summary>Depth bound for the explicit traversal stack.</summary>
    internal const int StackSize = 256; // median splits halve the rows: depth ≤ log2(n) + 1, two entries per level

    private static void SiftUp(double[] h, int i)
    {
        while (i > 0)
        {
            int p = (i - 1) / 2;
            if (h[p] >= h[i]) return;
            (h[p], h[i]) = (h[i], h[p]);
            i = p;
        }
    }

    private static void SiftDown(double[] h, int size)
    {
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && h[l] > h[m]) m = l;
            if (r < size && h[r] > h[m]) m = r;
            if (m == i) return;
            (h[m], h[i]) = (h[i], h[m]);
            i = m;
        }
    }
}
