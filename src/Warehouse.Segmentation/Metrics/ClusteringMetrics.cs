using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;
#if NET
using System.Threading.Tasks;
#endif

namespace Warehouse.Segmentation.Metrics;

/// <summary>
/// Internal and external clustering validity measures, with scikit-learn's definitions and special cases.
/// </summary>
/// <remarks>
/// Labels are arbitrary integers (noise −1 is treated as one more label, as scikit-learn does; drop noise rows first
/// to score only clustered rows). Internal measures use Euclidean distance on the data as given (scale first).
/// </remarks>
public static partial class ClusteringMetrics
{
    /// <summary>
    /// Adjusted Rand index (Hubert and Arabie 1985): pair-counting agreement of two partitions corrected for chance;
    /// 1 for identical partitions (up to renaming), about 0 for independent ones, can be negative. O(n).
    /// </summary>
    public static double AdjustedRandIndex(int[] a, int[] b)
    {
        var table = Contingency(a, b, out var rowSums, out var colSums);
        double n = a.Length;
        // Pair confusion matrix as scikit-learn's pair_confusion_matrix (counts of ordered pairs).
        double sumSquares = 0;
        foreach (var v in table.Values) sumSquares += (double)v * v;
        double sumRows = 0, sumCols = 0;
        foreach (var v in rowSums) sumRows += (double)v * v;
        foreach (var v in colSums) sumCols += (double)v * v;
        double tp = sumSquares - n;
        double fp = sumCols - sumSquares;
        double fn = sumRows - sumSquares;
        double tn = n * n - fp - fn - sumSquares;
        if (fn == 0 && fp == 0) return 1.0;
        return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
    }

    /// <summary>
    /// Normalized mutual information with the arithmetic mean of the entropies (scikit-learn's default): 1 for
    /// identical partitions, 0 for independent ones. Both partitions with a single label → 1. O(n).
    /// </summary>
    public static double NormalizedMutualInformation(int[] a, int[] b)
    {
        var table = Contingency(a, b, out var rowSums, out var colSums);
        if ((rowSums.Length == 1 && colSums.Length == 1) || a.Length == 0) return 1.0;
        double n = a.Length;
        double mi = 0;
        foreach (var kv in table)
        {
            double nij = kv.Value;
            double ai = rowSums[(int)(kv.Key >> 32)];
            double bj = colSums[(int)(kv.Key & 0xFFFFFFFF)];
            mi += nij / n * (Math.Log(nij) + Math.Log(n) - Math.Log(ai) - Math.Log(bj));
        }
        if (mi < 1e-15) mi = 0;
        if (mi == 0) return 0.0;
        double ha = Entropy(rowSums, n), hb = Entropy(colSums, n);
        double normalizer = Math.Max((ha + hb) / 2, 2.220446049250313e-16);
        return mi / normalizer;
    }

    /// <summary>
    /// Mean silhouette coefficient (Rousseeuw 1987), exact: for each row, a = mean distance to the other rows of its
    /// cluster, b = lowest mean distance to another cluster, s = (b − a) / max(a, b), 0 for a row alone in its
    /// cluster. Needs 2 ≤ number of labels ≤ n − 1. O(n²·d) time, O(n + k) memory; net10 uses all processors.
    /// </summary>
    public static double Silhouette(FeatureMatrix data, int[] labels)
    {
        var samples = SilhouetteSamples(data, labels);
        double s = 0;
        for (int i = 0; i < samples.Length; i++) s += samples[i];
        return s / samples.Length;
    }

    /// <summary>Silhouette coefficient of every row (see <see cref="Silhouette"/>).</summary>
    public static double[] SilhouetteSamples(FeatureMatrix data, int[] labels)
    {
        CheckData(data, labels);
        var dense = Densify(labels, out int k);
        int n = data.Rows, d = data.Columns;
        if (k < 2 || k > n - 1)
            throw new ArgumentException($"silhouette needs 2 ≤ number of labels ≤ n − 1; got {k} labels for {n} rows", nameof(labels));
        // Rows regrouped cluster by cluster and stored column-major (one array per feature), so that the distance
        // sums of one row to a whole cluster run over contiguous memory (four rows per Vector256 on net10).
        var counts = new int[k];
        for (int i = 0; i < n; i++) counts[dense[i]]++;
        var start = new int[k + 1];
        for (int c = 0; c < k; c++) start[c + 1] = start[c] + counts[c];
        var next = (int[])start.Clone();
        var position = new int[n];
        for (int i = 0; i < n; i++) position[i] = next[dense[i]]++;
        var columns = new double[d][];
        for (int t = 0; t < d; t++) columns[t] = new double[n];
        var x = data.Values;
        for (int i = 0; i < n; i++)
            for (int t = 0; t < d; t++) columns[t][position[i]] = x[(long)i * d + t];
        var result = new double[n];
        const int Block = 64;
        int blocks = (n + Block - 1) / Block;
        void RunBlock(int blk)
        {
            var sums = new double[k];
            var row = new double[d];
            int s0 = blk * Block, e0 = Math.Min(n, s0 + Block);
            for (int i = s0; i < e0; i++)
            {
                for (int t = 0; t < d; t++) row[t] = x[(long)i * d + t];
                for (int c = 0; c < k; c++) sums[c] = DistanceSum(columns, row, start[c], start[c + 1]);
                int own = dense[i];
                if (counts[own] <= 1)
                {
                    result[i] = 0;
                    continue;
                }
                double a = sums[own] / (counts[own] - 1);
                double b = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                    if (c != own && counts[c] > 0) b = Math.Min(b, sums[c] / counts[c]);
                double m = Math.Max(a, b);
                result[i] = m > 0 ? (b - a) / m : 0;
            }
        }
#if NET
        Parallel.For(0, blocks, RunBlock);
#else
        for (int blk = 0; blk < blocks; blk++) RunBlock(blk);
#endif
        return result;
    }

    /// <summary>Σ over rows [from, to) of the Euclidean distance to <paramref name="row"/> (column-major storage).</summary>
    [MethodImpl(Hot.Optimize)]
    private static double DistanceSum(double[][] columns, double[] row, int from, int to)
    {
        int d = row.Length;
        double total = 0;
        int j = from;
#if NET
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            var acc = System.Runtime.Intrinsics.Vector256<double>.Zero;
            for (; j + 4 <= to; j += 4)
            {
                var s = System.Runtime.Intrinsics.Vector256<double>.Zero;
                for (int t = 0; t < d; t++)
                {
                    var diff = System.Runtime.Intrinsics.Vector256.Create(row[t]) - System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref columns[t][0], (nuint)j);
                    s += diff * diff;
                }
                acc += System.Runtime.Intrinsics.Vector256.Sqrt(s);
            }
            total = System.Runtime.Intrinsics.Vector256.Sum(acc);
        }
#endif
        for (; j < to; j++)
        {
            double s = 0;
            for (int t = 0; t < d; t++)
            {
                double diff = row[t] - columns[t][j];
                s += diff * diff;
            }
            total += Math.Sqrt(s);
        }
        return total;
    }

    /// <summary>
    /// Davies–Bouldin index (Davies and Bouldin 1979): mean over clusters of the worst (sᵢ + sⱼ) / ‖cᵢ − cⱼ‖, where s is
    /// the mean distance of a cluster's rows to its centroid; lower is better, 0 when every spread or every centroid
    /// distance is 0 (scikit-learn's rule). Needs 2 ≤ labels ≤ n − 1. O(n·d + k²·d).
    /// </summary>
    public static double DaviesBouldin(FeatureMatrix data, int[] labels)
    {
        CheckData(data, labels);
        var dense = Densify(labels, out int k);
        int n = data.Rows, d = data.Columns;
        if (k < 2 || k > n - 1)
            throw new ArgumentException($"Davies–Bouldin needs 2 ≤ number of labels ≤ n − 1; got {k} labels for {n} rows", nameof(labels));
        var centroids = Centroids(data, dense, k, out var counts);
        var intra = new double[k];
        var x = data.Values;
        for (int i = 0; i < n; i++)
        {
            int c = dense[i];
            intra[c] += Math.Sqrt(SquaredDistance(x, (long)i * d, centroids, (long)c * d, d));
        }
        bool allIntraZero = true;
        for (int c = 0; c < k; c++)
        {
            intra[c] /= counts[c];
            if (Math.Abs(intra[c]) > 1e-8) allIntraZero = false;
        }
        var cd = new double[k * k];
        bool allCentroidZero = true;
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
            {
                double v = Math.Sqrt(SquaredDistance(centroids, (long)a * d, centroids, (long)b * d, d));
                cd[a * k + b] = v;
                if (Math.Abs(v) > 1e-8) allCentroidZero = false;
            }
        if (allIntraZero || allCentroidZero) return 0.0;
        double total = 0;
        for (int a = 0; a < k; a++)
        {
            double worst = double.NegativeInfinity;
            for (int b = 0; b < k; b++)
            {
                double dist = cd[a * k + b];
                double score = dist == 0 ? 0 : (intra[a] + intra[b]) / dist;
                if (score > worst) worst = score;
            }
            total += worst;
        }
        return total / k;
    }

    /// <summary>
    /// Calinski–Harabasz variance ratio (Caliński and Harabasz 1974): [between-cluster dispersion / (k − 1)] /
    /// [within-cluster dispersion / (n − k)]; higher is better; 1 when the within dispersion is 0 (scikit-learn's
    /// rule). Needs 2 ≤ labels ≤ n − 1. O(n·d).
    /// </summary>
    public static double CalinskiHarabasz(FeatureMatrix data, int[] labels)
    {
        CheckData(data, labels);
        var dense = Densify(labels, out int k);
        int n = data.Rows, d = data.Columns;
        if (k < 2 || k > n - 1)
            throw new ArgumentException($"Calinski–Harabasz needs 2 ≤ number of labels ≤ n − 1; got {k} labels for {n} rows", nameof(labels));
        var centroids = Centroids(data, dense, k, out var counts);
        var mean = new double[d];
        var x = data.Values;
        for (int i = 0; i < n; i++)
            for (int t = 0; t < d; t++) mean[t] += x[(long)i * d + t];
        for (int t = 0; t < d; t++) mean[t] /= n;
        double extra = 0, intra = 0;
        for (int c = 0; c < k; c++) extra += counts[c] * SquaredDistance(centroids, (long)c * d, mean, 0, d);
        for (int i = 0; i < n; i++) intra += SquaredDistance(x, (long)i * d, centroids, (long)dense[i] * d, d);
        return intra == 0 ? 1.0 : extra * (n - k) / (intra * (k - 1.0));
    }

    /// <summary>Within-cluster sum of squared distances to each cluster's mean (the k-means objective). O(n·d).</summary>
    public static double Inertia(FeatureMatrix data, int[] labels)
    {
        CheckData(data, labels);
        var dense = Densify(labels, out int k);
        var centroids = Centroids(data, dense, k, out _);
        double s = 0;
        int d = data.Columns;
        for (int i = 0; i < data.Rows; i++) s += SquaredDistance(data.Values, (long)i * d, centroids, (long)dense[i] * d, d);
        return s;
    }

    /// <summary>Sum of squared distances of each row to the given centroid of its label (labels index the centroid rows).</summary>
    public static double Inertia(FeatureMatrix data, int[] labels, FeatureMatrix centroids)
    {
        CheckData(data, labels);
        if (centroids is null) throw new ArgumentNullException(nameof(centroids));
        if (centroids.Columns != data.Columns)
            throw new ArgumentException($"centroids have {centroids.Columns} columns, data {data.Columns}", nameof(centroids));
        double s = 0;
        int d = data.Columns;
        for (int i = 0; i < data.Rows; i++)
        {
            int l = labels[i];
            if ((uint)l >= (uint)centroids.Rows)
                throw new ArgumentException($"label {l} of row {i} has no centroid (0 … {centroids.Rows - 1})", nameof(labels));
            s += SquaredDistance(data.Values, (long)i * d, centroids.Values, (long)l * d, d);
        }
        return s;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static Dictionary<long, long> Contingency(int[] a, int[] b, out long[] rowSums, out long[] colSums)
    {
        if (a is null) throw new ArgumentNullException(nameof(a));
        if (b is null) throw new ArgumentNullException(nameof(b));
        if (a.Length != b.Length) throw new ArgumentException($"label arrays differ in length: {a.Length} and {b.Length}", nameof(b));
        var da = Densify(a, out int ka);
        var db = Densify(b, out int kb);
        rowSums = new long[ka];
        colSums = new long[kb];
        var table = new Dictionary<long, long>();
        for (int i = 0; i < a.Length; i++)
        {
            rowSums[da[i]]++;
            colSums[db[i]]++;
            long key = ((long)da[i] << 32) | (uint)db[i];
            table.TryGetValue(key, out long v);
            table[key] = v + 1;
        }
        return table;
    }

    private static double Entropy(long[] counts, double n)
    {
        double h = 0;
        foreach (var c in counts)
            if (c > 0) h -= c / n * (Math.Log(c) - Math.Log(n));
        return h;
    }

    /// <summary>Maps labels to 0 … k − 1 in order of sorted label value.</summary>
    internal static int[] Densify(int[] labels, out int k)
    {
        var distinct = new SortedSet<int>(labels);
        var map = new Dictionary<int, int>();
        foreach (var l in distinct) map[l] = map.Count;
        var dense = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++) dense[i] = map[labels[i]];
        k = map.Count;
        return dense;
    }

    private static double[] Centroids(FeatureMatrix data, int[] dense, int k, out int[] counts)
    {
        int d = data.Columns;
        var centroids = new double[k * d];
        counts = new int[k];
        var x = data.Values;
        for (int i = 0; i < data.Rows; i++)
        {
            int c = dense[i];
            counts[c]++;
            for (int t = 0; t < d; t++) centroids[c * d + t] += x[(long)i * d + t];
        }
        for (int c = 0; c < k; c++)
            for (int t = 0; t < d; t++) centroids[c * d + t] /= counts[c];
        return centroids;
    }

    private static void CheckData(FeatureMatrix data, int[] labels)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (labels is null) throw new ArgumentNullException(nameof(labels));
        if (labels.Length != data.Rows)
            throw new ArgumentException($"{labels.Length} labels for {data.Rows} rows", nameof(labels));
        if (data.Rows == 0) throw new ArgumentException("no rows", nameof(data));
        data.EnsureFinite(nameof(data));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SquaredDistance(double[] a, long ao, double[] b, long bo, int d)
    {
        double s = 0;
        for (int t = 0; t < d; t++)
        {
            double diff = a[ao + t] - b[bo + t];
            s += diff * diff;
        }
        return s;
    }
}
