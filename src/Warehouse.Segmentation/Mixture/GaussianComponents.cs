using System;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;
#if NET
using System.Threading.Tasks;
#endif

namespace Warehouse.Segmentation.Mixture;

/// <summary>
/// Parameters of a Gaussian mixture and the E/M-step kernels (scikit-learn's formulas, chunked so that the
/// sums do not depend on the number of threads).
/// </summary>
internal sealed class GaussianComponents
{
    internal const int ChunkRows = 2048;
    private const double Log2Pi = 1.8378770664093453; // ln(2π)

    internal GaussianComponents(int k, int d, CovarianceType type, double[] weights, double[] means, double[] covariances)
    {
        K = k;
        D = d;
        Type = type;
        Weights = weights;
        Means = means;
        Covariances = covariances;
        PrecisionFactor = new double[covariances.Length];
        LogDetPrecisionFactor = new double[k];
        LogWeights = new double[k];
    }

    internal int K { get; }
    internal int D { get; }
    internal CovarianceType Type { get; }
    internal double[] Weights { get; }
    internal double[] Means { get; }
    /// <summary>Full: k·d·d; diagonal: k·d; spherical: k.</summary>
    internal double[] Covariances { get; }
    /// <summary>Full: L⁻¹ (lower, k·d·d) where Σ = L·Lᵀ; diagonal/spherical: 1/√σ².</summary>
    internal double[] PrecisionFactor { get; }
    internal double[] LogDetPrecisionFactor { get; }
    internal double[] LogWeights { get; }
#if NET
    /// <summary>Full, Vector256 available: L⁻¹ per component padded with zeros to dp × dp (dp = d rounded up to 4).</summary>
    private double[]? _paddedPrecision;
#endif

    internal static int CovarianceLength(CovarianceType type, int k, int d) =>
        type == CovarianceType.Full ? k * d * d : type == CovarianceType.Diagonal ? k * d : k;

    /// <summary>Factorizes the covariances; throws when one is not positive definite.</summary>
    internal void Prepare()
    {
        int k = K, d = D;
        for (int c = 0; c < k; c++) LogWeights[c] = Math.Log(Weights[c]);
        switch (Type)
        {
            case CovarianceType.Full:
                var l = new double[d * d];
                for (int c = 0; c < k; c++)
                {
                    Array.Copy(Covariances, c * d * d, l, 0, d * d);
                    if (!Cholesky(l, d))
                        throw new InvalidOperationException($"the covariance of component {c} is not positive definite (a component collapsed onto too few distinct rows); increase RegularizationCovariance or reduce the number of components");
                    // Invert the lower factor in place into PrecisionFactor (lower).
                    int o = c * d * d;
                    double logDet = 0;
                    for (int i = 0; i < d; i++)
                    {
                        logDet -= Math.Log(l[i * d + i]);
                        for (int j = 0; j <= i; j++)
                        {
                            double s = i == j ? 1.0 : 0.0;
                            for (int t = j; t < i; t++) s -= l[i * d + t] * PrecisionFactor[o + t * d + j];
                            PrecisionFactor[o + i * d + j] = s / l[i * d + i];
                        }
                        for (int j = i + 1; j < d; j++) PrecisionFactor[o + i * d + j] = 0;
                    }
                    LogDetPrecisionFactor[c] = logDet;
                }
#if NET
                if (GaussianSimdKernels.IsSupported)
                {
                    int dp = GaussianSimdKernels.Padded(d);
                    _paddedPrecision = new double[k * dp * dp];
                    for (int c = 0; c < k; c++)
                        for (int i = 0; i < d; i++)
                            Array.Copy(PrecisionFactor, c * d * d + i * d, _paddedPrecision, c * dp * dp + i * dp, d);
                }
#endif
                break;
            case CovarianceType.Diagonal:
                for (int c = 0; c < k; c++)
                {
                    double logDet = 0;
                    for (int j = 0; j < d; j++)
                    {
                        double v = Covariances[c * d + j];
                        if (!(v > 0)) throw new InvalidOperationException($"variance {j} of component {c} is {v}; increase RegularizationCovariance");
                        double p = 1.0 / Math.Sqrt(v);
                        PrecisionFactor[c * d + j] = p;
                        logDet += Math.Log(p);
                    }
                    LogDetPrecisionFactor[c] = logDet;
                }
                break;
            default:
                for (int c = 0; c < k; c++)
                {
                    double v = Covariances[c];
                    if (!(v > 0)) throw new InvalidOperationException($"variance of component {c} is {v}; increase RegularizationCovariance");
                    double p = 1.0 / Math.Sqrt(v);
                    PrecisionFactor[c] = p;
                    LogDetPrecisionFactor[c] = d * Math.Log(p);
                }
                break;
        }
    }

    private static bool Cholesky(double[] a, int d)
    {
        for (int j = 0; j < d; j++)
        {
            double s = a[j * d + j];
            for (int t = 0; t < j; t++) s -= a[j * d + t] * a[j * d + t];
            if (!(s > 0)) return false;
            double ljj = Math.Sqrt(s);
            a[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++)
            {
                double v = a[i * d + j];
                for (int t = 0; t < j; t++) v -= a[i * d + t] * a[j * d + t];
                a[i * d + j] = v / ljj;
            }
            for (int i = 0; i < j; i++) a[i * d + j] = 0;
        }
        return true;
    }

    /// <summary>log(wₖ) + log N(x | μₖ, Σₖ) for every component into <paramref name="output"/> (k values).</summary>
    [MethodImpl(Hot.Optimize)]
    internal void WeightedLogProbabilities(double[] x, long xo, double[] output, int oo, double[] scratch)
    {
        int k = K, d = D;
        for (int c = 0; c < k; c++)
        {
            double q = 0;
            int mo = c * d;
            switch (Type)
            {
                case CovarianceType.Full:
                    {
                        for (int j = 0; j < d; j++) scratch[j] = x[xo + j] - Means[mo + j];
                        int po = c * d * d;
                        for (int i = 0; i < d; i++)
                        {
                            double y = 0;
                            int row = po + i * d;
                            for (int j = 0; j <= i; j++) y += PrecisionFactor[row + j] * scratch[j];
                            q += y * y;
                        }
                        break;
                    }
                case CovarianceType.Diagonal:
                    for (int j = 0; j < d; j++)
                    {
                        double y = (x[xo + j] - Means[mo + j]) * PrecisionFactor[mo + j];
                        q += y * y;
                    }
                    break;
                default:
                    {
                        double p = PrecisionFactor[c];
                        for (int j = 0; j < d; j++)
                        {
                            double y = (x[xo + j] - Means[mo + j]) * p;
                            q += y * y;
                        }
                        break;
                    }
            }
            output[oo + c] = -0.5 * (d * Log2Pi + q) + LogDetPrecisionFactor[c] + LogWeights[c];
        }
    }

    /// <summary>E-step: responsibilities (n·k) and Σ log p(x) (chunked, in chunk order).</summary>
    internal double EStep(double[] x, int n, double[] resp, int maxDop)
    {
        int k = K, d = D;
        int chunks = (n + ChunkRows - 1) / ChunkRows;
        var partial = new double[chunks];
        ForEachChunk(chunks, maxDop, ch =>
        {
            var scratch = new double[d];
            int s = ch * ChunkRows, e = Math.Min(n, s + ChunkRows);
            double sum = 0;
            int done = s;
#if NET
            if (_paddedPrecision is not null) done = GaussianSimdKernels.FullLogProbabilities(this, _paddedPrecision, x, s, e, resp);
#endif
            for (int i = done; i < e; i++) WeightedLogProbabilities(x, (long)i * d, resp, i * k, scratch);
            for (int i = s; i < e; i++)
            {
                int ro = i * k;
                double max = double.NegativeInfinity;
                for (int c = 0; c < k; c++) if (resp[ro + c] > max) max = resp[ro + c];
                double acc = 0;
                for (int c = 0; c < k; c++) acc += Math.Exp(resp[ro + c] - max);
                double lse = max + Math.Log(acc);
                for (int c = 0; c < k; c++) resp[ro + c] = Math.Exp(resp[ro + c] - lse);
                sum += lse;
            }
            partial[ch] = sum;
        });
        double total = 0;
        for (int c = 0; c < chunks; c++) total += partial[c];
        return total;
    }

    /// <summary>M-step from responsibilities (scikit-learn's _estimate_gaussian_parameters).</summary>
    internal static GaussianComponents MStep(double[] x, int n, int d, double[] resp, int k, CovarianceType type, double reg, int maxDop)
    {
        int chunks = (n + ChunkRows - 1) / ChunkRows;
#if NET
        bool simd = GaussianSimdKernels.IsSupported;
#endif
        var pn = new double[chunks * k];
        var pm = new double[(long)chunks * k * d];
        ForEachChunk(chunks, maxDop, ch =>
        {
            int s = ch * ChunkRows, e = Math.Min(n, s + ChunkRows);
            int no = ch * k;
            long mo = (long)ch * k * d;
            for (int i = s; i < e; i++)
            {
                long xo = (long)i * d;
                for (int c = 0; c < k; c++)
                {
                    double r = resp[i * k + c];
                    pn[no + c] += r;
                    long o = mo + c * d;
                    int j = 0;
#if NET
                    if (simd) j = GaussianSimdKernels.AddScaled(pm, o, r, x, xo, d);
#endif
                    for (; j < d; j++) pm[o + j] += r * x[xo + j];
                }
            }
        });
        var nk = new double[k];
        var means = new double[k * d];
        for (int ch = 0; ch < chunks; ch++)
        {
            for (int c = 0; c < k; c++) nk[c] += pn[ch * k + c];
            for (int t = 0; t < k * d; t++) means[t] += pm[(long)ch * k * d + t];
        }
        const double Eps10 = 10 * 2.220446049250313e-16;
        for (int c = 0; c < k; c++)
        {
            nk[c] += Eps10;
            for (int j = 0; j < d; j++) means[c * d + j] /= nk[c];
        }
        var cov = new double[CovarianceLength(type, k, d)];
        if (type == CovarianceType.Full)
        {
            var pc = new double[(long)chunks * k * d * d];
            ForEachChunk(chunks, maxDop, ch =>
            {
                int s = ch * ChunkRows, e = Math.Min(n, s + ChunkRows);
                long co = (long)ch * k * d * d;
#if NET
                if (simd)
                {
                    GaussianSimdKernels.FullCovarianceSums(x, s, e, d, resp, k, means, pc, co);
                    return;
                }
#endif
                var diff = new double[d];
                for (int i = s; i < e; i++)
                {
                    long xo = (long)i * d;
                    for (int c = 0; c < k; c++)
                    {
                        double r = resp[i * k + c];
                        for (int j = 0; j < d; j++) diff[j] = x[xo + j] - means[c * d + j];
                        long o = co + (long)c * d * d;
                        for (int a = 0; a < d; a++)
                        {
                            double ra = r * diff[a];
                            for (int b = 0; b <= a; b++) pc[o + a * d + b] += ra * diff[b];
                        }
                    }
                }
            });
            for (int ch = 0; ch < chunks; ch++)
                for (int t = 0; t < k * d * d; t++) cov[t] += pc[(long)ch * k * d * d + t];
            for (int c = 0; c < k; c++)
            {
                int o = c * d * d;
                for (int a = 0; a < d; a++)
                {
                    for (int b = 0; b <= a; b++)
                    {
                        double v = cov[o + a * d + b] / nk[c];
                        cov[o + a * d + b] = v;
                        cov[o + b * d + a] = v;
                    }
                    cov[o + a * d + a] += reg;
                }
            }
        }
        else
        {
            // avg_X2 − 2·avg_X_means + avg_means2 + reg, as scikit-learn (diag), then the mean over features (spherical).
            var px = new double[(long)chunks * k * d];
            ForEachChunk(chunks, maxDop, ch =>
            {
                int s = ch * ChunkRows, e = Math.Min(n, s + ChunkRows);
                long o = (long)ch * k * d;
                for (int i = s; i < e; i++)
                {
                    long xo = (long)i * d;
                    for (int c = 0; c < k; c++)
                    {
                        double r = resp[i * k + c];
                        for (int j = 0; j < d; j++) px[o + c * d + j] += r * (x[xo + j] * x[xo + j]);
                    }
                }
            });
            var avgX2 = new double[k * d];
            for (int ch = 0; ch < chunks; ch++)
                for (int t = 0; t < k * d; t++) avgX2[t] += px[(long)ch * k * d + t];
            var diag = new double[k * d];
            for (int c = 0; c < k; c++)
                for (int j = 0; j < d; j++)
                {
                    int t = c * d + j;
                    double m = means[t];
                    double avgXMeans = m * m; // means · (Σ r·x / nk) = means · means
                    diag[t] = avgX2[t] / nk[c] - 2 * avgXMeans + m * m + reg;
                }
            if (type == CovarianceType.Diagonal) Array.Copy(diag, cov, k * d);
            else
                for (int c = 0; c < k; c++)
                {
                    double s = 0;
                    for (int j = 0; j < d; j++) s += diag[c * d + j];
                    cov[c] = s / d;
                }
        }
        var weights = new double[k];
        double total = 0;
        for (int c = 0; c < k; c++) total += nk[c];
        for (int c = 0; c < k; c++) weights[c] = nk[c] / total;
        var result = new GaussianComponents(k, d, type, weights, means, cov);
        result.Prepare();
        return result;
    }

    internal static void ForEachChunk(int chunks, int maxDop, Action<int> body)
    {
#if NET
        if (chunks > 1 && maxDop != 1 && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDop <= 0 ? Environment.ProcessorCount : maxDop }, body);
            return;
        }
#endif
        for (int c = 0; c < chunks; c++) body(c);
    }
}
