using System;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Greedy k-means++ seeding (Arthur and Vassilvitskii 2007; the greedy variant of scikit-learn's
/// <c>_kmeans_plusplus</c>): the first centre is a row drawn with probability ∝ weight; each next centre is the best
/// of 2 + ⌊ln k⌋ candidates drawn with probability ∝ weight × squared distance to the nearest chosen centre, "best"
/// meaning the lowest resulting potential. Cost O(n·d·k·log k).
/// </summary>
/// <remarks>
/// All candidates of a step are scored in one pass over the rows, chunk by chunk (<see cref="LloydKernel.ChunkRows"/>):
/// each chunk sums its rows in order into one partial potential per candidate and the partials are added in chunk
/// order, so net48 (chunks one after another) and net10 (chunks in parallel, candidates in the lanes of a Vector256)
/// give identical bits.
/// </remarks>
internal static class KMeansPlusPlus
{
    [MethodImpl(Hot.Optimize)]
    internal static double[] Seed(FeatureMatrix data, double[]? w, int k, SeededRandom rng, int maxDegreeOfParallelism)
    {
        int n = data.Rows, d = data.Columns;
        var x = data.Values;
        var centers = new double[k * d];
        int trials = 2 + (int)Math.Log(k);

        int first = PickWeighted(w, n, rng);
        Array.Copy(x, (long)first * d, centers, 0, d);
        var closest = new double[n];
        for (int i = 0; i < n; i++) closest[i] = SquaredDistance(x, (long)i * d, x, (long)first * d, d);
        double potential = Dot(closest, w);

        var cumulative = new double[n];
        var candidates = new int[trials];
        int chunks = LloydKernel.ChunkCount(n);
        var partial = new double[(long)chunks * trials];
        for (int c = 1; c < k; c++)
        {
            double running = 0;
            for (int i = 0; i < n; i++)
            {
                running += w is null ? closest[i] : closest[i] * w[i];
                cumulative[i] = running;
            }
            for (int t = 0; t < trials; t++) candidates[t] = SearchSorted(cumulative, rng.NextDouble() * potential);
            var step = new CandidateStep(x, n, d, w, closest, candidates, partial);
            step.Run(maxDegreeOfParallelism);
            int bestCandidate = -1;
            double bestPotential = double.PositiveInfinity;
            for (int t = 0; t < trials; t++)
            {
                double pot = 0;
                for (int ch = 0; ch < chunks; ch++) pot += partial[(long)ch * trials + t];
                if (pot < bestPotential)
                {
                    bestPotential = pot;
                    bestCandidate = candidates[t];
                }
            }
            potential = bestPotential;
            step.Run(maxDegreeOfParallelism, bestCandidate);
            Array.Copy(x, (long)bestCandidate * d, centers, (long)c * d, d);
        }
        return centers;
    }

    /// <summary>
    /// One step's passes over the rows: the potential each candidate would give (per chunk), then, once the best is
    /// known, the new distance of every row to its nearest chosen centre.
    /// </summary>
    private sealed class CandidateStep
    {
        private readonly double[] _x;
        private readonly int _n;
        private readonly int _d;
        private readonly double[]? _w;
        private readonly double[] _closest;
        private readonly int[] _candidates;
        private readonly double[] _partial;
        private int _chosen = -1;

        internal CandidateStep(double[] x, int n, int d, double[]? w, double[] closest, int[] candidates, double[] partial)
        {
            _x = x;
            _n = n;
            _d = d;
            _w = w;
            _closest = closest;
            _candidates = candidates;
            _partial = partial;
        }

        /// <summary>Scores the candidates (<paramref name="chosen"/> &lt; 0), or moves every row's nearest distance to
        /// the chosen row.</summary>
        internal void Run(int maxDegreeOfParallelism, int chosen = -1)
        {
            _chosen = chosen;
            int chunks = LloydKernel.ChunkCount(_n);
#if NET
            if (LloydKernel.UseParallel(_n, maxDegreeOfParallelism))
            {
                System.Threading.Tasks.Parallel.For(0, chunks,
                    new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = LloydKernel.DegreeOf(maxDegreeOfParallelism) }, Chunk);
                return;
            }
#else
            _ = maxDegreeOfParallelism;
#endif
            for (int ch = 0; ch < chunks; ch++) Chunk(ch);
        }

        [MethodImpl(Hot.Optimize)]
        private void Chunk(int chunk)
        {
            int start = chunk * LloydKernel.ChunkRows, end = Math.Min(_n, start + LloydKernel.ChunkRows);
            if (_chosen >= 0)
            {
                long co = (long)_chosen * _d;
                for (int i = start; i < end; i++)
                {
                    double dist = SquaredDistance(_x, (long)i * _d, _x, co, _d);
                    if (dist < _closest[i]) _closest[i] = dist;
                }
                return;
            }
            int trials = _candidates.Length;
            long po = (long)chunk * trials;
            int t = 0;
#if NET
            for (; t + 4 <= trials && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated; t += 4) ScoreFour(start, end, t, po);
#endif
            for (; t < trials; t++)
            {
                long co = (long)_candidates[t] * _d;
                double pot = 0;
                for (int i = start; i < end; i++)
                {
                    double dist = SquaredDistance(_x, (long)i * _d, _x, co, _d);
                    double m = dist < _closest[i] ? dist : _closest[i];
                    pot += _w is null ? m : m * _w[i];
                }
                _partial[po + t] = pot;
            }
        }

#if NET
        /// <summary>Candidates t … t + 3 in the lanes of a Vector256: per lane the scalar loop's operations and order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScoreFour(int start, int end, int t, long po)
        {
            int d = _d;
            var table = new double[d * 4]; // [dimension][candidate]
            for (int lane = 0; lane < 4; lane++)
                for (int j = 0; j < d; j++) table[j * 4 + lane] = _x[(long)_candidates[t + lane] * d + j];
            ref double xr = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_x);
            ref double tr = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(table);
            var pot = System.Runtime.Intrinsics.Vector256<double>.Zero;
            for (int i = start; i < end; i++)
            {
                ref double row = ref Unsafe.Add(ref xr, (nuint)((long)i * d));
                var dist = System.Runtime.Intrinsics.Vector256<double>.Zero;
                for (int j = 0; j < d; j++)
                {
                    var diff = System.Runtime.Intrinsics.Vector256.Create(Unsafe.Add(ref row, (nuint)j)) - System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref tr, (nuint)(j * 4));
                    dist += diff * diff;
                }
                var closest = System.Runtime.Intrinsics.Vector256.Create(_closest[i]);
                var m = System.Runtime.Intrinsics.Vector256.ConditionalSelect(System.Runtime.Intrinsics.Vector256.LessThan(dist, closest), dist, closest);
                pot += _w is null ? m : m * System.Runtime.Intrinsics.Vector256.Create(_w[i]);
            }
            System.Runtime.Intrinsics.Vector256.StoreUnsafe(pot, ref _partial[po + t]);
        }
#endif
    }

    private static int PickWeighted(double[]? w, int n, SeededRandom rng)
    {
        if (w is null) return rng.NextInt(n);
        double total = 0;
        for (int i = 0; i < n; i++) total += w[i];
        double target = rng.NextDouble() * total;
        double running = 0;
        for (int i = 0; i < n; i++)
        {
            running += w[i];
            if (running > target && w[i] > 0) return i;
        }
        for (int i = n - 1; i >= 0; i--) if (w[i] > 0) return i;
        return n - 1;
    }

    /// <summary>First index whose cumulative value is ≥ target (numpy searchsorted, side left), clipped to n − 1.</summary>
    private static int SearchSorted(double[] cumulative, double target)
    {
        int lo = 0, hi = cumulative.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cumulative[mid] < target) lo = mid + 1;
            else hi = mid;
        }
        return Math.Min(lo, cumulative.Length - 1);
    }

    private static double Dot(double[] a, double[]? w)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += w is null ? a[i] : a[i] * w[i];
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SquaredDistance(double[] a, long ao, double[] b, long bo, int d)
    {
        double s = 0;
        for (int j = 0; j < d; j++)
        {
            double t = a[ao + j] - b[bo + j];
            s += t * t;
        }
        return s;
    }
}
