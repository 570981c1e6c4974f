using System;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering") as scikit-learn implements it
/// (<c>sklearn.cluster.MiniBatchKMeans</c>, 1.2): each step assigns a batch of rows to the nearest centres and moves
/// every centre to the running mean of all rows it has received, c ← (c·N + Σ w·x) / (N + Σ w); centres that receive
/// too little are moved to random rows of the batch; the fit stops early when a smoothed batch inertia stops improving.
/// Memory O(batch·d + k·d), so data that does not fit in memory can be streamed through <see cref="Start"/> /
/// <see cref="MiniBatchKMeansState.Update"/>.
/// </summary>
/// <remarks>
/// <para>Reassignment (scikit-learn's <c>_mini_batch_step</c>): before a step, a reassignment is due when some centre
/// has received nothing yet or when 10·k rows have been processed since the last one. After a step for which it is
/// due, every centre whose accumulated weight is below <see cref="Options.ReassignmentRatio"/> × the largest is moved to
/// a batch row drawn uniformly without replacement (at most half the batch size of them: the lightest, ties to the
/// lower index), and its weight is reset to the smallest weight among the centres that stay, so it is not moved again
/// at once.</para>
/// <para>Early stopping (scikit-learn's <c>_mini_batch_convergence</c>): the mean batch inertia (measured before the
/// centres move) is smoothed by an exponentially weighted average with α = min(1, 2·batch / (n + 1)), the first step
/// ignored; the fit stops after <see cref="Options.MaximumNoImprovement"/> consecutive steps without a new minimum, or
/// when <see cref="Options.Tolerance"/> &gt; 0 and the squared centre movement of a step, summed over centres, is at most
/// tolerance × the mean feature variance. Otherwise it runs <see cref="Options.MaximumIterations"/> passes' worth of
/// steps (iterations × n / batch).</para>
/// <para>Start (scikit-learn's <c>init_size</c>, <c>n_init</c>): <see cref="Options.NumberOfInitializations"/> times,
/// greedy k-means++ on <c>init_size</c> random rows (3 × batch, at least 3·k, at most n); the start with the lowest
/// inertia on another <c>init_size</c> random rows wins. Or the explicit <see cref="Options.InitialCentroids"/>.</para>
/// <para>Cost O(steps·batch·k·d) time. Each step runs in fixed chunks of <see cref="StepChunkRows"/> rows whose sums
/// are added in chunk order, so the result does not depend on the number of threads: net10 runs the chunks on
/// <see cref="Options.MaxDegreeOfParallelism"/> threads, net48 one after another, with the same bits. Deterministic for
/// a seed; our random generator is not NumPy's, so the batches (and the result) differ from scikit-learn's for the same
/// seed: compare distributions over seeds, not single runs. Scale features first (Euclidean distance).</para>
/// <para>Errors: k &lt; 1 or k &gt; n, NaN/∞ values (named by row and column), negative or non-finite weights.</para>
/// </remarks>
public sealed class MiniBatchKMeansTrainer
{
    /// <summary>Rows per chunk of a step (fixed, so chunk sums and thus results do not depend on thread count).</summary>
    public const int StepChunkRows = 512;

    private readonly Options _options;

    /// <summary>Default option values (scikit-learn 1.2's <c>MiniBatchKMeans</c> defaults).</summary>
    public static class Defaults
    {
        /// <summary>Rows per step: 1024.</summary>
        public const int BatchSize = 1024;
        /// <summary>Passes over the data (steps = passes × n / batch): 100.</summary>
        public const int MaximumIterations = 100;
        /// <summary>Steps without a new minimum of the smoothed batch inertia before stopping: 10.</summary>
        public const int MaximumNoImprovement = 10;
        /// <summary>Tolerance on the squared centre movement per step (× mean feature variance): 0, off.</summary>
        public const double Tolerance = 0.0;
        /// <summary>Centres with less than this fraction of the largest accumulated weight are moved: 0.01.</summary>
        public const double ReassignmentRatio = 0.01;
        /// <summary>k-means++ starts tried on samples (the best on a validation sample wins): 3 (scikit-learn 1.2;
        /// 1.4 changes its default to 1 for k-means++).</summary>
        public const int NumberOfInitializations = 3;
        /// <summary>Threads per step: 1 (measured; see <see cref="Options.MaxDegreeOfParallelism"/>).</summary>
        public const int MaxDegreeOfParallelism = 1;
    }

    /// <summary>Options of <see cref="MiniBatchKMeansTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Number of clusters k.</summary>
        public int NumberOfClusters { get; set; } = KMeansTrainer.Defaults.NumberOfClusters;
        /// <summary>Rows per step (capped at n by <see cref="Fit"/>).</summary>
        public int BatchSize { get; set; } = Defaults.BatchSize;
        /// <summary>Passes over the data of <see cref="Fit"/>: steps = iterations × n / batch (scikit-learn's max_iter).</summary>
        public int MaximumIterations { get; set; } = Defaults.MaximumIterations;
        /// <summary>Exact number of steps of <see cref="Fit"/> instead of <see cref="MaximumIterations"/> passes
        /// (null: from the passes). Early stopping still applies.</summary>
        public int? MaximumSteps { get; set; }
        /// <summary>Consecutive steps without improvement of the smoothed batch inertia before <see cref="Fit"/>
        /// stops (scikit-learn's max_no_improvement); null: never stop for this reason.</summary>
        public int? MaximumNoImprovement { get; set; } = Defaults.MaximumNoImprovement;
        /// <summary>Stop when a step moves the centres by at most this × the mean feature variance (summed squared
        /// movement); 0: off.</summary>
        public double Tolerance { get; set; } = Defaults.Tolerance;
        /// <summary>Fraction in [0, 1] of the largest accumulated centre weight below which a centre is moved to a
        /// random batch row; 0: never move centres. (scikit-learn accepts values above 1, which can move every centre
        /// and then fails; they are refused here.)</summary>
        public double ReassignmentRatio { get; set; } = Defaults.ReassignmentRatio;
        /// <summary>k-means++ starts tried by <see cref="Fit"/>; ignored with <see cref="InitialCentroids"/>.</summary>
        public int NumberOfInitializations { get; set; } = Defaults.NumberOfInitializations;
        /// <summary>Rows sampled for each start and for the validation of starts (null: 3 × batch, at least 3·k;
        /// at most n).</summary>
        public int? InitializationSize { get; set; }
        /// <summary>Seed of the starts, the batches and the reassignments.</summary>
        public int Seed { get; set; }
        /// <summary>Explicit starting centres (k × d) instead of k-means++ (as scikit-learn's <c>init=array</c>);
        /// used by <see cref="Fit"/> and <see cref="Start"/>.</summary>
        public FeatureMatrix? InitialCentroids { get; set; }
        /// <summary>Threads of a step in the net10 build (≤ 0: all processors; default 1); the net48 build uses one. The
        /// result is the same for any value. One by default because a step is short (0.05 ms at batch 1,024 on 8 × 8,
        /// 0.4 ms at 16,384) and on a busy machine waiting for the second thread costs more than it saves (bench/RESULTS.md,
        /// mini-batch section); two threads paid only from about 16,384 rows × 16 columns per batch. The closing pass
        /// over the data in <see cref="Fit"/> always uses all processors.</summary>
        public int MaxDegreeOfParallelism { get; set; } = Defaults.MaxDegreeOfParallelism;
    }

    /// <summary>Creates a trainer; options are validated and copied.</summary>
    public MiniBatchKMeansTrainer(Options options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (options.NumberOfClusters < 1) throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfClusters, "NumberOfClusters must be ≥ 1");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be ≥ 1");
        if (options.MaximumIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaximumIterations, "MaximumIterations must be ≥ 1");
        if (options.MaximumSteps is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaximumSteps, "MaximumSteps must be ≥ 1 (or null)");
        if (options.MaximumNoImprovement is < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaximumNoImprovement, "MaximumNoImprovement must be ≥ 0 (or null)");
        if (!(options.Tolerance >= 0) || double.IsInfinity(options.Tolerance))
            throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "Tolerance must be finite and ≥ 0");
        if (!(options.ReassignmentRatio >= 0 && options.ReassignmentRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.ReassignmentRatio, "ReassignmentRatio must be in [0, 1]");
        if (options.NumberOfInitializations < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfInitializations, "NumberOfInitializations must be ≥ 1");
        if (options.InitializationSize is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.InitializationSize, "InitializationSize must be ≥ 1 (or null)");
        if (options.InitialCentroids is not null && options.InitialCentroids.Rows != options.NumberOfClusters)
            throw new ArgumentException($"InitialCentroids has {options.InitialCentroids.Rows} rows but NumberOfClusters is {options.NumberOfClusters}", nameof(options));
        _options = new Options
        {
            NumberOfClusters = options.NumberOfClusters,
            BatchSize = options.BatchSize,
            MaximumIterations = options.MaximumIterations,
            MaximumSteps = options.MaximumSteps,
            MaximumNoImprovement = options.MaximumNoImprovement,
            Tolerance = options.Tolerance,
            ReassignmentRatio = options.ReassignmentRatio,
            NumberOfInitializations = options.NumberOfInitializations,
            InitializationSize = options.InitializationSize,
            Seed = options.Seed,
            InitialCentroids = options.InitialCentroids?.Clone(),
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };
    }

    /// <summary>Fits on an in-memory matrix with batches drawn at random (rows with replacement, as scikit-learn).</summary>
    /// <param name="data">Rows to cluster (scaled); finite values only.</param>
    /// <param name="sampleWeights">Optional non-negative weight per row (null: all 1).</param>
    public KMeansModel Fit(FeatureMatrix data, double[]? sampleWeights = null)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        int n = data.Rows, d = data.Columns, k = _options.NumberOfClusters;
        if (n == 0) throw new ArgumentException("cannot cluster 0 rows", nameof(data));
        if (k > n) throw new ArgumentOutOfRangeException(nameof(data), n, $"NumberOfClusters k = {k} exceeds the number of rows n = {n}; choose k ≤ n");
        data.EnsureFinite(nameof(data));
        var w = KMeansTrainer.CheckWeights(sampleWeights, n);
        var rng = new SeededRandom(_options.Seed, 5);
        int batch = Math.Min(_options.BatchSize, n);
        double[] centers = InitialCenters(data, w, batch, rng);
        double tol = _options.Tolerance == 0 ? 0 : KMeansTrainer.MeanVariance(data) * _options.Tolerance;
        var state = new MiniBatchKMeansState(centers, k, d, (string[]?)data.ColumnNames?.Clone(), _options, rng, n, tol);
        long steps = _options.MaximumSteps ?? Math.Max(1, (long)_options.MaximumIterations * n / batch);
        var rows = new int[batch];
        for (long step = 0; step < steps; step++)
        {
            for (int i = 0; i < batch; i++) rows[i] = rng.NextInt(n);
            state.Step(data.Values, rows, batch, w);
            if (state.Converged) break;
        }
        return state.ToModel(data, w);
    }

    private double[] InitialCenters(FeatureMatrix data, double[]? w, int batch, SeededRandom rng)
    {
        int n = data.Rows, k = _options.NumberOfClusters;
        var init = _options.InitialCentroids;
        if (init is not null)
        {
            if (init.Columns != data.Columns) throw new ArgumentException($"InitialCentroids has {init.Columns} columns but data has {data.Columns}", nameof(data));
            init.EnsureFinite("InitialCentroids");
            return (double[])init.Values.Clone();
        }
        int size = _options.InitializationSize ?? (3 * batch < k ? 3 * k : 3 * batch);
        if (size < k) size = 3 * k;
        size = Math.Min(size, n);
        int tries = _options.NumberOfInitializations;
        FeatureMatrix? validation = null;
        double[]? validationWeights = null;
        if (tries > 1)
        {
            var v = RandomRows(n, size, rng);
            validation = data.SelectRows(v);
            validationWeights = Pick(w, v);
        }
        double[]? best = null;
        double bestInertia = double.PositiveInfinity;
        for (int t = 0; t < tries; t++)
        {
            // All rows when the sample would cover n (scikit-learn draws with replacement even then).
            var sample = size == n ? data : data.SelectRows(RandomRows(n, size, rng));
            var centers = KMeansPlusPlus.Seed(sample, null, k, rng, _options.MaxDegreeOfParallelism);
            if (validation is null) return centers;
            var labels = new int[validation.Rows];
            var weights = new double[k];
            double inertia = LloydKernel.FinalPass(validation.Values, validation.Rows, data.Columns, validationWeights, centers, k, labels, true, weights, 1);
            if (best is null || inertia < bestInertia)
            {
                best = centers;
                bestInertia = inertia;
            }
        }
        return best!;
    }

    private static int[] RandomRows(int n, int count, SeededRandom rng)
    {
        var idx = new int[count];
        for (int i = 0; i < count; i++) idx[i] = rng.NextInt(n);
        return idx;
    }

    private static double[]? Pick(double[]? w, int[] rows)
    {
        if (w is null) return null;
        var r = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++) r[i] = w[rows[i]];
        return r;
    }

    /// <summary>Starts a streaming fit: the centres are <see cref="Options.InitialCentroids"/> when set, else greedy
    /// k-means++ on <paramref name="seedBatch"/> (≥ k rows). Process batches with
    /// <see cref="MiniBatchKMeansState.Update"/>; reassignment works as in <see cref="Fit"/>.</summary>
    /// <param name="seedBatch">Rows to seed from; their mean feature variance scales <see cref="Options.Tolerance"/>.</param>
    /// <param name="datasetRows">Rows of the whole data set, when known: enables the smoothed-inertia stopping rule
    /// (its weight α = 2·batch / (n + 1) needs n), reported by <see cref="MiniBatchKMeansState.Converged"/>; null: only
    /// the tolerance rule applies.</param>
    public MiniBatchKMeansState Start(FeatureMatrix seedBatch, long? datasetRows = null)
    {
        if (seedBatch is null) throw new ArgumentNullException(nameof(seedBatch));
        if (datasetRows is < 1) throw new ArgumentOutOfRangeException(nameof(datasetRows), datasetRows, "must be ≥ 1 (or null)");
        seedBatch.EnsureFinite(nameof(seedBatch));
        int k = _options.NumberOfClusters;
        if (seedBatch.Rows < 1) throw new ArgumentException("the seed batch has no rows", nameof(seedBatch));
        double[] centers;
        var init = _options.InitialCentroids;
        if (init is not null)
        {
            if (init.Columns != seedBatch.Columns) throw new ArgumentException($"InitialCentroids has {init.Columns} columns but the seed batch has {seedBatch.Columns}", nameof(seedBatch));
            init.EnsureFinite("InitialCentroids");
            centers = (double[])init.Values.Clone();
        }
        else
        {
            if (seedBatch.Rows < k) throw new ArgumentException($"the seed batch has {seedBatch.Rows} rows, fewer than k = {k}", nameof(seedBatch));
            centers = KMeansPlusPlus.Seed(seedBatch, null, k, new SeededRandom(_options.Seed, 6), 1);
        }
        double tol = _options.Tolerance == 0 ? 0 : KMeansTrainer.MeanVariance(seedBatch) * _options.Tolerance;
        return new MiniBatchKMeansState(centers, k, seedBatch.Columns, (string[]?)seedBatch.ColumnNames?.Clone(), _options,
            new SeededRandom(_options.Seed, 7), datasetRows, tol);
    }
}
