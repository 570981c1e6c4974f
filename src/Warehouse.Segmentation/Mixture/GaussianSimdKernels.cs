#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.Mixture;

/// <summary>
/// Vector256 versions of the full-covariance E- and M-step loops of <see cref="GaussianComponents"/> (net10 only).
/// Every lane performs exactly the scalar operations in the scalar order (separate multiply and add, no fused
/// multiply-add; sums accumulated in the same sequence), so the results are bit-identical to the net48 build.
/// </summary>
/// <remarks>
/// E-step: lanes are rows. Eight rows are transposed into a small block, then per component the triangular solve
/// y = L⁻¹(x − μ) runs four output coordinates at a time over two vectors of rows (eight independent sums hide the
/// add latency). The precision factor is padded to a multiple of four with zeros; the extra terms add exact zeros.
/// M-step: lanes are covariance columns. The weighted outer products of a block of rows are accumulated into
/// 4 × 4 (or 4 × 8) register tiles of the lower triangle, each element summing its rows in row order as the scalar loop.
/// </remarks>
internal static class GaussianSimdKernels
{
    private const double Log2Pi = 1.8378770664093453; // ln(2π), as GaussianComponents
    private const int CovarianceBlockRows = 32;

    internal static bool IsSupported => Vector256.IsHardwareAccelerated;

    internal static int Padded(int d) => (d + 3) & ~3;

    /// <summary>
    /// log(wₖ) + log N(xᵢ | μₖ, Σₖ) for rows [start, end) and every component into output[i·k + c], full covariances.
    /// <paramref name="precision"/> is L⁻¹ per component padded to dp × dp (dp = d rounded up to 4) with zeros.
    /// </summary>
    [MethodImpl(Hot.Optimize)]
    internal static int FullLogProbabilities(GaussianComponents g, double[] precision, double[] x, int start, int end, double[] output)
    {
        int k = g.K, d = g.D, dp = Padded(d);
        Span<double> xt = stackalloc double[dp * 8];  // [j][row lane]
        Span<double> dv = stackalloc double[dp * 8];  // x − μ, same layout; padding dims stay 0
        Span<double> qs = stackalloc double[8];
        dv.Clear();
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double pr = ref MemoryMarshal.GetArrayDataReference(precision);
        ref double tr = ref MemoryMarshal.GetReference(xt);
        ref double vr = ref MemoryMarshal.GetReference(dv);
        double[] means = g.Means, logDet = g.LogDetPrecisionFactor, logW = g.LogWeights;
        double constant = d * Log2Pi;
        int i = start;
        for (; i + 8 <= end; i += 8)
        {
            for (int l = 0; l < 8; l++)
            {
                long o = (long)(i + l) * d;
                for (int j = 0; j < d; j++) Unsafe.Add(ref tr, j * 8 + l) = Unsafe.Add(ref xr, (nint)(o + j));
            }
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < d; j++)
                {
                    var m = Vector256.Create(means[c * d + j]);
                    (Vector256.LoadUnsafe(ref tr, (nuint)(j * 8)) - m).StoreUnsafe(ref vr, (nuint)(j * 8));
                    (Vector256.LoadUnsafe(ref tr, (nuint)(j * 8 + 4)) - m).StoreUnsafe(ref vr, (nuint)(j * 8 + 4));
                }
                var q0 = Vector256<double>.Zero;
                var q1 = Vector256<double>.Zero;
                int po = c * dp * dp;
                for (int i0 = 0; i0 < dp; i0 += 4)
                {
                    var y00 = Vector256<double>.Zero; var y01 = Vector256<double>.Zero;
                    var y10 = Vector256<double>.Zero; var y11 = Vector256<double>.Zero;
                    var y20 = Vector256<double>.Zero; var y21 = Vector256<double>.Zero;
                    var y30 = Vector256<double>.Zero; var y31 = Vector256<double>.Zero;
                    nuint r0 = (nuint)(po + i0 * dp), r1 = r0 + (nuint)dp, r2 = r1 + (nuint)dp, r3 = r2 + (nuint)dp;
                    for (int j = 0; j < i0 + 4; j++)
                    {
                        var v0 = Vector256.LoadUnsafe(ref vr, (nuint)(j * 8));
                        var v1 = Vector256.LoadUnsafe(ref vr, (nuint)(j * 8 + 4));
                        var p0 = Vector256.Create(Unsafe.Add(ref pr, r0 + (nuint)j));
                        var p1 = Vector256.Create(Unsafe.Add(ref pr, r1 + (nuint)j));
                        var p2 = Vector256.Create(Unsafe.Add(ref pr, r2 + (nuint)j));
                        var p3 = Vector256.Create(Unsafe.Add(ref pr, r3 + (nuint)j));
                        y00 += p0 * v0; y01 += p0 * v1;
                        y10 += p1 * v0; y11 += p1 * v1;
                        y20 += p2 * v0; y21 += p2 * v1;
                        y30 += p3 * v0; y31 += p3 * v1;
                    }
                    q0 += y00 * y00; q1 += y01 * y01;
                    q0 += y10 * y10; q1 += y11 * y11;
                    q0 += y20 * y20; q1 += y21 * y21;
                    q0 += y30 * y30; q1 += y31 * y31;
                }
                q0.CopyTo(qs);
                q1.CopyTo(qs.Slice(4));
                double ld = logDet[c], lw = logW[c];
                for (int l = 0; l < 8; l++) output[(long)(i + l) * k + c] = -0.5 * (constant + qs[l]) + ld + lw;
            }
        }
        return i;
    }

    /// <summary>
    /// The full-covariance M-step sums of rows [start, end): for each component c and b ≤ a,
    /// pc[co + c·d·d + a·d + b] = Σᵢ (rᵢc·(xᵢa − μca))·(xᵢb − μcb), summed in row order from 0 (as the scalar loop).
    /// </summary>
    [MethodImpl(Hot.Optimize)]
    internal static void FullCovarianceSums(double[] x, int start, int end, int d, double[] resp, int k, double[] means, double[] pc, long co)
    {
        int dp = Padded(d);
        const int B = CovarianceBlockRows;
        Span<double> acc = stackalloc double[dp * dp];
        Span<double> diff = stackalloc double[B * dp];
        Span<double> wd = stackalloc double[B * dp];
        diff.Clear();
        wd.Clear();
        ref double ar = ref MemoryMarshal.GetReference(acc);
        ref double fr = ref MemoryMarshal.GetReference(diff);
        ref double wr = ref MemoryMarshal.GetReference(wd);
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref double mr = ref MemoryMarshal.GetArrayDataReference(means);
        for (int c = 0; c < k; c++)
        {
            acc.Clear();
            for (int b0 = start; b0 < end; b0 += B)
            {
                int m = Math.Min(B, end - b0);
                for (int r = 0; r < m; r++)
                {
                    long xo = (long)(b0 + r) * d;
                    double w = resp[(long)(b0 + r) * k + c];
                    var wv = Vector256.Create(w);
                    int j = 0;
                    for (; j + 4 <= d; j += 4)
                    {
                        var t = Vector256.LoadUnsafe(ref xr, (nuint)(xo + j)) - Vector256.LoadUnsafe(ref mr, (nuint)(c * d + j));
                        t.StoreUnsafe(ref fr, (nuint)(r * dp + j));
                        (wv * t).StoreUnsafe(ref wr, (nuint)(r * dp + j));
                    }
                    for (; j < d; j++)
                    {
                        double t = x[xo + j] - means[c * d + j];
                        diff[r * dp + j] = t;
                        wd[r * dp + j] = w * t;
                    }
                }
                for (int a0 = 0; a0 < dp; a0 += 4)
                {
                    int bv = 0;
                    for (; bv + 4 <= a0; bv += 8) TileTwo(ref ar, ref fr, ref wr, dp, m, a0, bv);
                    if (bv <= a0) TileOne(ref ar, ref fr, ref wr, dp, m, a0, bv);
                }
            }
            long o = co + (long)c * d * d;
            for (int a = 0; a < d; a++)
                for (int b = 0; b <= a; b++) pc[o + a * d + b] = acc[a * dp + b];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileOne(ref double ar, ref double fr, ref double wr, int dp, int m, int a0, int bv)
    {
        nuint t0 = (nuint)(a0 * dp + bv), t1 = t0 + (nuint)dp, t2 = t1 + (nuint)dp, t3 = t2 + (nuint)dp;
        var c0 = Vector256.LoadUnsafe(ref ar, t0);
        var c1 = Vector256.LoadUnsafe(ref ar, t1);
        var c2 = Vector256.LoadUnsafe(ref ar, t2);
        var c3 = Vector256.LoadUnsafe(ref ar, t3);
        for (int r = 0; r < m; r++)
        {
            nuint ro = (nuint)(r * dp);
            var v = Vector256.LoadUnsafe(ref fr, ro + (nuint)bv);
            nuint wa = ro + (nuint)a0;
            c0 += Vector256.Create(Unsafe.Add(ref wr, wa)) * v;
            c1 += Vector256.Create(Unsafe.Add(ref wr, wa + 1)) * v;
            c2 += Vector256.Create(Unsafe.Add(ref wr, wa + 2)) * v;
            c3 += Vector256.Create(Unsafe.Add(ref wr, wa + 3)) * v;
        }
        c0.StoreUnsafe(ref ar, t0);
        c1.StoreUnsafe(ref ar, t1);
        c2.StoreUnsafe(ref ar, t2);
        c3.StoreUnsafe(ref ar, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileTwo(ref double ar, ref double fr, ref double wr, int dp, int m, int a0, int bv)
    {
        nuint t0 = (nuint)(a0 * dp + bv), t1 = t0 + (nuint)dp, t2 = t1 + (nuint)dp, t3 = t2 + (nuint)dp;
        var c00 = Vector256.LoadUnsafe(ref ar, t0); var c01 = Vector256.LoadUnsafe(ref ar, t0 + 4);
        var c10 = Vector256.LoadUnsafe(ref ar, t1); var c11 = Vector256.LoadUnsafe(ref ar, t1 + 4);
        var c20 = Vector256.LoadUnsafe(ref ar, t2); var c21 = Vector256.LoadUnsafe(ref ar, t2 + 4);
        var c30 = Vector256.LoadUnsafe(ref ar, t3); var c31 = Vector256.LoadUnsafe(ref ar, t3 + 4);
        for (int r = 0; r < m; r++)
        {
            nuint ro = (nuint)(r * dp);
            var v0 = Vector256.LoadUnsafe(ref fr, ro + (nuint)bv);
            var v1 = Vector256.LoadUnsafe(ref fr, ro + (nuint)bv + 4);
            nuint wa = ro + (nuint)a0;
            var w0 = Vector256.Create(Unsafe.Add(ref wr, wa));
            var w1 = Vector256.Create(Unsafe.Add(ref wr, wa + 1));
            var w2 = Vector256.Create(Unsafe.Add(ref wr, wa + 2));
            var w3 = Vector256.Create(Unsafe.Add(ref wr, wa + 3));
            c00 += w0 * v0; c01 += w0 * v1;
            c10 += w1 * v0; c11 += w1 * v1;
            c20 += w2 * v0; c21 += w2 * v1;
            c30 += w3 * v0; c31 += w3 * v1;
        }
        c00.StoreUnsafe(ref ar, t0); c01.StoreUnsafe(ref ar, t0 + 4);
        c10.StoreUnsafe(ref ar, t1); c11.StoreUnsafe(ref ar, t1 + 4);
        c20.StoreUnsafe(ref ar, t2); c21.StoreUnsafe(ref ar, t2 + 4);
        c30.StoreUnsafe(ref ar, t3); c31.StoreUnsafe(ref ar, t3 + 4);
    }

    /// <summary>pm[o + j] += r·x[xo + j] for j &lt; d (the means sums), four dimensions per vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int AddScaled(double[] pm, long o, double r, double[] x, long xo, int d)
    {
        ref double mr = ref MemoryMarshal.GetArrayDataReference(pm);
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        var rv = Vector256.Create(r);
        int j = 0;
        for (; j + 4 <= d; j += 4)
        {
            nuint mo = (nuint)(o + j);
            (Vector256.LoadUnsafe(ref mr, mo) + rv * Vector256.LoadUnsafe(ref xr, (nuint)(xo + j))).StoreUnsafe(ref mr, mo);
        }
        return j;
    }
}
#endif
