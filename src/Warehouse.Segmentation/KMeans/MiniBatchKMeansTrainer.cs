using System;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering", with scikit-learn's per-centre learning rate):
/// each step assigns a batch of rows to the nearest centres and moves every centre to the running mean of all
/// rows it has received, c ← (c·N + Σ batch rows) / (N + batch count). Memory O(batch·d + k·d), so data that does not
/// fit in memory can be streamed through <see cref="Start"/> / <see cref="MiniBatchKMeansState.Update"/>.
/// </summary>
/// <remarks>
/// Cost O(steps·batch·k·d). Seeded by k-means++ on the first batch (or on a sample of the matrix given to
/// <see cref="Fit"/>, or from <see cref="Options.InitialCentroids"/>). Deterministic for a seed; the quality is close to, not equal to, full Lloyd.
/// </remarks>
public sealed class MiniBatchKMeansTrainer
{
    private readonly Options _options;

    /// <summary>Options of <see cref="MiniBatchKMeansTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Number of clusters k.</summary>
        public int NumberOfClusters { get; set; } = KMeansTrainer.Defaults.NumberOfClusters;
        /// <summary>Rows per step (scikit-learn's default: 1024).</summary>
        public int BatchSize { get; set; } = 1024;
        /// <summary>Steps of <see cref="Fit"/>.</summary>
        public int MaximumSteps { get; set; } = 100;
        /// <summary>Seed of the seeding and of the batches drawn by <see cref="Fit"/>.</summary>
        public int Seed { get; set; }
        /// <summary>Explicit starting centres (k × d) for <see cref="Fit"/> instead of k-means++ on a sample (as
        /// scikit-learn's <c>init=array</c>); null: k-means++.</summary>
        public FeatureMatrix? InitialCentroids { get; set; }
    }

    /// <summary>Creates a trainer.</summary>
    public MiniBatchKMeansTrainer(Options options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (options.NumberOfClusters < 1) throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfClusters, "NumberOfClusters must be ≥ 1");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be ≥ 1");
        if (options.MaximumSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaximumSteps, "MaximumSteps must be ≥ 1");
        if (options.InitialCentroids is not null && options.InitialCentroids.Rows != options.NumberOfClusters)
            throw new ArgumentException($"InitialCentroids has {options.InitialCentroids.Rows} rows but NumberOfClusters is {options.NumberOfClusters}", nameof(options));
        _options = new Options
        {
            NumberOfClusters = options.NumberOfClusters,
            BatchSize = options.BatchSize,
            MaximumSteps = options.MaximumSteps,
            Seed = options.Seed,
            InitialCentroids = options.InitialCentroids?.Clone(),
        };
    }

    /// <summary>Fits on an in-memory matrix with batches drawn at random (with replacement between steps).</summary>
    public KMeansModel Fit(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        data.EnsureFinite(nameof(data));
        int n = data.Rows, k = _options.NumberOfClusters;
        if (k > n) throw new ArgumentOutOfRangeException(nameof(data), n, $"NumberOfClusters k = {k} exceeds the number of rows n = {n}; choose k ≤ n");
        var rng = new SeededRandom(_options.Seed, 5);
        int batch = Math.Min(_options.BatchSize, n);
        MiniBatchKMeansState state;
        var init = _options.InitialCentroids;
        if (init is not null)
        {
            if (init.Columns != data.Columns) throw new ArgumentException($"InitialCentroids has {init.Columns} columns but data has {data.Columns}", nameof(data));
            init.EnsureFinite("InitialCentroids");
            state = new MiniBatchKMeansState((double[])init.Values.Clone(), k, data.Columns, (string[]?)data.ColumnNames?.Clone());
        }
        else
        {
            var idx = new int[Math.Min(n, Math.Max(3 * batch, k))];
            for (int i = 0; i < idx.Length; i++) idx[i] = idx.Length == n ? i : rng.NextInt(n);
            state = Start(data.SelectRows(idx));
        }
        var rows = new int[batch];
        for (int step = 0; step < _options.MaximumSteps; step++)
        {
            for (int i = 0; i < batch; i++) rows[i] = rng.NextInt(n);
            state.Update(data.SelectRows(rows));
        }
        return state.ToModel(data);
    }

    /// <summary>Starts a streaming fit: seeds k centres by k-means++ on <paramref name="seedBatch"/> (≥ k rows).</summary>
    public MiniBatchKMeansState Start(FeatureMatrix seedBatch)
    {
        if (seedBatch is null) throw new ArgumentNullException(nameof(seedBatch));
        seedBatch.EnsureFinite(nameof(seedBatch));
        int k = _options.NumberOfClusters;
        if (seedBatch.Rows < k) throw new ArgumentException($"the seed batch has {seedBatch.Rows} rows, fewer than k = {k}", nameof(seedBatch));
        var centers = KMeansPlusPlus.Seed(seedBatch, null, k, new SeededRandom(_options.Seed, 6), 1);
        return new MiniBatchKMeansState(centers, k, seedBatch.Columns, (string[]?)seedBatch.ColumnNames?.Clone());
    }
}

/// <summary>Running state of a streaming mini-batch k-means fit.</summary>
public sealed class MiniBatchKMeansState
{
    private readonly double[] _centers;
    private readonly double[] _counts;
    private readonly int _k;
    private readonly int _d;
    private readonly string[]? _names;

    internal MiniBatchKMeansState(double[] centers, int k, int d, string[]? names)
    {
        _centers = centers;
        _counts = new double[k];
        _k = k;
        _d = d;
        _names = names;
    }

    /// <summary>Batches processed.</summary>
    public int Steps { get; private set; }

    /// <summary>Rows processed.</summary>
    public long RowsSeen { get; private set; }

    /// <summary>Processes one batch (any number of rows ≥ 1).</summary>
    public void Update(FeatureMatrix batch)
    {
        if (batch is null) throw new ArgumentNullException(nameof(batch));
        if (batch.Columns != _d) throw new ArgumentException($"batch has {batch.Columns} columns, the model {_d}", nameof(batch));
        batch.EnsureFinite(nameof(batch));
        int m = batch.Rows;
        var labels = new int[m];
        var sums = new double[_k * _d];
        var weights = new double[_k];
        LloydKernel.AssignAndSum(batch.Values, m, _d, null, _centers, _k, labels, sums, weights, 1);
        for (int c = 0; c < _k; c++)
        {
            if (weights[c] == 0) continue;
            double total = _counts[c] + weights[c];
            for (int j = 0; j < _d; j++)
                _centers[c * _d + j] = (_centers[c * _d + j] * _counts[c] + sums[c * _d + j]) / total;
            _counts[c] = total;
        }
        Steps++;
        RowsSeen += m;
    }

    /// <summary>The current centres as a model; inertia and weights are computed on <paramref name="evaluation"/>
    /// when given (one pass), else inertia is NaN and the weights are the rows each centre has absorbed.</summary>
    public KMeansModel ToModel(FeatureMatrix? evaluation = null)
    {
        var centroids = new FeatureMatrix((double[])_centers.Clone(), _d) { ColumnNames = (string[]?)_names?.Clone() };
        if (evaluation is null) return new KMeansModel(centroids, double.NaN, Steps, false, (double[])_counts.Clone(), -1);
        if (evaluation.Columns != _d) throw new ArgumentException($"evaluation has {evaluation.Columns} columns, the model {_d}", nameof(evaluation));
        var labels = new int[evaluation.Rows];
        var weights = new double[_k];
        // One read: labels, exact inertia and rows per centre (the closing pass of a Lloyd run).
        double inertia = LloydKernel.FinalPass(evaluation.Values, evaluation.Rows, _d, null, centroids.Values, _k, labels, true, weights, -1);
        return new KMeansModel(centroids, inertia, Steps, false, weights, -1);
    }
}
