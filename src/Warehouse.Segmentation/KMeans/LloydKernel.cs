using System;
using System.Runtime.CompilerServices;
#if NET
using System.Threading.Tasks;
#endif

using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Which assignment path <see cref="LloydKernel"/> runs: the CPU's widest (<see cref="Auto"/>), or one forced so that
/// tests can compare every path on one machine. All give the same labels and bits; net48 always runs the scalar loop.
/// </summary>
internal enum LloydSimd
{
    /// <summary>Vector512 tables for k ≥ 5 when accelerated, else Vector256, else scalar.</summary>
    Auto = 0,
    /// <summary>The scalar loop (the net48 path).</summary>
    Scalar,
    /// <summary>Vector256 tables (four centres per vector); scalar when Vector256 is not accelerated.</summary>
    Vector256,
    /// <summary>Vector512 tables (eight centres per vector); scalar when Vector512 is not accelerated.</summary>
    Vector512,
}

/// <summary>
/// The hot loops of Lloyd's algorithm. Rows are processed in fixed chunks of <see cref="ChunkRows"/>; each chunk
/// writes its own partial sums, which are then added in chunk order, so the result does not depend on the number
/// of threads (net48 runs the chunks one after another, net10 in parallel) and both targets give identical bits.
/// </summary>
/// <remarks>
/// Assignment uses ‖c‖² − 2·x·c (the ‖x‖² term is the same for every centre); each dot product is accumulated
/// dimension by dimension with a separate multiply and add, in the same order in the scalar and SIMD paths.
/// Ties go to the lowest centre index.
/// </remarks>
internal static class LloydKernel
{
    internal const int ChunkRows = 4096;

    internal static int ChunkCount(int n) => (n + ChunkRows - 1) / ChunkRows;

    internal static double[] SquaredNorms(double[] centers, int k, int d)
    {
        var cn = new double[k];
        for (int c = 0; c < k; c++)
        {
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                double v = centers[c * d + j];
                s += v * v;
            }
            cn[c] = s;
        }
        return cn;
    }

    /// <summary>
    /// Assigns every row to its nearest centre, counts label changes and, when <paramref name="sums"/> is given,
    /// accumulates the weighted sum of rows and the weight of each cluster into <paramref name="sums"/> (k·d) and
    /// <paramref name="clusterWeights"/> (k).
    /// </summary>
    internal static long AssignAndSum(double[] x, int n, int d, double[]? w, double[] centers, int k, int[] labels,
        double[]? sums, double[]? clusterWeights, int maxDegreeOfParallelism, LloydSimd simd = LloydSimd.Auto)
    {
        var cn = SquaredNorms(centers, k, d);
        int chunks = ChunkCount(n);
        var changes = new long[chunks];
        double[]? partialSums = sums is null ? null : new double[(long)chunks * k * d];
        double[]? partialWeights = sums is null ? null : new double[(long)chunks * k];
#if NET
        var ct = KMeansCenterTable.Create(centers, cn, k, d, simd);
        ForEachChunk(n, maxDegreeOfParallelism, c => changes[c] = AssignChunk(c, x, n, d, w, centers, cn, ct, k, labels, partialSums, partialWeights));
#else
        ForEachChunk(n, maxDegreeOfParallelism, c => changes[c] = AssignChunk(c, x, n, d, w, centers, cn, k, labels, partialSums, partialWeights));
#endif
        long total = 0;
        for (int c = 0; c < chunks; c++) total += changes[c];
        if (sums is not null)
        {
            Array.Clear(sums, 0, k * d);
            Array.Clear(clusterWeights!, 0, k);
            for (int c = 0; c < chunks; c++)
            {
                long o = (long)c * k * d;
                for (int t = 0; t < k * d; t++) sums[t] += partialSums![o + t];
                for (int t = 0; t < k; t++) clusterWeights![t] += partialWeights![(long)c * k + t];
            }
        }
        return total;
    }

    [MethodImpl(Hot.Optimize)]
    private static long AssignChunk(int chunk, double[] x, int n, int d, double[]? w, double[] centers, double[] cn,
#if NET
        KMeansCenterTable ct,
#endif
        int k, int[] labels, double[]? partialSums, double[]? partialWeights)
    {
        int start = chunk * ChunkRows;
        int end = Math.Min(n, start + ChunkRows);
        long so = (long)chunk * k * d;
        long wo = (long)chunk * k;
#if NET
        if (ct.CanVectorize) return ct.AssignRange(x, start, end, d, w, labels, partialSums, so, partialWeights, wo);
#endif
        long changes = 0;
        for (int i = start; i < end; i++)
        {
            int best = NearestScalar(x, (long)i * d, d, centers, cn, k);
            if (labels[i] != best)
            {
                labels[i] = best;
                changes++;
            }
            if (partialSums is null) continue;
            // Summed while the row is hot; every (cluster, dimension) sum takes the chunk's rows in row order.
            long xo = (long)i * d;
            long to = so + (long)best * d;
            if (w is null)
            {
                for (int j = 0; j < d; j++) partialSums[to + j] += x[xo + j];
                partialWeights![wo + best] += 1.0;
            }
            else
            {
                double wi = w[i];
                for (int j = 0; j < d; j++) partialSums[to + j] += x[xo + j] * wi;
                partialWeights![wo + best] += wi;
            }
        }
        return changes;
    }

    /// <summary>Nearest centre of one row by ‖c‖² − 2·x·c, lowest index on ties.</summary>
    [MethodImpl(Hot.Optimize)]
    internal static int NearestScalar(double[] x, long xo, int d, double[] centers, double[] cn, int k)
    {
        int best = 0;
        double bestDist = double.PositiveInfinity;
        for (int c = 0; c < k; c++)
        {
            int co = c * d;
            double dot = 0;
            for (int j = 0; j < d; j++) dot += x[xo + j] * centers[co + j];
            double dist = cn[c] - 2.0 * dot;
            if (dist < bestDist)
            {
                bestDist = dist;
                best = c;
            }
        }
        return best;
    }

    /// <summary>Σ w·‖x − c(label)‖², exact differences, chunked like the assignment.</summary>
    internal static double Inertia(double[] x, int n, int d, double[]? w, double[] centers, int[] labels, int maxDegreeOfParallelism)
    {
        int chunks = ChunkCount(n);
        var partial = new double[chunks];
        void Chunk(int chunk)
        {
            int start = chunk * ChunkRows, end = Math.Min(n, start + ChunkRows);
            partial[chunk] = ChunkInertia(x, start, end, d, w, centers, labels);
        }
        ForEachChunk(n, maxDegreeOfParallelism, Chunk);
        double total = 0;
        for (int c = 0; c < chunks; c++) total += partial[c];
        return total;
    }

    /// <summary>
    /// The closing pass of a Lloyd run, one read of the matrix: when <paramref name="relabel"/>, each chunk is first
    /// assigned to the final centres (as <see cref="AssignAndSum"/> without sums), then, while the chunk is still in
    /// cache, its exact inertia Σ w·‖x − c(label)‖² and its rows per cluster are added up. Returns the inertia (the
    /// bits of <see cref="Inertia"/>) and fills <paramref name="clusterWeights"/> (k) with each cluster's weight: counts
    /// for unit weights, otherwise the weights summed over all rows in row order.
    /// </summary>
    internal static double FinalPass(double[] x, int n, int d, double[]? w, double[] centers, int k, int[] labels, bool relabel,
        double[] clusterWeights, int maxDegreeOfParallelism, LloydSimd simd = LloydSimd.Auto)
    {
        var cn = relabel ? SquaredNorms(centers, k, d) : Array.Empty<double>();
        int chunks = ChunkCount(n);
        var partial = new double[chunks];
        var counts = new long[(long)chunks * k];
#if NET
        var ct = relabel ? KMeansCenterTable.Create(centers, cn, k, d, simd) : null;
#endif
        void Chunk(int chunk)
        {
            int start = chunk * ChunkRows, end = Math.Min(n, start + ChunkRows);
            if (relabel)
            {
#if NET
                AssignChunk(chunk, x, n, d, w, centers, cn, ct!, k, labels, null, null);
#else
                AssignChunk(chunk, x, n, d, w, centers, cn, k, labels, null, null);
#endif
            }
            partial[chunk] = ChunkInertia(x, start, end, d, w, centers, labels);
            long co = (long)chunk * k;
            for (int i = start; i < end; i++) counts[co + labels[i]]++;
        }
        ForEachChunk(n, maxDegreeOfParallelism, Chunk);
        double total = 0;
        for (int c = 0; c < chunks; c++) total += partial[c];
        Array.Clear(clusterWeights, 0, k);
        if (w is null)
        {
            // Exact integers: the same bits as adding 1.0 per row in any order.
            for (int c = 0; c < chunks; c++)
                for (int t = 0; t < k; t++) clusterWeights[t] += counts[(long)c * k + t];
        }
        else
        {
            for (int i = 0; i < n; i++) clusterWeights[labels[i]] += w[i];
        }
        return total;
    }

    /// <summary>Σ w·‖x − c(label)‖² over rows [start, end) in row order, exact differences.</summary>
    [MethodImpl(Hot.Optimize)]
    private static double ChunkInertia(double[] x, int start, int end, int d, double[]? w, double[] centers, int[] labels)
    {
        double s = 0;
        for (int i = start; i < end; i++)
        {
            long xo = (long)i * d;
            int co = labels[i] * d;
            double r = 0;
            for (int j = 0; j < d; j++)
            {
                double t = x[xo + j] - centers[co + j];
                r += t * t;
            }
            s += w is null ? r : r * w[i];
        }
        return s;
    }

    /// <summary>
    /// Runs <paramref name="chunk"/> for every chunk of <paramref name="n"/> rows: in parallel on net10 when
    /// <c>UseParallel</c> allows it, else one chunk after another (always on net48). Each chunk writes only its own
    /// partial results, which the caller adds in chunk order.
    /// </summary>
    private static void ForEachChunk(int n, int maxDegreeOfParallelism, Action<int> chunk)
    {
        int chunks = ChunkCount(n);
#if NET
        if (UseParallel(n, maxDegreeOfParallelism))
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = DegreeOf(maxDegreeOfParallelism) }, chunk);
            return;
        }
#endif
        for (int c = 0; c < chunks; c++) chunk(c);
    }

#if NET
    internal static bool UseParallel(int n, int maxDegreeOfParallelism) =>
        maxDegreeOfParallelism != 1 && n >= 2 * ChunkRows && Environment.ProcessorCount > 1;

    internal static int DegreeOf(int maxDegreeOfParallelism) =>
        maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism;
#endif
}
