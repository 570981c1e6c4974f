#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Centres laid out for Vector256 assignment (net10 only): centres in groups of four, one vector per group and
/// dimension holding the four centres' coordinate (lanes = centres). A row's coordinate is broadcast and
/// multiplied then added (no fused multiply-add) so that every lane computes exactly the scalar dot product of
/// <see cref="LloydKernel.NearestScalar"/>, in the same order: identical labels to the net48 build.
/// Padding lanes have a norm of +∞ and are never chosen.
/// </summary>
internal sealed class KMeansCenterTable
{
    private readonly double[] _table; // [group][dimension][lane]
    private readonly double[] _norms; // [group][lane]
    private readonly int _groups;

    private KMeansCenterTable(double[] table, double[] norms, int groups, int k, bool canVectorize)
    {
        _table = table;
        _norms = norms;
        _groups = groups;
        CanVectorize = canVectorize;
    }

    internal bool CanVectorize { get; }

    internal static KMeansCenterTable Create(double[] centers, double[] cn, int k, int d)
    {
        bool ok = Vector256.IsHardwareAccelerated && k >= 2;
        int groups = (k + 3) / 4;
        if (!ok) return new KMeansCenterTable(Array.Empty<double>(), Array.Empty<double>(), groups, k, false);
        var table = new double[groups * d * 4];
        var norms = new double[groups * 4];
        for (int g = 0; g < groups; g++)
        {
            for (int lane = 0; lane < 4; lane++)
            {
                int c = g * 4 + lane;
                norms[g * 4 + lane] = c < k ? cn[c] : double.PositiveInfinity;
                for (int j = 0; j < d; j++) table[(g * d + j) * 4 + lane] = c < k ? centers[c * d + j] : 0.0;
            }
        }
        return new KMeansCenterTable(table, norms, groups, k, true);
    }

    /// <summary>Assigns rows [start, end); returns the number of labels that changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal long AssignRange(double[] x, int start, int end, int d, int[] labels)
    {
        return _groups switch
        {
            1 => AssignOneGroup(x, start, end, d, labels),
            2 => AssignTwoGroups(x, start, end, d, labels),
            _ => AssignGeneral(x, start, end, d, labels),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long AssignTwoGroups(double[] x, int start, int end, int d, int[] labels)
    {
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(_table);
        var two = Vector256.Create(2.0);
        var n0 = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_norms), 0);
        var n1 = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_norms), 4);
        Span<double> buf = stackalloc double[8];
        long changes = 0;
        int i = start;
        nuint g1 = (nuint)(d * 4);
        for (; i + 4 <= end; i += 4)
        {
            var a00 = Vector256<double>.Zero; var a01 = Vector256<double>.Zero;
            var a10 = Vector256<double>.Zero; var a11 = Vector256<double>.Zero;
            var a20 = Vector256<double>.Zero; var a21 = Vector256<double>.Zero;
            var a30 = Vector256<double>.Zero; var a31 = Vector256<double>.Zero;
            nuint r0 = (nuint)((long)i * d), r1 = r0 + (nuint)d, r2 = r1 + (nuint)d, r3 = r2 + (nuint)d;
            for (int j = 0; j < d; j++)
            {
                nuint tj = (nuint)(j * 4);
                var t0 = Vector256.LoadUnsafe(ref tr, tj);
                var t1 = Vector256.LoadUnsafe(ref tr, g1 + tj);
                var x0 = Vector256.Create(Unsafe.Add(ref xr, r0 + (nuint)j));
                var x1 = Vector256.Create(Unsafe.Add(ref xr, r1 + (nuint)j));
                var x2 = Vector256.Create(Unsafe.Add(ref xr, r2 + (nuint)j));
                var x3 = Vector256.Create(Unsafe.Add(ref xr, r3 + (nuint)j));
                a00 += x0 * t0; a01 += x0 * t1;
                a10 += x1 * t0; a11 += x1 * t1;
                a20 += x2 * t0; a21 += x2 * t1;
                a30 += x3 * t0; a31 += x3 * t1;
            }
            changes += Pick(n0 - two * a00, n1 - two * a01, buf, labels, i);
            changes += Pick(n0 - two * a10, n1 - two * a11, buf, labels, i + 1);
            changes += Pick(n0 - two * a20, n1 - two * a21, buf, labels, i + 2);
            changes += Pick(n0 - two * a30, n1 - two * a31, buf, labels, i + 3);
        }
        for (; i < end; i++)
        {
            var a0 = Vector256<double>.Zero; var a1 = Vector256<double>.Zero;
            nuint r0 = (nuint)((long)i * d);
            for (int j = 0; j < d; j++)
            {
                nuint tj = (nuint)(j * 4);
                var x0 = Vector256.Create(Unsafe.Add(ref xr, r0 + (nuint)j));
                a0 += x0 * Vector256.LoadUnsafe(ref tr, tj);
                a1 += x0 * Vector256.LoadUnsafe(ref tr, g1 + tj);
            }
            changes += Pick(n0 - two * a0, n1 - two * a1, buf, labels, i);
        }
        return changes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long AssignOneGroup(double[] x, int start, int end, int d, int[] labels)
    {
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(_table);
        var two = Vector256.Create(2.0);
        var n0 = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_norms), 0);
        Span<double> buf = stackalloc double[4];
        long changes = 0;
        int i = start;
        for (; i + 4 <= end; i += 4)
        {
            var a0 = Vector256<double>.Zero; var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero; var a3 = Vector256<double>.Zero;
            nuint r0 = (nuint)((long)i * d), r1 = r0 + (nuint)d, r2 = r1 + (nuint)d, r3 = r2 + (nuint)d;
            for (int j = 0; j < d; j++)
            {
                var t0 = Vector256.LoadUnsafe(ref tr, (nuint)(j * 4));
                a0 += Vector256.Create(Unsafe.Add(ref xr, r0 + (nuint)j)) * t0;
                a1 += Vector256.Create(Unsafe.Add(ref xr, r1 + (nuint)j)) * t0;
                a2 += Vector256.Create(Unsafe.Add(ref xr, r2 + (nuint)j)) * t0;
                a3 += Vector256.Create(Unsafe.Add(ref xr, r3 + (nuint)j)) * t0;
            }
            changes += PickOne(n0 - two * a0, buf, labels, i);
            changes += PickOne(n0 - two * a1, buf, labels, i + 1);
            changes += PickOne(n0 - two * a2, buf, labels, i + 2);
            changes += PickOne(n0 - two * a3, buf, labels, i + 3);
        }
        for (; i < end; i++)
        {
            var a0 = Vector256<double>.Zero;
            nuint r0 = (nuint)((long)i * d);
            for (int j = 0; j < d; j++)
                a0 += Vector256.Create(Unsafe.Add(ref xr, r0 + (nuint)j)) * Vector256.LoadUnsafe(ref tr, (nuint)(j * 4));
            changes += PickOne(n0 - two * a0, buf, labels, i);
        }
        return changes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long AssignGeneral(double[] x, int start, int end, int d, int[] labels)
    {
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(_table);
        ref double nr = ref MemoryMarshal.GetArrayDataReference(_norms);
        var two = Vector256.Create(2.0);
        long changes = 0;
        for (int i = start; i < end; i++)
        {
            nuint r0 = (nuint)((long)i * d);
            int best = 0;
            double bestDist = double.PositiveInfinity;
            for (int g = 0; g < _groups; g++)
            {
                var a = Vector256<double>.Zero;
                nuint go = (nuint)(g * d * 4);
                for (int j = 0; j < d; j++)
                    a += Vector256.Create(Unsafe.Add(ref xr, r0 + (nuint)j)) * Vector256.LoadUnsafe(ref tr, go + (nuint)(j * 4));
                var dist = Vector256.LoadUnsafe(ref nr, (nuint)(g * 4)) - two * a;
                for (int lane = 0; lane < 4; lane++)
                {
                    double v = dist.GetElement(lane);
                    if (v < bestDist)
                    {
                        bestDist = v;
                        best = g * 4 + lane;
                    }
                }
            }
            if (labels[i] != best)
            {
                labels[i] = best;
                changes++;
            }
        }
        return changes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Pick(Vector256<double> d0, Vector256<double> d1, Span<double> buf, int[] labels, int i)
    {
        d0.CopyTo(buf);
        d1.CopyTo(buf.Slice(4));
        int best = 0;
        double bestDist = double.PositiveInfinity;
        for (int c = 0; c < 8; c++)
        {
            if (buf[c] < bestDist)
            {
                bestDist = buf[c];
                best = c;
            }
        }
        if (labels[i] == best) return 0;
        labels[i] = best;
        return 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PickOne(Vector256<double> d0, Span<double> buf, int[] labels, int i)
    {
        d0.CopyTo(buf);
        int best = 0;
        double bestDist = double.PositiveInfinity;
        for (int c = 0; c < 4; c++)
        {
            if (buf[c] < bestDist)
            {
                bestDist = buf[c];
                best = c;
            }
        }
        if (labels[i] == best) return 0;
        labels[i] = best;
        return 1;
    }
}
#endif
