using Warehouse.Segmentation.Mixture;

namespace Warehouse.Segmentation.Tests.Mixture;

/// <summary>
/// The Vector256 full-covariance kernels must give the same bits as the scalar loops (the net48 SQL CLR build runs
/// only those): reference values here are the scalar formulas, evaluated in the scalar order.
/// </summary>
public class GaussianSimdKernelsTests
{
    private static (double[] X, GaussianComponents G) Components(int n, int d, int k, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n * d];
        for (int t = 0; t < x.Length; t++) x[t] = rng.NextDouble() * 10 - 5;
        var means = new double[k * d];
        for (int t = 0; t < means.Length; t++) means[t] = rng.NextDouble() * 4 - 2;
        var cov = new double[k * d * d];
        for (int c = 0; c < k; c++)
        {
            // A·Aᵀ + I: positive definite with off-diagonal terms.
            var a = new double[d * d];
            for (int t = 0; t < a.Length; t++) a[t] = rng.NextDouble() - 0.5;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double s = i == j ? 1.0 : 0.0;
                    for (int t = 0; t < d; t++) s += a[i * d + t] * a[j * d + t];
                    cov[c * d * d + i * d + j] = s;
                }
        }
        var w = Enumerable.Repeat(1.0 / k, k).ToArray();
        var g = new GaussianComponents(k, d, CovarianceType.Full, w, means, cov);
        g.Prepare();
        return (x, g);
    }

    [Theory]
    [InlineData(16, 8)]
    [InlineData(5, 3)]   // padded to 8 dimensions
    [InlineData(1, 2)]
    [InlineData(7, 1)]
    public void Full_log_probabilities_equal_the_scalar_bits(int d, int k)
    {
        if (!GaussianSimdKernels.IsSupported) return;
        const int n = 45; // five blocks of eight rows and a tail of five
        var (x, g) = Components(n, d, k, d * 31 + k);
        int dp = GaussianSimdKernels.Padded(d);
        var padded = new double[k * dp * dp];
        for (int c = 0; c < k; c++)
            for (int i = 0; i < d; i++) Array.Copy(g.PrecisionFactor, c * d * d + i * d, padded, c * dp * dp + i * dp, d);
        var simd = new double[n * k];
        int done = GaussianSimdKernels.FullLogProbabilities(g, padded, x, 0, n, simd);
        Assert.Equal(40, done);
        var scalar = new double[n * k];
        for (int i = 0; i < n; i++) g.WeightedLogProbabilities(x, (long)i * d, scalar, i * k, new double[d]);
        for (int t = 0; t < done * k; t++)
            Assert.True(BitConverter.DoubleToInt64Bits(scalar[t]) == BitConverter.DoubleToInt64Bits(simd[t]), $"row {t / k} component {t % k}: {scalar[t]:R} vs {simd[t]:R}");
    }

    [Theory]
    [InlineData(16, 8, 100)]
    [InlineData(5, 3, 70)]
    [InlineData(9, 2, 33)]
    [InlineData(1, 1, 3)]
    public void Full_covariance_sums_equal_the_scalar_bits(int d, int k, int n)
    {
        if (!GaussianSimdKernels.IsSupported) return;
        var (x, g) = Components(n, d, k, d * 17 + n);
        var rng = new Random(n);
        var resp = new double[n * k];
        for (int t = 0; t < resp.Length; t++) resp[t] = rng.NextDouble();
        var simd = new double[k * d * d];
        GaussianSimdKernels.FullCovarianceSums(x, 0, n, d, resp, k, g.Means, simd, 0);
        var scalar = new double[k * d * d];
        var diff = new double[d];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < d; j++) diff[j] = x[i * d + j] - g.Means[c * d + j];
                for (int a = 0; a < d; a++)
                {
                    double ra = resp[i * k + c] * diff[a];
                    for (int b = 0; b <= a; b++) scalar[c * d * d + a * d + b] += ra * diff[b];
                }
            }
        for (int t = 0; t < scalar.Length; t++)
            Assert.True(BitConverter.DoubleToInt64Bits(scalar[t]) == BitConverter.DoubleToInt64Bits(simd[t]), $"element {t}: {scalar[t]:R} vs {simd[t]:R}");
    }

    [Fact]
    public void Full_covariance_fit_does_not_depend_on_threads_with_padded_dimensions_and_a_partial_chunk()
    {
        var (data, _) = Planted.Blobs(5, 3, 1700, 5, 3.0); // 5,100 rows: two full chunks and a partial one
        GaussianMixtureModel Fit(int threads) => new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 3, MaximumIterations = 15, Tolerance = 0, MaxDegreeOfParallelism = threads }).Fit(data);
        var one = Fit(1);
        var two = Fit(2);
        Assert.Equal(BitConverter.DoubleToInt64Bits(one.LowerBound), BitConverter.DoubleToInt64Bits(two.LowerBound));
        Assert.Equal(one.Covariances, two.Covariances);
        Assert.Equal(one.Means.Values, two.Means.Values);
    }
}
