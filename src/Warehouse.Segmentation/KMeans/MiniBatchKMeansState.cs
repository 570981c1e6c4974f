using System;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;
#if NET
using System.Threading.Tasks;
#endif

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Running state of a mini-batch k-means fit (see <see cref="MiniBatchKMeansTrainer"/> for the rules): the centres,
/// the weight each has absorbed, the reassignment schedule and the early-stopping monitor. Not thread-safe: one
/// caller feeds the batches in order.
/// </summary>
public sealed class MiniBatchKMeansState
{
    private readonly double[] _centers;
    private readonly double[] _counts;
    private readonly int _k;
    private readonly int _d;
    private readonly string[]? _names;
    private readonly double _ratio;
    private readonly int? _maxNoImprovement;
    private readonly int _maxDop;
    private readonly SeededRandom _rng;
    private readonly long? _datasetRows;
    private readonly double _tolerance;
    private long _sinceReassign;
    private double _ewa = double.NaN;
    private double _ewaMin = double.NaN;
    private int _noImprovement;

    // Per-chunk buffers of a step, grown on demand and reused.
    private double[][] _chunkX = new double[0][];
    private double[]?[] _chunkW = new double[0][];
    private int[][] _chunkLabels = new int[0][];
    private double[][] _chunkSums = new double[0][];
    private double[][] _chunkWeights = new double[0][];
    private double[] _chunkInertia = new double[0];
    private readonly double[] _sums;
    private readonly double[] _weights;
    private int[] _pick = new int[0];
    private readonly bool[] _move;

    internal MiniBatchKMeansState(double[] centers, int k, int d, string[]? names, MiniBatchKMeansTrainer.Options options,
        SeededRandom rng, long? datasetRows, double tolerance)
    {
        _centers = centers;
        _counts = new double[k];
        _k = k;
        _d = d;
        _names = names;
        _ratio = options.ReassignmentRatio;
        _maxNoImprovement = options.MaximumNoImprovement;
        _maxDop = options.MaxDegreeOfParallelism;
        _rng = rng;
        _datasetRows = datasetRows;
        _tolerance = tolerance;
        _sums = new double[k * d];
        _weights = new double[k];
        _move = new bool[k];
    }

    /// <summary>Batches processed.</summary>
    public int Steps { get; private set; }

    /// <summary>Rows processed.</summary>
    public long RowsSeen { get; private set; }

    /// <summary>Centres moved to batch rows so far (reassignments of starved centres).</summary>
    public long CentersReassigned { get; private set; }

    /// <summary>Whether a stopping rule has fired: the smoothed batch inertia has not reached a new minimum for
    /// MaximumNoImprovement steps (needs the data set's row count), or a step moved the centres by at most the
    /// tolerance. Further updates are still applied; <see cref="MiniBatchKMeansTrainer.Fit"/> stops here.</summary>
    public bool Converged { get; private set; }

    /// <summary>Exponentially weighted average of the mean batch inertia per row (NaN before the second step or
    /// when the data set's row count is unknown).</summary>
    public double SmoothedInertia => _ewa;

    /// <summary>Processes one batch (any number of rows ≥ 1) and returns its inertia Σ w·‖x − c‖² measured against the
    /// centres before this step moved them.</summary>
    /// <param name="batch">Rows, with the model's column count; finite values only.</param>
    /// <param name="sampleWeights">Optional non-negative weight per row of the batch (null: all 1).</param>
    public double Update(FeatureMatrix batch, double[]? sampleWeights = null)
    {
        if (batch is null) throw new ArgumentNullException(nameof(batch));
        if (batch.Columns != _d) throw new ArgumentException($"batch has {batch.Columns} columns, the model {_d}", nameof(batch));
        if (batch.Rows < 1) throw new ArgumentException("batch has no rows", nameof(batch));
        batch.EnsureFinite(nameof(batch));
        var w = CheckBatchWeights(sampleWeights, batch.Rows);
        return Step(batch.Values, null, batch.Rows, w);
    }

    private static double[]? CheckBatchWeights(double[]? w, int m)
    {
        if (w is null) return null;
        if (w.Length != m) throw new ArgumentException($"{w.Length} sample weights for {m} rows", "sampleWeights");
        for (int i = 0; i < m; i++)
            if (!(w[i] >= 0) || double.IsInfinity(w[i]))
                throw new ArgumentException($"sample weight of row {i} is {w[i]}; weights must be finite and ≥ 0", "sampleWeights");
        return w;
    }

    /// <summary>
    /// One step on m rows: row i of the batch is row <c>rows[i]</c> of <paramref name="x"/> (or row i when
    /// <paramref name="rows"/> is null); <paramref name="w"/> is indexed like the rows of <paramref name="x"/>.
    /// </summary>
    internal double Step(double[] x, int[]? rows, int m, double[]? w)
    {
        bool reassign = false;
        _sinceReassign += m;
        if (_ratio > 0)
        {
            // scikit-learn's _random_reassign: due when a centre is still empty or 10·k rows went by.
            bool anyEmpty = false;
            for (int c = 0; c < _k; c++) anyEmpty |= _counts[c] == 0;
            if (anyEmpty || _sinceReassign >= 10L * _k)
            {
                _sinceReassign = 0;
                reassign = true;
            }
        }
        double inertia = AssignBatch(x, rows, m, w);
        double[]? before = _tolerance > 0 ? (double[])_centers.Clone() : null;
        for (int c = 0; c < _k; c++)
        {
            if (!(_weights[c] > 0)) continue;
            double total = _counts[c] + _weights[c];
            for (int j = 0; j < _d; j++)
                _centers[c * _d + j] = (_centers[c * _d + j] * _counts[c] + _sums[c * _d + j]) / total;
            _counts[c] = total;
        }
        if (reassign) Reassign(x, rows, m);
        Steps++;
        RowsSeen += m;
        double shift = 0;
        if (before is not null)
            for (int t = 0; t < before.Length; t++)
            {
                double s = _centers[t] - before[t];
                shift += s * s;
            }
        Monitor(inertia, m, shift);
        return inertia;
    }

    /// <summary>
    /// Assigns the batch in chunks of <see cref="MiniBatchKMeansTrainer.StepChunkRows"/> rows (gathered, assigned and
    /// summed by the Lloyd kernel, exact inertia against the current centres), then adds the chunk sums in chunk order.
    /// </summary>
    private double AssignBatch(double[] x, int[]? rows, int m, double[]? w)
    {
        const int size = MiniBatchKMeansTrainer.StepChunkRows;
        int chunks = (m + size - 1) / size;
        EnsureBuffers(chunks, Math.Min(m, size), w is not null);
#if NET
        if (chunks > 1 && _maxDop != 1 && Environment.ProcessorCount > 1)
        {
            int dop = _maxDop <= 0 ? Environment.ProcessorCount : _maxDop;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = dop }, c => Chunk(c, x, rows, m, w));
        }
        else
#endif
        {
            for (int c = 0; c < chunks; c++) Chunk(c, x, rows, m, w);
        }
        Array.Clear(_sums, 0, _sums.Length);
        Array.Clear(_weights, 0, _k);
        double inertia = 0;
        for (int c = 0; c < chunks; c++)
        {
            var s = _chunkSums[c];
            for (int t = 0; t < s.Length; t++) _sums[t] += s[t];
            var cw = _chunkWeights[c];
            for (int t = 0; t < _k; t++) _weights[t] += cw[t];
            inertia += _chunkInertia[c];
        }
        return inertia;
    }

    private void EnsureBuffers(int chunks, int rowsPerChunk, bool weighted)
    {
        if (_chunkX.Length < chunks)
        {
            Array.Resize(ref _chunkX, chunks);
            Array.Resize(ref _chunkW, chunks);
            Array.Resize(ref _chunkLabels, chunks);
            Array.Resize(ref _chunkSums, chunks);
            Array.Resize(ref _chunkWeights, chunks);
            Array.Resize(ref _chunkInertia, chunks);
        }
        for (int c = 0; c < chunks; c++)
        {
            if (_chunkX[c] is null || _chunkX[c].Length < rowsPerChunk * _d)
            {
                _chunkX[c] = new double[rowsPerChunk * _d];
                _chunkLabels[c] = new int[rowsPerChunk];
            }
            if (weighted && (_chunkW[c] is null || _chunkW[c]!.Length < rowsPerChunk)) _chunkW[c] = new double[rowsPerChunk];
            if (_chunkSums[c] is null)
            {
                _chunkSums[c] = new double[_k * _d];
                _chunkWeights[c] = new double[_k];
            }
        }
    }

    [MethodImpl(Hot.Optimize)]
    private void Chunk(int chunk, double[] x, int[]? rows, int m, double[]? w)
    {
        const int size = MiniBatchKMeansTrainer.StepChunkRows;
        int start = chunk * size, count = Math.Min(m, start + size) - start, d = _d;
        var cx = _chunkX[chunk];
        var cw = w is null ? null : _chunkW[chunk];
        for (int i = 0; i < count; i++)
        {
            int r = rows is null ? start + i : rows[start + i];
            Array.Copy(x, (long)r * d, cx, (long)i * d, d);
            if (cw is not null) cw[i] = w![r];
        }
        var labels = _chunkLabels[chunk];
        LloydKernel.AssignAndSum(cx, count, d, cw, _centers, _k, labels, _chunkSums[chunk], _chunkWeights[chunk], 1);
        double s = 0;
        for (int i = 0; i < count; i++)
        {
            int xo = i * d, co = labels[i] * d;
            double r = 0;
            for (int j = 0; j < d; j++)
            {
                double t = cx[xo + j] - _centers[co + j];
                r += t * t;
            }
            s += cw is null ? r : r * cw[i];
        }
        _chunkInertia[chunk] = s;
    }

    /// <summary>
    /// scikit-learn's reassignment: centres lighter than ratio × the heaviest (at most ⌊m/2⌋ of them, the lightest,
    /// ties to the lower index) move to distinct batch rows drawn uniformly; their weight becomes the smallest weight
    /// among the centres that stay.
    /// </summary>
    private void Reassign(double[] x, int[]? rows, int m)
    {
        double max = 0;
        for (int c = 0; c < _k; c++) max = Math.Max(max, _counts[c]);
        double limit = _ratio * max;
        int flagged = 0;
        for (int c = 0; c < _k; c++)
        {
            _move[c] = _counts[c] < limit;
            if (_move[c]) flagged++;
        }
        int cap = (int)(0.5 * m);
        if (flagged > cap)
        {
            // Keep the cap lightest (stable order: weight, then index); the rest stay where they are.
            var order = new int[_k];
            for (int c = 0; c < _k; c++) order[c] = c;
            InsertionSortByWeightThenIndex(order);
            for (int i = cap; i < _k; i++) _move[order[i]] = false;
            flagged = cap;
        }
        if (flagged == 0) return;
        double keep = double.PositiveInfinity;
        for (int c = 0; c < _k; c++) if (!_move[c]) keep = Math.Min(keep, _counts[c]);
        // Distinct batch rows, uniform: a partial Fisher–Yates shuffle of 0..m−1.
        if (_pick.Length < m) _pick = new int[m];
        for (int i = 0; i < m; i++) _pick[i] = i;
        int p = 0;
        for (int c = 0; c < _k; c++)
        {
            if (!_move[c]) continue;
            int j = p + _rng.NextInt(m - p);
            (_pick[p], _pick[j]) = (_pick[j], _pick[p]);
            int r = rows is null ? _pick[p] : rows[_pick[p]];
            Array.Copy(x, (long)r * _d, _centers, (long)c * _d, _d);
            _counts[c] = keep;
            p++;
        }
        CentersReassigned += flagged;
    }

    private void InsertionSortByWeightThenIndex(int[] order)
    {
        for (int i = 1; i < order.Length; i++)
        {
            int v = order[i], j = i - 1;
            while (j >= 0 && (_counts[order[j]] > _counts[v] || (_counts[order[j]] == _counts[v] && order[j] > v)))
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = v;
        }
    }

    /// <summary>scikit-learn's _mini_batch_convergence (first step ignored; EWA of the mean batch inertia).</summary>
    private void Monitor(double batchInertia, int m, double shift)
    {
        if (Steps == 1) return;
        double mean = batchInertia / m;
        if (_datasetRows is long n)
        {
            double alpha = Math.Min(1.0, m * 2.0 / (n + 1));
            _ewa = double.IsNaN(_ewa) ? mean : _ewa * (1 - alpha) + mean * alpha;
        }
        if (_tolerance > 0 && shift <= _tolerance)
        {
            Converged = true;
            return;
        }
        if (double.IsNaN(_ewa)) return;
        if (double.IsNaN(_ewaMin) || _ewa < _ewaMin)
        {
            _noImprovement = 0;
            _ewaMin = _ewa;
        }
        else
        {
            _noImprovement++;
        }
        if (_maxNoImprovement is int limit && _noImprovement >= limit) Converged = true;
    }

    /// <summary>The current centres as a model; inertia and weights are computed on <paramref name="evaluation"/>
    /// when given (one pass on all processors in the net10 build, same bits), else inertia is NaN and the weights are those each centre has absorbed.</summary>
    /// <param name="evaluation">Rows to label and measure (for example the training data), or null.</param>
    /// <param name="sampleWeights">Optional weight per evaluation row.</param>
    public KMeansModel ToModel(FeatureMatrix? evaluation = null, double[]? sampleWeights = null)
    {
        var centroids = new FeatureMatrix((double[])_centers.Clone(), _d) { ColumnNames = (string[]?)_names?.Clone() };
        if (evaluation is null) return new KMeansModel(centroids, double.NaN, Steps, Converged, (double[])_counts.Clone(), -1);
        if (evaluation.Columns != _d) throw new ArgumentException($"evaluation has {evaluation.Columns} columns, the model {_d}", nameof(evaluation));
        var w = KMeansTrainer.CheckWeights(sampleWeights, evaluation.Rows);
        var labels = new int[evaluation.Rows];
        var weights = new double[_k];
        // One read: labels, exact inertia and weight per centre (the closing pass of a Lloyd run).
        double inertia = LloydKernel.FinalPass(evaluation.Values, evaluation.Rows, _d, w, centroids.Values, _k, labels, true, weights, -1);
        return new KMeansModel(centroids, inertia, Steps, Converged, weights, -1);
    }
}
