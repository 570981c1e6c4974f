using System;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Trains a k-means model with Lloyd's algorithm (Lloyd 1982), seeded by greedy k-means++ and restarted
/// <see cref="Options.NumberOfInitializations"/> times, keeping the run with the lowest inertia.
/// </summary>
/// <remarks>
/// <para>Each iteration assigns every row to its nearest centre and moves each centre to the (weighted) mean of its
/// rows; it stops when no label changes, when the squared centre shift summed over centres is ≤ tolerance × the
/// mean per-feature variance (scikit-learn's rule), or after <see cref="Options.MaximumIterations"/>. After a
/// tolerance stop the labels are recomputed once so that they match the returned centres. An empty cluster is
/// re-seeded with the row farthest from its centre (scikit-learn's rule), so k clusters come back whenever the
/// data have at least k distinct rows.</para>
/// <para>Cost: O(n·k·d) time per iteration, O(n + k·d) extra memory. Scale features first (see
/// <see cref="Scaling.FeatureScaler"/>): k-means uses Euclidean distance. Deterministic for a seed, identical on
/// net48 and net10 (net10 uses Vector256/Vector512 and several threads, with the same arithmetic order; each row is
/// assigned and added to its cluster's sums in one read, so an iteration streams the matrix once; the closing
/// relabelling, inertia and cluster weights share one more read).</para>
/// <para>Errors: k &lt; 1 or k &gt; n rows, NaN/∞ values (named by row and column), negative or non-finite weights.</para>
/// </remarks>
public sealed class KMeansTrainer
{
    private readonly Options _options;

    /// <summary>Default option values.</summary>
    public static class Defaults
    {
        /// <summary>Number of clusters when not set: 5.</summary>
        public const int NumberOfClusters = 5;
        /// <summary>Restarts from different seeds: 10 (scikit-learn 1.2's default for k-means++).</summary>
        public const int NumberOfInitializations = 10;
        /// <summary>Iteration cap per run: 300.</summary>
        public const int MaximumIterations = 300;
        /// <summary>Relative tolerance on the centre shift: 1e-4 (× mean feature variance).</summary>
        public const double Tolerance = 1e-4;
        /// <summary>Seed: 0.</summary>
        public const int Seed = 0;
    }

    /// <summary>Options of <see cref="KMeansTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Number of clusters k, 1 ≤ k ≤ rows.</summary>
        public int NumberOfClusters { get; set; } = Defaults.NumberOfClusters;
        /// <summary>Seed of the random choices (seeding, restarts).</summary>
        public int Seed { get; set; } = Defaults.Seed;
        /// <summary>Number of runs from different starts; the lowest inertia wins. Ignored for explicit starts.</summary>
        public int NumberOfInitializations { get; set; } = Defaults.NumberOfInitializations;
        /// <summary>Iteration cap per run, ≥ 1.</summary>
        public int MaximumIterations { get; set; } = Defaults.MaximumIterations;
        /// <summary>Relative tolerance (× mean feature variance) on the summed squared centre shift; 0 runs until
        /// the labels stop changing or the cap.</summary>
        public double Tolerance { get; set; } = Defaults.Tolerance;
        /// <summary>How starting centres are chosen.</summary>
        public KMeansInitialization Initialization { get; set; } = KMeansInitialization.KMeansPlusPlus;
        /// <summary>Explicit starting centres (k × d); setting them implies <see cref="KMeansInitialization.Explicit"/>.</summary>
        public FeatureMatrix? InitialCentroids { get; set; }
        /// <summary>Threads used by the net10 build (≤ 0: all processors). The net48 build always uses one.</summary>
        public int MaxDegreeOfParallelism { get; set; } = -1;
    }

    /// <summary>Creates a trainer; options are validated and copied.</summary>
    public KMeansTrainer(Options options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (options.NumberOfClusters < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfClusters, "NumberOfClusters must be ≥ 1");
        if (options.NumberOfInitializations < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfInitializations, "NumberOfInitializations must be ≥ 1");
        if (options.MaximumIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaximumIterations, "MaximumIterations must be ≥ 1");
        if (!(options.Tolerance >= 0) || double.IsInfinity(options.Tolerance))
            throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "Tolerance must be finite and ≥ 0");
        if (options.InitialCentroids is not null && options.InitialCentroids.Rows != options.NumberOfClusters)
            throw new ArgumentException($"InitialCentroids has {options.InitialCentroids.Rows} rows but NumberOfClusters is {options.NumberOfClusters}", nameof(options));
        if (options.Initialization == KMeansInitialization.Explicit && options.InitialCentroids is null)
            throw new ArgumentException("Initialization is Explicit but InitialCentroids is null", nameof(options));
        _options = new Options
        {
            NumberOfClusters = options.NumberOfClusters,
            Seed = options.Seed,
            NumberOfInitializations = options.NumberOfInitializations,
            MaximumIterations = options.MaximumIterations,
            Tolerance = options.Tolerance,
            Initialization = options.InitialCentroids is not null ? KMeansInitialization.Explicit : options.Initialization,
            InitialCentroids = options.InitialCentroids?.Clone(),
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };
    }

    /// <summary>Fits the model.</summary>
    /// <param name="data">Rows to cluster (scaled); finite values only.</param>
    /// <param name="sampleWeights">Optional non-negative weight per row (null: all 1).</param>
    public KMeansModel Fit(FeatureMatrix data, double[]? sampleWeights = null)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        int n = data.Rows, d = data.Columns, k = _options.NumberOfClusters;
        if (n == 0) throw new ArgumentException("cannot cluster 0 rows", nameof(data));
        if (k > n) throw new ArgumentOutOfRangeException(nameof(data), n, $"NumberOfClusters k = {k} exceeds the number of rows n = {n}; choose k ≤ n");
        data.EnsureFinite(nameof(data));
        var w = CheckWeights(sampleWeights, n);
        var init = _options.InitialCentroids;
        if (init is not null)
        {
            if (init.Columns != d) throw new ArgumentException($"InitialCentroids has {init.Columns} columns but data has {d}", nameof(data));
            init.EnsureFinite("InitialCentroids");
        }
        double tol = _options.Tolerance == 0 ? 0 : MeanVariance(data) * _options.Tolerance;
        int runs = _options.Initialization == KMeansInitialization.Explicit ? 1 : _options.NumberOfInitializations;

        LloydRun? best = null;
        for (int run = 0; run < runs; run++)
        {
            double[] centers = _options.Initialization switch
            {
                KMeansInitialization.Explicit => (double[])init!.Values.Clone(),
                KMeansInitialization.Random => RandomRows(data, k, new SeededRandom(_options.Seed, run)),
                _ => KMeansPlusPlus.Seed(data, w, k, new SeededRandom(_options.Seed, run), _options.MaxDegreeOfParallelism),
            };
            var result = LloydRun.Run(data, w, centers, k, _options.MaximumIterations, tol, _options.MaxDegreeOfParallelism);
            if (best is null || result.Inertia < best.Inertia) best = result;
        }
        var centroids = new FeatureMatrix(best!.Centers, d) { ColumnNames = (string[]?)data.ColumnNames?.Clone() };
        return new KMeansModel(centroids, best.Inertia, best.Iterations, best.Converged, best.ClusterWeights, _options.MaxDegreeOfParallelism);
    }

    /// <summary>Validated copy of the weights, or null for unit weights.</summary>
    internal static double[]? CheckWeights(double[]? sampleWeights, int n)
    {
        if (sampleWeights is null) return null;
        if (sampleWeights.Length != n)
            throw new ArgumentException($"{sampleWeights.Length} sample weights for {n} rows", nameof(sampleWeights));
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double v = sampleWeights[i];
            if (!(v >= 0) || double.IsInfinity(v))
                throw new ArgumentException($"sample weight of row {i} is {v}; weights must be finite and ≥ 0", nameof(sampleWeights));
            total += v;
        }
        if (!(total > 0)) throw new ArgumentException("sample weights sum to 0", nameof(sampleWeights));
        return (double[])sampleWeights.Clone();
    }

    /// <summary>Mean over columns of the population variance (scikit-learn's tolerance scale).</summary>
    internal static double MeanVariance(FeatureMatrix data)
    {
        int n = data.Rows, d = data.Columns;
        var v = data.Values;
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += v[(long)i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        var ss = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double t = v[(long)i * d + j] - mean[j];
                ss[j] += t * t;
            }
        double s = 0;
        for (int j = 0; j < d; j++) s += ss[j] / n;
        return s / d;
    }

    private static double[] RandomRows(FeatureMatrix data, int k, SeededRandom rng)
    {
        int n = data.Rows, d = data.Columns;
        var idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        var centers = new double[k * d];
        for (int c = 0; c < k; c++)
        {
            int j = c + rng.NextInt(n - c);
            (idx[c], idx[j]) = (idx[j], idx[c]);
            Array.Copy(data.Values, (long)idx[c] * d, centers, (long)c * d, d);
        }
        return centers;
    }
}
