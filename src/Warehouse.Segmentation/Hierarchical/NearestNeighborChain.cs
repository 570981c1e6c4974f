using System;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;
#if NET
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

namespace Warehouse.Segmentation.Hierarchical;

/// <summary>
/// Nearest-neighbour chain agglomeration (Murtagh 1983; Müllner 2011, "Modern hierarchical, agglomerative
/// clustering algorithms", algorithm NN-chain), following scipy's <c>nn_chain</c> step by step, including its tie
/// rules (the previous chain element wins ties; otherwise the lowest slot) and its slot convention (the merged
/// cluster lives in the larger slot), so merges come out in the same order.
/// </summary>
internal static class NearestNeighborChain
{
    /// <summary>Ward on centroids: O(n·d) memory. Distances compared as 2·|A||B|/(|A|+|B|)·‖cA − cB‖².</summary>
    [MethodImpl(Hot.Optimize)]
    internal static LinkageMatrix Ward(FeatureMatrix data)
    {
        int n = data.Rows, d = data.Columns;
        var centroid = (double[])data.Values.Clone();
        var size = new int[n];
        for (int i = 0; i < n; i++) size[i] = 1;
        // Active slots, ascending (scan order = scipy's).
        var active = new int[n];
        for (int i = 0; i < n; i++) active[i] = i;
        int activeCount = n;
        var chain = new int[n];
        int chainLength = 0;
        var zx = new int[n - 1];
        var zy = new int[n - 1];
        var zh = new double[n - 1];
        var zs = new int[n - 1];
        for (int k = 0; k < n - 1; k++)
        {
            if (chainLength == 0)
            {
                chain[0] = active[0];
                chainLength = 1;
            }
            int x, y;
            double best;
            while (true)
            {
                x = chain[chainLength - 1];
                y = -1;
                best = double.PositiveInfinity;
                if (chainLength > 1)
                {
                    y = chain[chainLength - 2];
                    best = WardSquared(centroid, d, x, size[x], y, size[y]);
                }
                Scan(centroid, d, size, active, activeCount, x, ref y, ref best);
                if (chainLength > 1 && y == chain[chainLength - 2]) break;
                chain[chainLength++] = y;
            }
            chainLength -= 2;
            if (x > y) (x, y) = (y, x);
            int nx = size[x], ny = size[y];
            zx[k] = x;
            zy[k] = y;
            zh[k] = Math.Sqrt(best);
            zs[k] = nx + ny;
            // The merged cluster lives in slot y.
            double total = nx + ny;
            for (int j = 0; j < d; j++)
                centroid[y * d + j] = (nx * centroid[x * d + j] + ny * centroid[y * d + j]) / total;
            size[x] = 0;
            size[y] = nx + ny;
            int pos = Array.BinarySearch(active, 0, activeCount, x);
            Array.Copy(active, pos + 1, active, pos, activeCount - pos - 1);
            activeCount--;
        }
        return Finish(n, zx, zy, zh, zs, Linkage.Ward);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double WardSquared(double[] c, int d, int a, int na, int b, int nb)
    {
        double s = 0;
        for (int j = 0; j < d; j++)
        {
            double t = c[a * d + j] - c[b * d + j];
            s += t * t;
        }
        return 2.0 * na * nb / (na + nb) * s;
    }

    /// <summary>Finds the active slot nearest to x (strictly better than <paramref name="best"/>; ties keep the earlier).</summary>
    [MethodImpl(Hot.Optimize)]
    private static void Scan(double[] c, int d, int[] size, int[] active, int activeCount, int x, ref int y, ref double best)
    {
        int nx = size[x];
#if NET
        if (d == 8 && Vector256.IsHardwareAccelerated)
        {
            ScanD8(c, size, active, activeCount, x, nx, ref y, ref best);
            return;
        }
#endif
        long xo = (long)x * d;
        for (int t = 0; t < activeCount; t++)
        {
            int i = active[t];
            if (i == x) continue;
            long io = (long)i * d;
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                double diff = c[xo + j] - c[io + j];
                s += diff * diff;
            }
            int ni = size[i];
            double dist = 2.0 * nx * ni / (nx + ni) * s;
            if (dist < best)
            {
                best = dist;
                y = i;
            }
        }
    }

#if NET
    /// <summary>d = 8 specialisation: the squared norm is summed lane-wise then pairwise, so it is not bit-identical
    /// to the scalar loop; the chosen neighbour only differs on exact ties at the last bit.</summary>
    [MethodImpl(Hot.Optimize)]
    private static void ScanD8(double[] c, int[] size, int[] active, int activeCount, int x, int nx, ref int y, ref double best)
    {
        ref double cr = ref MemoryMarshal.GetArrayDataReference(c);
        var x0 = Vector256.LoadUnsafe(ref cr, (nuint)(x * 8));
        var x1 = Vector256.LoadUnsafe(ref cr, (nuint)(x * 8 + 4));
        for (int t = 0; t < activeCount; t++)
        {
            int i = active[t];
            if (i == x) continue;
            var d0 = x0 - Vector256.LoadUnsafe(ref cr, (nuint)(i * 8));
            var d1 = x1 - Vector256.LoadUnsafe(ref cr, (nuint)(i * 8 + 4));
            double s = Vector256.Sum(d0 * d0 + d1 * d1);
            int ni = size[i];
            double dist = 2.0 * nx * ni / (nx + ni) * s;
            if (dist < best)
            {
                best = dist;
                y = i;
            }
        }
    }
#endif

    /// <summary>Average, complete or single linkage on the condensed distance matrix with Lance–Williams updates.</summary>
    [MethodImpl(Hot.Optimize)]
    internal static LinkageMatrix FromDistanceMatrix(FeatureMatrix data, Linkage linkage)
    {
        int n = data.Rows, d = data.Columns;
        var x = data.Values;
        var dist = new double[(long)n * (n - 1) / 2];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double s = 0;
                for (int t = 0; t < d; t++)
                {
                    double diff = x[(long)i * d + t] - x[(long)j * d + t];
                    s += diff * diff;
                }
                dist[Condensed(n, i, j)] = Math.Sqrt(s);
            }
        var size = new int[n];
        for (int i = 0; i < n; i++) size[i] = 1;
        var chain = new int[n];
        int chainLength = 0;
        var zx = new int[n - 1];
        var zy = new int[n - 1];
        var zh = new double[n - 1];
        var zs = new int[n - 1];
        for (int k = 0; k < n - 1; k++)
        {
            if (chainLength == 0)
            {
                for (int i = 0; i < n; i++)
                    if (size[i] > 0)
                    {
                        chain[0] = i;
                        break;
                    }
                chainLength = 1;
            }
            int a, b;
            double best;
            while (true)
            {
                a = chain[chainLength - 1];
                b = -1;
                best = double.PositiveInfinity;
                if (chainLength > 1)
                {
                    b = chain[chainLength - 2];
                    best = dist[Condensed(n, a, b)];
                }
                for (int i = 0; i < n; i++)
                {
                    if (size[i] == 0 || i == a) continue;
                    double v = dist[Condensed(n, a, i)];
                    if (v < best)
                    {
                        best = v;
                        b = i;
                    }
                }
                if (chainLength > 1 && b == chain[chainLength - 2]) break;
                chain[chainLength++] = b;
            }
            chainLength -= 2;
            if (a > b) (a, b) = (b, a);
            int na = size[a], nb = size[b];
            zx[k] = a;
            zy[k] = b;
            zh[k] = best;
            zs[k] = na + nb;
            size[a] = 0;
            size[b] = na + nb;
            for (int i = 0; i < n; i++)
            {
                int ni = size[i];
                if (ni == 0 || i == b) continue;
                double dai = dist[Condensed(n, i, a)], dbi = dist[Condensed(n, i, b)];
                double v = linkage switch
                {
                    Linkage.Complete => Math.Max(dai, dbi),
                    Linkage.Single => Math.Min(dai, dbi),
                    _ => (na * dai + nb * dbi) / (na + nb),
                };
                dist[Condensed(n, i, b)] = v;
            }
        }
        return Finish(n, zx, zy, zh, zs, linkage);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Condensed(int n, int i, int j)
    {
        if (i > j) (i, j) = (j, i);
        return (long)n * i - (long)i * (i + 1) / 2 + (j - i - 1);
    }

    /// <summary>Stable sort by height, then scipy's <c>label</c>: union-find renaming to ids n + merge.</summary>
    private static LinkageMatrix Finish(int n, int[] zx, int[] zy, double[] zh, int[] zs, Linkage linkage)
    {
        int m = n - 1;
        var order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        // Stable merge sort on height (Array.Sort is not stable): sort keys (height, index).
        Array.Sort(order, (p, q) =>
        {
            int c = zh[p].CompareTo(zh[q]);
            return c != 0 ? c : p.CompareTo(q);
        });
        var parent = new int[2 * n - 1];
        var next = n;
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int v)
        {
            int r = v;
            while (parent[r] != r) r = parent[r];
            while (parent[v] != r)
            {
                int t = parent[v];
                parent[v] = r;
                v = t;
            }
            return r;
        }
        var left = new int[m];
        var right = new int[m];
        var height = new double[m];
        var sizes = new int[m];
        for (int i = 0; i < m; i++)
        {
            int o = order[i];
            int a = Find(zx[o]), b = Find(zy[o]);
            if (a > b) (a, b) = (b, a);
            left[i] = a;
            right[i] = b;
            height[i] = zh[o];
            sizes[i] = zs[o];
            parent[a] = next;
            parent[b] = next;
            next++;
        }
        return new LinkageMatrix(n, left, right, height, sizes, linkage);
    }
}
