using Warehouse.Segmentation.KMeans;

namespace Warehouse.Segmentation.Tests.KMeans;

/// <summary>
/// The net10 assignment kernel (Vector256/Vector512 centre tables, several threads, per-row sums fused into the
/// assignment) against the scalar definition the net48 build runs: nearest centre by ‖c‖² − 2·x·c with the lowest
/// index on ties, and per-chunk sums of the rows in row order added chunk by chunk. Labels and every bit of the
/// sums and cluster weights must be equal. The reference is computed here, row by row, from that definition.
/// Every path runs here whatever the CPU picks by itself: the tests force each width the machine accelerates
/// (<see cref="LloydSimd"/>: Vector512 tables, Vector256 tables, the scalar loop) and compare all of them with the
/// definition, with one and two threads.
/// </summary>
public class LloydKernelTests
{
    private const int Rows = 2 * LloydKernel.ChunkRows + 37; // three chunks, the last one not a multiple of four rows

    [Theory]
    [InlineData(2, 1, false)]
    [InlineData(3, 3, false)]
    [InlineData(4, 4, true)]
    [InlineData(5, 6, false)]
    [InlineData(6, 16, true)]
    [InlineData(7, 9, false)]
    [InlineData(8, 16, false)]
    [InlineData(8, 17, true)]
    [InlineData(8, 8, false)]
    [InlineData(11, 5, true)]
    [InlineData(16, 16, false)]
    // One group and 8 or 16 columns: the held-table loops (Vector256 table for k ≤ 4, Vector512 for 5 ≤ k ≤ 8).
    [InlineData(2, 16, false)]
    [InlineData(3, 16, true)]
    [InlineData(4, 8, false)]
    [InlineData(4, 16, true)]
    [InlineData(5, 8, true)]
    [InlineData(7, 16, false)]
    [InlineData(8, 8, true)]
    public void Simd_assignment_and_sums_equal_the_scalar_definition_bit_for_bit(int k, int d, bool weighted)
    {
        var rng = new Random(1000 * k + d);
        var x = new double[Rows * d];
        for (int t = 0; t < x.Length; t++) x[t] = rng.NextDouble() * 8 - 4;
        double[]? w = weighted ? Enumerable.Range(0, Rows).Select(_ => rng.NextDouble() * 3).ToArray() : null;
        var centers = new double[k * d];
        for (int c = 0; c < k; c++) Array.Copy(x, (long)rng.Next(Rows) * d, centers, (long)c * d, d);
        if (k >= 3) Array.Copy(centers, 0, centers, 2 * d, d); // centres 0 and 2 equal: ties must go to 0

        AssertSameAsScalar(x, d, w, centers, k);
    }

    [Fact]
    public void Rows_exactly_on_tied_centres_go_to_the_lowest_index()
    {
        const int k = 8, d = 4;
        var centers = new double[k * d];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) centers[c * d + j] = c % 4 + j; // centre c equals centre c + 4
        var x = new double[Rows * d];
        for (int i = 0; i < Rows; i++) Array.Copy(centers, (i % k) * d, x, (long)i * d, d);

        var labels = AssertSameAsScalar(x, d, null, centers, k);
        Assert.All(labels, l => Assert.InRange(l, 0, 3));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(16)]
    public void Overflowing_distances_follow_the_scalar_rule(int d)
    {
        // For the huge centres ‖c‖² overflows to +∞ and so does 2·x·c when x·c > 0.9e308, giving ∞ − ∞ = NaN
        // distances in varying lanes: the scalar loop never picks a NaN (strict "<"), so a NaN lane must not win
        // the vector minimum. Columns beyond the second are zero (8 and 16 take the held-table loops).
        const int k = 8;
        var centers = new double[k * d];
        for (int c = 0; c < k; c++)
        {
            // Centres 4 and 6 are huge: their NaN lanes meet lanes 0 and 2 first in a tree minimum.
            centers[c * d] = c == 4 ? 1e308 : c == 6 ? 0 : c;
            centers[c * d + 1] = c == 6 ? -1e308 : c == 4 ? 0 : -c;
        }
        var rng = new Random(5);
        var x = new double[Rows * d];
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < 2; j++) x[i * d + j] = rng.NextDouble() * 20 - 10;

        AssertSameAsScalar(x, d, null, centers, k);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    public void Rows_with_a_nan_coordinate_get_label_zero_as_in_the_scalar_loop(int d)
    {
        // Every distance of such a row is NaN; the scalar loop's strict "<" then keeps centre 0. (The trainers
        // reject NaN input first; this pins the kernel rule the vector paths must share.)
        const int k = 8;
        var rng = new Random(11);
        var x = new double[Rows * d];
        for (int t = 0; t < x.Length; t++) x[t] = rng.NextDouble() * 8 - 4;
        for (int i = 5; i < Rows; i += 97) x[i * d + i % d] = double.NaN;
        var centers = new double[k * d];
        for (int c = 0; c < k; c++) Array.Copy(x, (long)(4 * c) * d, centers, (long)c * d, d);
        var cn = LloydKernel.SquaredNorms(centers, k, d);
        var expected = Enumerable.Range(0, Rows).Select(i => LloydKernel.NearestScalar(x, (long)i * d, d, centers, cn, k)).ToArray();
        Assert.All(Enumerable.Range(0, Rows).Where(i => i >= 5 && (i - 5) % 97 == 0), i => Assert.Equal(0, expected[i]));
        Assert.Contains(expected, l => l != 0);
        foreach (var simd in Widths())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var labels = Enumerable.Repeat(-1, Rows).ToArray();
                LloydKernel.AssignAndSum(x, Rows, d, null, centers, k, labels, null, null, threads, simd);
                Assert.Equal(expected, labels);
            }
        }
    }

    private static int[] AssertSameAsScalar(double[] x, int d, double[]? w, double[] centers, int k)
    {
        int n = x.Length / d;
        var cn = LloydKernel.SquaredNorms(centers, k, d);
        var expectedLabels = new int[n];
        int chunks = LloydKernel.ChunkCount(n);
        var expectedSums = new double[k * d];
        var expectedWeights = new double[k];
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            var s = new double[k * d];
            var cw = new double[k];
            for (int i = chunk * LloydKernel.ChunkRows; i < Math.Min(n, (chunk + 1) * LloydKernel.ChunkRows); i++)
            {
                int l = expectedLabels[i] = LloydKernel.NearestScalar(x, (long)i * d, d, centers, cn, k);
                double wi = w is null ? 1.0 : w[i];
                for (int j = 0; j < d; j++) s[l * d + j] += w is null ? x[(long)i * d + j] : x[(long)i * d + j] * wi;
                cw[l] += wi;
            }
            for (int t = 0; t < k * d; t++) expectedSums[t] += s[t];
            for (int c = 0; c < k; c++) expectedWeights[c] += cw[c];
        }

        foreach (var simd in Widths())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var labels = Enumerable.Repeat(-1, n).ToArray();
                var sums = new double[k * d];
                var weights = new double[k];
                long changes = LloydKernel.AssignAndSum(x, n, d, w, centers, k, labels, sums, weights, threads, simd);
                Assert.Equal(n, changes);
                Assert.Equal(expectedLabels, labels);
                Assert.Equal(expectedSums.Select(BitConverter.DoubleToInt64Bits), sums.Select(BitConverter.DoubleToInt64Bits));
                Assert.Equal(expectedWeights.Select(BitConverter.DoubleToInt64Bits), weights.Select(BitConverter.DoubleToInt64Bits));
                Assert.Equal(0, LloydKernel.AssignAndSum(x, n, d, w, centers, k, labels, null, null, threads, simd));
                Assert.Equal(expectedLabels, labels);
            }
        }
        return expectedLabels;
    }

    /// <summary>Auto plus every width this CPU accelerates (on the CI machine, AVX-512: all four).</summary>
    private static IEnumerable<LloydSimd> Widths()
    {
        yield return LloydSimd.Auto;
        yield return LloydSimd.Scalar;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) yield return LloydSimd.Vector256;
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) yield return LloydSimd.Vector512;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(12)]
    public void A_forced_width_selects_that_path(int k)
    {
        const int d = 3;
        var centers = Enumerable.Range(0, k * d).Select(t => (double)t).ToArray();
        var cn = LloydKernel.SquaredNorms(centers, k, d);
        Assert.Equal(0, KMeansCenterTable.Create(centers, cn, k, d, LloydSimd.Scalar).Width);
        Assert.False(KMeansCenterTable.Create(centers, cn, k, d, LloydSimd.Scalar).CanVectorize);
        Assert.Equal(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 4 : 0, KMeansCenterTable.Create(centers, cn, k, d, LloydSimd.Vector256).Width);
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 8 : 0, KMeansCenterTable.Create(centers, cn, k, d, LloydSimd.Vector512).Width);
        int auto = k > 4 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 8 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 4 : 0;
        Assert.Equal(auto, KMeansCenterTable.Create(centers, cn, k, d).Width);
    }

    [Theory]
    [InlineData(5, 7, false, true)]
    [InlineData(8, 16, true, true)]
    [InlineData(3, 4, true, false)]
    [InlineData(12, 9, false, false)]
    public void Final_pass_equals_relabel_then_inertia_then_weights_bit_for_bit(int k, int d, bool weighted, bool relabel)
    {
        // The closing pass of a run fuses three passes that used to be separate; each output must keep their bits.
        var rng = new Random(77 * k + d);
        var x = new double[Rows * d];
        for (int t = 0; t < x.Length; t++) x[t] = rng.NextDouble() * 10 - 5;
        double[]? w = weighted ? Enumerable.Range(0, Rows).Select(_ => rng.NextDouble() * 2).ToArray() : null;
        var centers = new double[k * d];
        for (int c = 0; c < k; c++) Array.Copy(x, (long)rng.Next(Rows) * d, centers, (long)c * d, d);
        // Stale labels, as after the last centre update (the pass must replace them only when relabelling).
        var stale = Enumerable.Range(0, Rows).Select(i => (i * 7 + 3) % k).ToArray();

        var expectedLabels = (int[])stale.Clone();
        if (relabel) LloydKernel.AssignAndSum(x, Rows, d, w, centers, k, expectedLabels, null, null, 1, LloydSimd.Scalar);
        double expectedInertia = LloydKernel.Inertia(x, Rows, d, w, centers, expectedLabels, 1);
        var expectedWeights = new double[k];
        for (int i = 0; i < Rows; i++) expectedWeights[expectedLabels[i]] += w is null ? 1.0 : w[i];
        // The definition written out (one running sum over all rows): equal up to the chunked summation order.
        double plain = 0;
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < d; j++)
            {
                double t = x[(long)i * d + j] - centers[expectedLabels[i] * d + j];
                plain += t * t * (w is null ? 1.0 : w[i]);
            }
        Assert.InRange(Math.Abs(expectedInertia - plain) / plain, 0, 1e-12);

        foreach (var simd in Widths())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var labels = (int[])stale.Clone();
                var weights = new double[k];
                double inertia = LloydKernel.FinalPass(x, Rows, d, w, centers, k, labels, relabel, weights, threads, simd);
                Assert.Equal(expectedLabels, labels);
                Assert.Equal(BitConverter.DoubleToInt64Bits(expectedInertia), BitConverter.DoubleToInt64Bits(inertia));
                Assert.Equal(expectedWeights.Select(BitConverter.DoubleToInt64Bits), weights.Select(BitConverter.DoubleToInt64Bits));
            }
        }
        if (relabel) Assert.NotEqual(stale, expectedLabels);
    }
}
