#if NET
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Centres laid out for SIMD assignment (net10 only): centres in groups of eight lanes (one Vector512, for k ≥ 5
/// where Vector512 is accelerated) or four (one Vector256), one vector per group and dimension holding the group's
/// coordinates (lanes = centres). A row's coordinate is broadcast and
/// multiplied then added (no fused multiply-add) so that every lane computes exactly the scalar dot product of
/// <see cref="LloydKernel.NearestScalar"/>, in the same order: identical labels to the net48 build.
/// Padding lanes have a norm of +∞ and are never chosen.
/// </summary>
/// <remarks>
/// When partial sums are requested, each block of four rows is added to its clusters' sums while the rows are still in
/// L1: the matrix is read once per iteration. Each (cluster, dimension) sum receives the rows of the chunk in row
/// order, exactly as the scalar loop of <see cref="LloydKernel"/> does, so the sums are identical too. One group of
/// centres with 8 or 16 columns (the common case of customer features) runs <see cref="AssignOneGroupHeld"/>: the
/// table in registers, the dot products unrolled, the sums added inline one block late (same-process A/B on 1M × 16,
/// k = 8, two threads: CPU per iteration 9.5 – 10.9 ms against 12.5 – 16.9 ms). Adding the sums one block late in the
/// other loops, where it is a call, made the two-group loop twice as slow (the call spills the live accumulators).
/// </remarks>
internal sealed class KMeansCenterTable
{
    private readonly double[] _table; // [group][dimension][lane]
    private readonly double[] _norms; // [group][lane]
    private readonly int _groups;
    private readonly int _width;

    private readonly bool _wideSums;

    private KMeansCenterTable(double[] table, double[] norms, int groups, int width, bool canVectorize, bool wideSums = false)
    {
        _wideSums = wideSums;
        _table = table;
        _norms = norms;
        _groups = groups;
        _width = width;
        CanVectorize = canVectorize;
    }

    internal bool CanVectorize { get; }

    /// <summary>Lanes per table vector: 8 (Vector512), 4 (Vector256); 0 when the scalar loop is used.</summary>
    internal int Width => CanVectorize ? _width : 0;

    /// <summary>
    /// Builds the table for <paramref name="simd"/>: <see cref="LloydSimd.Auto"/> takes Vector512 for k ≥ 5 when it
    /// is accelerated and Vector256 otherwise; a forced width that the CPU does not accelerate, k = 1 and
    /// <see cref="LloydSimd.Scalar"/> give a table that cannot vectorize (the caller runs the scalar loop).
    /// </summary>
    internal static KMeansCenterTable Create(double[] centers, double[] cn, int k, int d, LloydSimd simd = LloydSimd.Auto)
    {
        int width = simd switch
        {
            LloydSimd.Scalar => 0,
            LloydSimd.Vector256 => Vector256.IsHardwareAccelerated ? 4 : 0,
            LloydSimd.Vector512 => Vector512.IsHardwareAccelerated ? 8 : 0,
            _ => k > 4 && Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 4 : 0,
        };
        if (width == 0 || k < 2) return new KMeansCenterTable(Array.Empty<double>(), Array.Empty<double>(), 0, 4, false);
        int groups = (k + width - 1) / width;
        var table = new double[groups * d * width];
        var norms = new double[groups * width];
        for (int g = 0; g < groups; g++)
        {
            for (int lane = 0; lane < width; lane++)
            {
                int c = g * width + lane;
                norms[g * width + lane] = c < k ? cn[c] : double.PositiveInfinity;
                for (int j = 0; j < d; j++) table[(g * d + j) * width + lane] = c < k ? centers[c * d + j] : 0.0;
            }
        }
        // Row sums use Vector512 adds whenever it is accelerated, unless Vector256 was forced (the path of a CPU without it).
        bool wideSums = Vector512.IsHardwareAccelerated && (width == 8 || simd == LloydSimd.Auto);
        return new KMeansCenterTable(table, norms, groups, width, true, wideSums);
    }

    /// <summary>
    /// Assigns rows [start, end); returns the number of labels that changed. With <paramref name="sums"/>, adds each
    /// row (times its weight) to <paramref name="sums"/>[so + label·d …] and its weight to
    /// <paramref name="weights"/>[wo + label]; both slices must be zero on entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal long AssignRange(double[] x, int start, int end, int d, double[]? w, int[] labels,
        double[]? sums, long so, double[]? weights, long wo)
    {
        var acc = sums is null ? null : new RowSums(x, d, w, sums, so, weights!, wo, _wideSums);
        return _width == 8
            ? Assign<Lanes8, Vector512<double>>(x, start, end, d, labels, acc)
            : Assign<Lanes4, Vector256<double>>(x, start, end, d, labels, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long Assign<TL, TV>(double[] x, int start, int end, int d, int[] labels, RowSums? acc)
        where TL : struct, ILanes<TV> where TV : struct
    {
        return _groups switch
        {
            // The held-table loops add the sums with Vector512 (inlined, so that the loop makes no call).
            1 when d == 16 && _wideSums => acc is not null && acc.Weighted
                ? AssignOneGroupHeld<TL, TV, Columns16, Weighted>(x, start, end, labels, acc)
                : AssignOneGroupHeld<TL, TV, Columns16, Unweighted>(x, start, end, labels, acc),
            1 when d == 8 && _wideSums => acc is not null && acc.Weighted
                ? AssignOneGroupHeld<TL, TV, Columns8, Weighted>(x, start, end, labels, acc)
                : AssignOneGroupHeld<TL, TV, Columns8, Unweighted>(x, start, end, labels, acc),
            1 => AssignOneGroup<TL, TV>(x, start, end, d, labels, acc),
            2 => AssignTwoGroups<TL, TV>(x, start, end, d, labels, acc),
            _ => AssignGeneral<TL, TV>(x, start, end, d, labels, acc),
        };
    }

    /// <summary>One group of centres: four rows at a time, one table vector per dimension shared by the rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long AssignOneGroup<TL, TV>(double[] x, int start, int end, int d, int[] labels, RowSums? acc)
        where TL : struct, ILanes<TV> where TV : struct
    {
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(_table);
        ref int lr = ref MemoryMarshal.GetArrayDataReference(labels);
        var n0 = TL.Load(ref MemoryMarshal.GetArrayDataReference(_norms), 0);
        nuint width = (nuint)TL.Width;
        long changes = 0;
        int i = start;
        for (; i + 4 <= end; i += 4)
        {
            TV a0 = default, a1 = default, a2 = default, a3 = default;
            ref double p0 = ref Unsafe.Add(ref xr, (nuint)((long)i * d));
            ref double p1 = ref Unsafe.Add(ref p0, (nuint)d);
            ref double p2 = ref Unsafe.Add(ref p1, (nuint)d);
            ref double p3 = ref Unsafe.Add(ref p2, (nuint)d);
            ref double t = ref tr;
            nuint j = 0;
            for (; j + 2 <= (nuint)d; j += 2)
            {
                // Two dimensions per pass (fewer loop instructions); each accumulator still takes them in order.
                var t0 = TL.Load(ref t, 0);
                var t1 = TL.Load(ref t, width);
                a0 = TL.MultiplyAdd(TL.MultiplyAdd(a0, Unsafe.Add(ref p0, j), t0), Unsafe.Add(ref p0, j + 1), t1);
                a1 = TL.MultiplyAdd(TL.MultiplyAdd(a1, Unsafe.Add(ref p1, j), t0), Unsafe.Add(ref p1, j + 1), t1);
                a2 = TL.MultiplyAdd(TL.MultiplyAdd(a2, Unsafe.Add(ref p2, j), t0), Unsafe.Add(ref p2, j + 1), t1);
                a3 = TL.MultiplyAdd(TL.MultiplyAdd(a3, Unsafe.Add(ref p3, j), t0), Unsafe.Add(ref p3, j + 1), t1);
                t = ref Unsafe.Add(ref t, 2 * width);
            }
            if (j < (nuint)d)
            {
                var t0 = TL.Load(ref t, 0);
                a0 = TL.MultiplyAdd(a0, Unsafe.Add(ref p0, j), t0);
                a1 = TL.MultiplyAdd(a1, Unsafe.Add(ref p1, j), t0);
                a2 = TL.MultiplyAdd(a2, Unsafe.Add(ref p2, j), t0);
                a3 = TL.MultiplyAdd(a3, Unsafe.Add(ref p3, j), t0);
            }
            changes += Relabel(ref lr, i, ArgMin<TL, TV>(TL.Distance(n0, a0)));
            changes += Relabel(ref lr, i + 1, ArgMin<TL, TV>(TL.Distance(n0, a1)));
            changes += Relabel(ref lr, i + 2, ArgMin<TL, TV>(TL.Distance(n0, a2)));
            changes += Relabel(ref lr, i + 3, ArgMin<TL, TV>(TL.Distance(n0, a3)));
            acc?.AddBlock(labels, i);
        }
        for (; i < end; i++)
        {
            TV a0 = default;
            nuint r0 = (nuint)((long)i * d);
            for (int j = 0; j < d; j++) a0 = TL.MultiplyAdd(a0, Unsafe.Add(ref xr, r0 + (nuint)j), TL.Load(ref tr, (nuint)j * width));
            changes += Relabel(ref lr, i, ArgMin<TL, TV>(TL.Distance(n0, a0)));
            acc?.AddRows(labels, i, i + 1);
        }
        return changes;
    }

    /// <summary>
    /// One group of centres and 8 or 16 columns (<typeparamref name="TC"/>): the table is held in registers for the
    /// whole range (8 or 16 vectors, loaded once instead of once per block, which leaves the load ports to the row
    /// coordinates), each dot product is unrolled, and a block's rows are added to the sums after the next block's dot
    /// products are issued (the loads and stores of the sums then overlap that arithmetic instead of waiting behind the
    /// block's argmin). Same products and additions in the same order as <see cref="AssignOneGroup"/>, except that each
    /// dot product starts from its first product instead of 0 + that product: the two differ at most in the sign of a
    /// zero, which ‖c‖² − 2·dot does not see, so the labels are those of the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long AssignOneGroupHeld<TL, TV, TC, TW>(double[] x, int start, int end, int[] labels, RowSums? acc)
        where TL : struct, ILanes<TV> where TV : struct where TC : struct, IColumns where TW : struct, IWeighting
    {
        int d = TC.Count;
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(_table);
        ref int lr = ref MemoryMarshal.GetArrayDataReference(labels);
        var n0 = TL.Load(ref MemoryMarshal.GetArrayDataReference(_norms), 0);
        nuint width = (nuint)TL.Width;
        TV t0 = TL.Load(ref tr, 0), t1 = TL.Load(ref tr, width), t2 = TL.Load(ref tr, 2 * width), t3 = TL.Load(ref tr, 3 * width);
        TV t4 = TL.Load(ref tr, 4 * width), t5 = TL.Load(ref tr, 5 * width), t6 = TL.Load(ref tr, 6 * width), t7 = TL.Load(ref tr, 7 * width);
        TV t8 = default, t9 = default, t10 = default, t11 = default, t12 = default, t13 = default, t14 = default, t15 = default;
        if (TC.Count == 16)
        {
            t8 = TL.Load(ref tr, 8 * width);
            t9 = TL.Load(ref tr, 9 * width);
            t10 = TL.Load(ref tr, 10 * width);
            t11 = TL.Load(ref tr, 11 * width);
            t12 = TL.Load(ref tr, 12 * width);
            t13 = TL.Load(ref tr, 13 * width);
            t14 = TL.Load(ref tr, 14 * width);
            t15 = TL.Load(ref tr, 15 * width);
        }
        // The sums are added here rather than by RowSums (a call would make the loop spill the table).
        ref double sr = ref Unsafe.NullRef<double>();
        ref double cw = ref Unsafe.NullRef<double>();
        ref double rw = ref Unsafe.NullRef<double>();
        if (acc is not null)
        {
            sr = ref acc.SumsStart;
            cw = ref acc.WeightsStart;
            rw = ref acc.RowWeights;
        }
        long changes = 0;
        int i = start;
        int pending = -1, q0 = 0, q1 = 0, q2 = 0, q3 = 0; // the block whose sums are still to be added, and its labels
        for (; i + 4 <= end; i += 4)
        {
            ref double p0 = ref Unsafe.Add(ref xr, (nuint)((long)i * d));
            TV a0 = Dot<TL, TV, TC>(ref p0, t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);
            TV a1 = Dot<TL, TV, TC>(ref Unsafe.Add(ref p0, (nuint)d), t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);
            TV a2 = Dot<TL, TV, TC>(ref Unsafe.Add(ref p0, (nuint)(2 * d)), t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);
            TV a3 = Dot<TL, TV, TC>(ref Unsafe.Add(ref p0, (nuint)(3 * d)), t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);
            if (pending >= 0) AddBlockHeld<TC, TW>(ref xr, ref sr, ref cw, ref rw, pending, q0, q1, q2, q3);
            q0 = ArgMin<TL, TV>(TL.Distance(n0, a0));
            q1 = ArgMin<TL, TV>(TL.Distance(n0, a1));
            q2 = ArgMin<TL, TV>(TL.Distance(n0, a2));
            q3 = ArgMin<TL, TV>(TL.Distance(n0, a3));
            changes += Relabel(ref lr, i, q0) + Relabel(ref lr, i + 1, q1) + Relabel(ref lr, i + 2, q2) + Relabel(ref lr, i + 3, q3);
            if (acc is not null) pending = i;
        }
        if (pending >= 0) AddBlockHeld<TC, TW>(ref xr, ref sr, ref cw, ref rw, pending, q0, q1, q2, q3);
        for (; i < end; i++)
        {
            TV a0 = Dot<TL, TV, TC>(ref Unsafe.Add(ref xr, (nuint)((long)i * d)), t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);
            changes += Relabel(ref lr, i, ArgMin<TL, TV>(TL.Distance(n0, a0)));
            acc?.AddRows(labels, i, i + 1);
        }
        return changes;
    }

    /// <summary>
    /// <see cref="RowSums.AddBlock"/> for 8 or 16 columns, with the block's labels passed in (held in registers by the
    /// caller) and Vector512 adds: the four rows are loaded before the first sum is stored; each (cluster, column) sum
    /// takes the rows in row order, so the bits are those of the scalar loop. <paramref name="sums"/> and
    /// <paramref name="clusterWeights"/> are the chunk's slices, <paramref name="rowWeights"/> the row weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddBlockHeld<TC, TW>(ref double x, ref double sums, ref double clusterWeights, ref double rowWeights,
        int from, int l0, int l1, int l2, int l3) where TC : struct, IColumns where TW : struct, IWeighting
    {
        int d = TC.Count;
        ref double r = ref Unsafe.Add(ref x, (nuint)((long)from * d));
        var v0 = Vector512.LoadUnsafe(ref r, 0);
        var v2 = Vector512.LoadUnsafe(ref r, (nuint)d);
        var v4 = Vector512.LoadUnsafe(ref r, (nuint)(2 * d));
        var v6 = Vector512.LoadUnsafe(ref r, (nuint)(3 * d));
        Vector512<double> v1 = default, v3 = default, v5 = default, v7 = default;
        if (TC.Count == 16)
        {
            v1 = Vector512.LoadUnsafe(ref r, 8);
            v3 = Vector512.LoadUnsafe(ref r, 24);
            v5 = Vector512.LoadUnsafe(ref r, 40);
            v7 = Vector512.LoadUnsafe(ref r, 56);
        }
        double w0 = 1.0, w1 = 1.0, w2 = 1.0, w3 = 1.0;
        if (TW.Weighted)
        {
            ref double wi = ref Unsafe.Add(ref rowWeights, (nuint)from);
            w0 = wi;
            w1 = Unsafe.Add(ref wi, 1);
            w2 = Unsafe.Add(ref wi, 2);
            w3 = Unsafe.Add(ref wi, 3);
            v0 *= Vector512.Create(w0);
            v2 *= Vector512.Create(w1);
            v4 *= Vector512.Create(w2);
            v6 *= Vector512.Create(w3);
            if (TC.Count == 16)
            {
                v1 *= Vector512.Create(w0);
                v3 *= Vector512.Create(w1);
                v5 *= Vector512.Create(w2);
                v7 *= Vector512.Create(w3);
            }
        }
        ref double s0 = ref Unsafe.Add(ref sums, (nuint)(l0 * d));
        ref double s1 = ref Unsafe.Add(ref sums, (nuint)(l1 * d));
        ref double s2 = ref Unsafe.Add(ref sums, (nuint)(l2 * d));
        ref double s3 = ref Unsafe.Add(ref sums, (nuint)(l3 * d));
        (Vector512.LoadUnsafe(ref s0) + v0).StoreUnsafe(ref s0);
        if (TC.Count == 16) (Vector512.LoadUnsafe(ref s0, 8) + v1).StoreUnsafe(ref s0, 8);
        (Vector512.LoadUnsafe(ref s1) + v2).StoreUnsafe(ref s1);
        if (TC.Count == 16) (Vector512.LoadUnsafe(ref s1, 8) + v3).StoreUnsafe(ref s1, 8);
        (Vector512.LoadUnsafe(ref s2) + v4).StoreUnsafe(ref s2);
        if (TC.Count == 16) (Vector512.LoadUnsafe(ref s2, 8) + v5).StoreUnsafe(ref s2, 8);
        (Vector512.LoadUnsafe(ref s3) + v6).StoreUnsafe(ref s3);
        if (TC.Count == 16) (Vector512.LoadUnsafe(ref s3, 8) + v7).StoreUnsafe(ref s3, 8);
        Unsafe.Add(ref clusterWeights, (nuint)l0) += w0;
        Unsafe.Add(ref clusterWeights, (nuint)l1) += w1;
        Unsafe.Add(ref clusterWeights, (nuint)l2) += w2;
        Unsafe.Add(ref clusterWeights, (nuint)l3) += w3;
    }

    /// <summary>Σⱼ p[j]·tⱼ over the <typeparamref name="TC"/> columns, left to right, multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Dot<TL, TV, TC>(ref double p, TV t0, TV t1, TV t2, TV t3, TV t4, TV t5, TV t6, TV t7,
        TV t8, TV t9, TV t10, TV t11, TV t12, TV t13, TV t14, TV t15)
        where TL : struct, ILanes<TV> where TV : struct where TC : struct, IColumns
    {
        TV a = TL.Multiply(p, t0);
        a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 1), t1);
        a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 2), t2);
        a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 3), t3);
        a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 4), t4);
        a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 5), t5);
        a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 6), t6);
        a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 7), t7);
        if (TC.Count == 16)
        {
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 8), t8);
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 9), t9);
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 10), t10);
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 11), t11);
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 12), t12);
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 13), t13);
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 14), t14);
            a = TL.MultiplyAdd(a, Unsafe.Add(ref p, 15), t15);
        }
        return a;
    }

    /// <summary>The column counts with a held-table path.</summary>
    private interface IColumns
    {
        static abstract int Count { get; }
    }

    private readonly struct Columns8 : IColumns
    {
        public static int Count => 8;
    }

    private readonly struct Columns16 : IColumns
    {
        public static int Count => 16;
    }

    /// <summary>Whether the rows carry weights (a type parameter, so that the unweighted loop holds no weight code).</summary>
    private interface IWeighting
    {
        static abstract bool Weighted { get; }
    }

    private readonly struct Weighted : IWeighting
    {
        static bool IWeighting.Weighted => true;
    }

    private readonly struct Unweighted : IWeighting
    {
        static bool IWeighting.Weighted => false;
    }

    /// <summary>Two groups of centres: four rows at a time, each row coordinate used for both groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long AssignTwoGroups<TL, TV>(double[] x, int start, int end, int d, int[] labels, RowSums? acc)
        where TL : struct, ILanes<TV> where TV : struct
    {
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(_table);
        ref int lr = ref MemoryMarshal.GetArrayDataReference(labels);
        nuint width = (nuint)TL.Width;
        var n0 = TL.Load(ref MemoryMarshal.GetArrayDataReference(_norms), 0);
        var n1 = TL.Load(ref MemoryMarshal.GetArrayDataReference(_norms), width);
        nuint g1 = (nuint)d * width;
        long changes = 0;
        int i = start;
        for (; i + 4 <= end; i += 4)
        {
            TV a00 = default, a01 = default, a10 = default, a11 = default;
            TV a20 = default, a21 = default, a30 = default, a31 = default;
            nuint r0 = (nuint)((long)i * d), r1 = r0 + (nuint)d, r2 = r1 + (nuint)d, r3 = r2 + (nuint)d;
            for (int j = 0; j < d; j++)
            {
                nuint tj = (nuint)j * width;
                var t0 = TL.Load(ref tr, tj);
                var t1 = TL.Load(ref tr, g1 + tj);
                double x0 = Unsafe.Add(ref xr, r0 + (nuint)j), x1 = Unsafe.Add(ref xr, r1 + (nuint)j);
                double x2 = Unsafe.Add(ref xr, r2 + (nuint)j), x3 = Unsafe.Add(ref xr, r3 + (nuint)j);
                a00 = TL.MultiplyAdd(a00, x0, t0); a01 = TL.MultiplyAdd(a01, x0, t1);
                a10 = TL.MultiplyAdd(a10, x1, t0); a11 = TL.MultiplyAdd(a11, x1, t1);
                a20 = TL.MultiplyAdd(a20, x2, t0); a21 = TL.MultiplyAdd(a21, x2, t1);
                a30 = TL.MultiplyAdd(a30, x3, t0); a31 = TL.MultiplyAdd(a31, x3, t1);
            }
            changes += Relabel(ref lr, i, ArgMin<TL, TV>(TL.Distance(n0, a00), TL.Distance(n1, a01)));
            changes += Relabel(ref lr, i + 1, ArgMin<TL, TV>(TL.Distance(n0, a10), TL.Distance(n1, a11)));
            changes += Relabel(ref lr, i + 2, ArgMin<TL, TV>(TL.Distance(n0, a20), TL.Distance(n1, a21)));
            changes += Relabel(ref lr, i + 3, ArgMin<TL, TV>(TL.Distance(n0, a30), TL.Distance(n1, a31)));
            acc?.AddBlock(labels, i);
        }
        for (; i < end; i++)
        {
            TV a0 = default, a1 = default;
            nuint r0 = (nuint)((long)i * d);
            for (int j = 0; j < d; j++)
            {
                nuint tj = (nuint)j * width;
                double x0 = Unsafe.Add(ref xr, r0 + (nuint)j);
                a0 = TL.MultiplyAdd(a0, x0, TL.Load(ref tr, tj));
                a1 = TL.MultiplyAdd(a1, x0, TL.Load(ref tr, g1 + tj));
            }
            changes += Relabel(ref lr, i, ArgMin<TL, TV>(TL.Distance(n0, a0), TL.Distance(n1, a1)));
            acc?.AddRows(labels, i, i + 1);
        }
        return changes;
    }

    /// <summary>Any number of groups, one row at a time, lanes compared one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long AssignGeneral<TL, TV>(double[] x, int start, int end, int d, int[] labels, RowSums? acc)
        where TL : struct, ILanes<TV> where TV : struct
    {
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(_table);
        ref double nr = ref MemoryMarshal.GetArrayDataReference(_norms);
        ref int lr = ref MemoryMarshal.GetArrayDataReference(labels);
        int width = TL.Width;
        long changes = 0;
        for (int i = start; i < end; i++)
        {
            nuint r0 = (nuint)((long)i * d);
            int best = 0;
            double bestDist = double.PositiveInfinity;
            for (int g = 0; g < _groups; g++)
            {
                TV a = default;
                nuint go = (nuint)(g * d * width);
                for (int j = 0; j < d; j++)
                    a = TL.MultiplyAdd(a, Unsafe.Add(ref xr, r0 + (nuint)j), TL.Load(ref tr, go + (nuint)(j * width)));
                var dist = TL.Distance(TL.Load(ref nr, (nuint)(g * width)), a);
                for (int lane = 0; lane < width; lane++)
                {
                    double v = TL.Element(dist, lane);
                    if (v < bestDist)
                    {
                        bestDist = v;
                        best = g * width + lane;
                    }
                }
            }
            changes += Relabel(ref lr, i, best);
            acc?.AddRows(labels, i, i + 1);
        }
        return changes;
    }

    /// <summary>Writes the label of row <paramref name="i"/>; 1 if it changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Relabel(ref int lr, int i, int best)
    {
        ref int l = ref Unsafe.Add(ref lr, i);
        if (l == best) return 0;
        l = best;
        return 1;
    }

    /// <summary>
    /// Lowest lane holding the minimum, as the scalar loop's strict "&lt;" picks it: NaN lanes (never picked by the
    /// scalar loop) become +∞ first, so the native minimum is exact and always equals at least one lane; when every
    /// lane is +∞ or NaN that is lane 0, the scalar loop's answer too. No branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ArgMin<TL, TV>(TV dist) where TL : struct, ILanes<TV> where TV : struct
    {
        var c = TL.WithoutNaN(dist);
        return BitOperations.TrailingZeroCount(TL.Equal(c, TL.MinAll(c)));
    }

    /// <summary>The same over two groups (lanes of <paramref name="d1"/> follow those of <paramref name="d0"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ArgMin<TL, TV>(TV d0, TV d1) where TL : struct, ILanes<TV> where TV : struct
    {
        var c0 = TL.WithoutNaN(d0);
        var c1 = TL.WithoutNaN(d1);
        var h = TL.MinAll(TL.MinNative(c0, c1));
        return BitOperations.TrailingZeroCount(TL.Equal(c0, h) | (TL.Equal(c1, h) << TL.Width));
    }

    /// <summary>
    /// The vector operations the assignment loops need, for four lanes (Vector256) and eight (Vector512); the JIT
    /// compiles each loop once per width, with these calls inlined.
    /// </summary>
    private interface ILanes<TV> where TV : struct
    {
        static abstract int Width { get; }
        static abstract TV Load(ref double source, nuint offset);
        /// <summary>x·t lane by lane.</summary>
        static abstract TV Multiply(double x, TV t);
        /// <summary>sum + x·t lane by lane, multiply then add (two roundings, as the scalar loop).</summary>
        static abstract TV MultiplyAdd(TV sum, double x, TV t);
        /// <summary>norms − 2·dot.</summary>
        static abstract TV Distance(TV norms, TV dot);
        /// <summary>The lanes with NaN replaced by +∞.</summary>
        static abstract TV WithoutNaN(TV v);
        /// <summary>Native minimum lane by lane (exact when no lane is NaN).</summary>
        static abstract TV MinNative(TV a, TV b);
        /// <summary>
        /// The smallest lane by the native minimum (exact when no lane is NaN) in every lane: three shuffle-and-minimum
        /// steps that stay in the vector register (a reduction through the lower halves then needed a broadcast).
        /// </summary>
        static abstract TV MinAll(TV v);
        /// <summary>Bit mask of the lanes of <paramref name="v"/> equal to those of <paramref name="h"/>.</summary>
        static abstract uint Equal(TV v, TV h);
        static abstract double Element(TV v, int lane);
    }

    private readonly struct Lanes4 : ILanes<Vector256<double>>
    {
        public static int Width => 4;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Load(ref double source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Multiply(double x, Vector256<double> t) => Vector256.Create(x) * t;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> MultiplyAdd(Vector256<double> sum, double x, Vector256<double> t) => sum + Vector256.Create(x) * t;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> WithoutNaN(Vector256<double> v) => Vector256.ConditionalSelect(Vector256.Equals(v, v), v, Vector256.Create(double.PositiveInfinity));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Distance(Vector256<double> norms, Vector256<double> dot) => norms - Vector256.Create(2.0) * dot;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> MinNative(Vector256<double> a, Vector256<double> b) => Vector256.MinNative(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> MinAll(Vector256<double> v)
        {
            var m = Vector256.MinNative(v, Vector256.Shuffle(v, Vector256.Create(2L, 3, 0, 1)));
            return Vector256.MinNative(m, Vector256.Shuffle(m, Vector256.Create(1L, 0, 3, 2)));
        }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static uint Equal(Vector256<double> v, Vector256<double> h) => Vector256.Equals(v, h).ExtractMostSignificantBits();
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Element(Vector256<double> v, int lane) => v.GetElement(lane);
    }

    private readonly struct Lanes8 : ILanes<Vector512<double>>
    {
        public static int Width => 8;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Load(ref double source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Multiply(double x, Vector512<double> t) => Vector512.Create(x) * t;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> MultiplyAdd(Vector512<double> sum, double x, Vector512<double> t) => sum + Vector512.Create(x) * t;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> WithoutNaN(Vector512<double> v) => Vector512.ConditionalSelect(Vector512.Equals(v, v), v, Vector512.Create(double.PositiveInfinity));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Distance(Vector512<double> norms, Vector512<double> dot) => norms - Vector512.Create(2.0) * dot;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> MinNative(Vector512<double> a, Vector512<double> b) => Vector512.MinNative(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> MinAll(Vector512<double> v)
        {
            var m = Vector512.MinNative(v, Vector512.Shuffle(v, Vector512.Create(4L, 5, 6, 7, 0, 1, 2, 3)));
            m = Vector512.MinNative(m, Vector512.Shuffle(m, Vector512.Create(2L, 3, 0, 1, 6, 7, 4, 5)));
            return Vector512.MinNative(m, Vector512.Shuffle(m, Vector512.Create(1L, 0, 3, 2, 5, 4, 7, 6)));
        }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static uint Equal(Vector512<double> v, Vector512<double> h) => (uint)Vector512.Equals(v, h).ExtractMostSignificantBits();
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Element(Vector512<double> v, int lane) => v.GetElement(lane);
    }

    /// <summary>Where the rows of one chunk are summed (the chunk's slices of the partial sums and weights).</summary>
    private sealed class RowSums
    {
        private readonly double[] _x;
        private readonly int _d;
        private readonly double[]? _w;
        private readonly double[] _sums;
        private readonly long _so;
        private readonly double[] _weights;
        private readonly long _wo;
        private readonly bool _wide;

        internal bool Weighted => _w is not null;

        /// <summary>The chunk's first cluster sum.</summary>
        internal ref double SumsStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_sums), (nuint)_so);

        /// <summary>The chunk's first cluster weight.</summary>
        internal ref double WeightsStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_weights), (nuint)_wo);

        /// <summary>The first row weight (a null reference when the rows carry none).</summary>
        internal ref double RowWeights => ref _w is null ? ref Unsafe.NullRef<double>() : ref MemoryMarshal.GetArrayDataReference(_w);

        internal RowSums(double[] x, int d, double[]? w, double[] sums, long so, double[] weights, long wo, bool wide)
        {
            _wide = wide;
            _x = x;
            _d = d;
            _w = w;
            _sums = sums;
            _so = so;
            _weights = weights;
            _wo = wo;
        }

        /// <summary>
        /// <see cref="AddRows"/> for the four rows [from, from + 4): per slab of columns, the four rows are loaded
        /// before any sum is stored (a load of the next row placed after a store to the sums waited on that store
        /// whenever their addresses looked alike; 13–15 % of an iteration, same-run A/B). Each (cluster, column) sum
        /// still takes the rows in row order, so the bits are those of <see cref="AddRows"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal void AddBlock(int[] labels, int from)
        {
            ref double xr = ref MemoryMarshal.GetArrayDataReference(_x);
            ref double sr = ref MemoryMarshal.GetArrayDataReference(_sums);
            int d = _d;
            nuint ud = (nuint)d;
            int l0 = labels[from], l1 = labels[from + 1], l2 = labels[from + 2], l3 = labels[from + 3];
            nuint x0 = (nuint)((long)from * d), x1 = x0 + ud, x2 = x1 + ud, x3 = x2 + ud;
            nuint s0 = (nuint)(_so + (long)l0 * d), s1 = (nuint)(_so + (long)l1 * d);
            nuint s2 = (nuint)(_so + (long)l2 * d), s3 = (nuint)(_so + (long)l3 * d);
            double w0 = 1.0, w1 = 1.0, w2 = 1.0, w3 = 1.0;
            bool weighted = _w is not null;
            if (weighted)
            {
                w0 = _w![from];
                w1 = _w[from + 1];
                w2 = _w[from + 2];
                w3 = _w[from + 3];
            }
            nuint j = 0;
            if (_wide && ud == 16)
            {
                // Sixteen columns (two vectors per row): all eight row vectors are loaded before the first store.
                var v0 = Vector512.LoadUnsafe(ref xr, x0);
                var v1 = Vector512.LoadUnsafe(ref xr, x0 + 8);
                var v2 = Vector512.LoadUnsafe(ref xr, x1);
                var v3 = Vector512.LoadUnsafe(ref xr, x1 + 8);
                var v4 = Vector512.LoadUnsafe(ref xr, x2);
                var v5 = Vector512.LoadUnsafe(ref xr, x2 + 8);
                var v6 = Vector512.LoadUnsafe(ref xr, x3);
                var v7 = Vector512.LoadUnsafe(ref xr, x3 + 8);
                if (weighted)
                {
                    var wv0 = Vector512.Create(w0);
                    var wv1 = Vector512.Create(w1);
                    var wv2 = Vector512.Create(w2);
                    var wv3 = Vector512.Create(w3);
                    v0 *= wv0;
                    v1 *= wv0;
                    v2 *= wv1;
                    v3 *= wv1;
                    v4 *= wv2;
                    v5 *= wv2;
                    v6 *= wv3;
                    v7 *= wv3;
                }
                (Vector512.LoadUnsafe(ref sr, s0) + v0).StoreUnsafe(ref sr, s0);
                (Vector512.LoadUnsafe(ref sr, s0 + 8) + v1).StoreUnsafe(ref sr, s0 + 8);
                (Vector512.LoadUnsafe(ref sr, s1) + v2).StoreUnsafe(ref sr, s1);
                (Vector512.LoadUnsafe(ref sr, s1 + 8) + v3).StoreUnsafe(ref sr, s1 + 8);
                (Vector512.LoadUnsafe(ref sr, s2) + v4).StoreUnsafe(ref sr, s2);
                (Vector512.LoadUnsafe(ref sr, s2 + 8) + v5).StoreUnsafe(ref sr, s2 + 8);
                (Vector512.LoadUnsafe(ref sr, s3) + v6).StoreUnsafe(ref sr, s3);
                (Vector512.LoadUnsafe(ref sr, s3 + 8) + v7).StoreUnsafe(ref sr, s3 + 8);
                j = 16;
            }
            else if (_wide)
            {
                var wv0 = Vector512.Create(w0);
                var wv1 = Vector512.Create(w1);
                var wv2 = Vector512.Create(w2);
                var wv3 = Vector512.Create(w3);
                for (; j + 8 <= ud; j += 8)
                {
                    var v0 = Vector512.LoadUnsafe(ref xr, x0 + j);
                    var v1 = Vector512.LoadUnsafe(ref xr, x1 + j);
                    var v2 = Vector512.LoadUnsafe(ref xr, x2 + j);
                    var v3 = Vector512.LoadUnsafe(ref xr, x3 + j);
                    if (weighted)
                    {
                        v0 *= wv0;
                        v1 *= wv1;
                        v2 *= wv2;
                        v3 *= wv3;
                    }
                    (Vector512.LoadUnsafe(ref sr, s0 + j) + v0).StoreUnsafe(ref sr, s0 + j);
                    (Vector512.LoadUnsafe(ref sr, s1 + j) + v1).StoreUnsafe(ref sr, s1 + j);
                    (Vector512.LoadUnsafe(ref sr, s2 + j) + v2).StoreUnsafe(ref sr, s2 + j);
                    (Vector512.LoadUnsafe(ref sr, s3 + j) + v3).StoreUnsafe(ref sr, s3 + j);
                }
            }
            if (j + 4 <= ud)
            {
                var wv0 = Vector256.Create(w0);
                var wv1 = Vector256.Create(w1);
                var wv2 = Vector256.Create(w2);
                var wv3 = Vector256.Create(w3);
                for (; j + 4 <= ud; j += 4)
                {
                    var v0 = Vector256.LoadUnsafe(ref xr, x0 + j);
                    var v1 = Vector256.LoadUnsafe(ref xr, x1 + j);
                    var v2 = Vector256.LoadUnsafe(ref xr, x2 + j);
                    var v3 = Vector256.LoadUnsafe(ref xr, x3 + j);
                    if (weighted)
                    {
                        v0 *= wv0;
                        v1 *= wv1;
                        v2 *= wv2;
                        v3 *= wv3;
                    }
                    (Vector256.LoadUnsafe(ref sr, s0 + j) + v0).StoreUnsafe(ref sr, s0 + j);
                    (Vector256.LoadUnsafe(ref sr, s1 + j) + v1).StoreUnsafe(ref sr, s1 + j);
                    (Vector256.LoadUnsafe(ref sr, s2 + j) + v2).StoreUnsafe(ref sr, s2 + j);
                    (Vector256.LoadUnsafe(ref sr, s3 + j) + v3).StoreUnsafe(ref sr, s3 + j);
                }
            }
            for (; j < ud; j++)
            {
                double v0 = Unsafe.Add(ref xr, x0 + j), v1 = Unsafe.Add(ref xr, x1 + j);
                double v2 = Unsafe.Add(ref xr, x2 + j), v3 = Unsafe.Add(ref xr, x3 + j);
                if (weighted)
                {
                    v0 *= w0;
                    v1 *= w1;
                    v2 *= w2;
                    v3 *= w3;
                }
                Unsafe.Add(ref sr, s0 + j) += v0;
                Unsafe.Add(ref sr, s1 + j) += v1;
                Unsafe.Add(ref sr, s2 + j) += v2;
                Unsafe.Add(ref sr, s3 + j) += v3;
            }
            _weights[_wo + l0] += w0;
            _weights[_wo + l1] += w1;
            _weights[_wo + l2] += w2;
            _weights[_wo + l3] += w3;
        }

        /// <summary>sums[label] += x[i]·w[i] for rows [from, to), lane by lane (multiply, then add: the scalar loop's bits).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal void AddRows(int[] labels, int from, int to)
        {
            ref double xr = ref MemoryMarshal.GetArrayDataReference(_x);
            ref double sr = ref MemoryMarshal.GetArrayDataReference(_sums);
            int d = _d;
            for (int i = from; i < to; i++)
            {
                int label = labels[i];
                nuint xo = (nuint)((long)i * d);
                nuint so = (nuint)(_so + (long)label * d);
                int j = 0;
                if (_w is null)
                {
                    if (_wide)
                    {
                        for (; j + 8 <= d; j += 8)
                            (Vector512.LoadUnsafe(ref sr, so + (nuint)j) + Vector512.LoadUnsafe(ref xr, xo + (nuint)j)).StoreUnsafe(ref sr, so + (nuint)j);
                    }
                    for (; j + 4 <= d; j += 4)
                        (Vector256.LoadUnsafe(ref sr, so + (nuint)j) + Vector256.LoadUnsafe(ref xr, xo + (nuint)j)).StoreUnsafe(ref sr, so + (nuint)j);
                    for (; j < d; j++) Unsafe.Add(ref sr, so + (nuint)j) += Unsafe.Add(ref xr, xo + (nuint)j);
                    _weights[_wo + label] += 1.0;
                }
                else
                {
                    double wi = _w[i];
                    var wv = Vector256.Create(wi);
                    for (; j + 4 <= d; j += 4)
                        (Vector256.LoadUnsafe(ref sr, so + (nuint)j) + Vector256.LoadUnsafe(ref xr, xo + (nuint)j) * wv).StoreUnsafe(ref sr, so + (nuint)j);
                    for (; j < d; j++) Unsafe.Add(ref sr, so + (nuint)j) += Unsafe.Add(ref xr, xo + (nuint)j) * wi;
                    _weights[_wo + label] += wi;
                }
            }
        }
    }
}
#endif
