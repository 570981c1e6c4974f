using System;
using Warehouse.Segmentation.KMeans;

namespace Warehouse.Segmentation.Mixture;

/// <summary>
/// Fits a Gaussian mixture by expectation–maximisation (Dempster, Laird and Rubin 1977) with scikit-learn's
/// GaussianMixture semantics: k-means initialisation (one-hot responsibilities from a k-means run), covariance
/// regularisation added to the diagonal, stop when the mean log-likelihood changes by less than the tolerance,
/// then a final E-step so that labels match the returned parameters.
/// </summary>
/// <remarks>
/// Cost per iteration O(n·k·d²) for full covariances (O(n·k·d) diagonal/spherical), memory O(n·k) for the
/// responsibilities. Deterministic for a seed; net10 spreads the chunks over threads with the same sums.
/// Errors: k &lt; 1 or k &gt; n, NaN/∞ values (row and column named), a covariance that is not positive definite
/// (raise <see cref="Options.RegularizationCovariance"/>). Scale features first.
/// </remarks>
public sealed class GaussianMixtureTrainer
{
    private readonly Options _options;

    /// <summary>Default option values (scikit-learn's).</summary>
    public static class Defaults
    {
        /// <summary>Components: 5.</summary>
        public const int NumberOfComponents = 5;
        /// <summary>Added to covariance diagonals: 1e-6.</summary>
        public const double RegularizationCovariance = 1e-6;
        /// <summary>EM iteration cap: 100.</summary>
        public const int MaximumIterations = 100;
        /// <summary>Stop when the mean log-likelihood changes by less than 1e-3.</summary>
        public const double Tolerance = 1e-3;
        /// <summary>Restarts: 1.</summary>
        public const int NumberOfInitializations = 1;
    }

    /// <summary>Options of <see cref="GaussianMixtureTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Number of components k.</summary>
        public int NumberOfComponents { get; set; } = Defaults.NumberOfComponents;
        /// <summary>Covariance shape.</summary>
        public CovarianceType CovarianceType { get; set; } = CovarianceType.Full;
        /// <summary>Non-negative value added to every covariance diagonal.</summary>
        public double RegularizationCovariance { get; set; } = Defaults.RegularizationCovariance;
        /// <summary>EM iteration cap, ≥ 1.</summary>
        public int MaximumIterations { get; set; } = Defaults.MaximumIterations;
        /// <summary>Convergence threshold on the change of the mean log-likelihood (0: run to the cap).</summary>
        public double Tolerance { get; set; } = Defaults.Tolerance;
        /// <summary>Runs from different k-means seeds; the highest final log-likelihood wins.</summary>
        public int NumberOfInitializations { get; set; } = Defaults.NumberOfInitializations;
        /// <summary>Seed of the k-means initialisation.</summary>
        public int Seed { get; set; }
        /// <summary>Explicit starting weights (k, summing to 1); with means and covariances replaces k-means.</summary>
        public double[]? InitialWeights { get; set; }
        /// <summary>Explicit starting means (k × d).</summary>
        public FeatureMatrix? InitialMeans { get; set; }
        /// <summary>Explicit starting covariances, laid out as <see cref="GaussianMixtureModel.Covariances"/>.</summary>
        public double[]? InitialCovariances { get; set; }
        /// <summary>Threads of the net10 build (≤ 0: all processors).</summary>
        public int MaxDegreeOfParallelism { get; set; } = -1;
    }

    /// <summary>Creates a trainer.</summary>
    public GaussianMixtureTrainer(Options options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (options.NumberOfComponents < 1) throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfComponents, "NumberOfComponents must be ≥ 1");
        if (!(options.RegularizationCovariance >= 0)) throw new ArgumentOutOfRangeException(nameof(options), options.RegularizationCovariance, "RegularizationCovariance must be ≥ 0");
        if (options.MaximumIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaximumIterations, "MaximumIterations must be ≥ 1");
        if (!(options.Tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "Tolerance must be ≥ 0");
        if (options.NumberOfInitializations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfInitializations, "NumberOfInitializations must be ≥ 1");
        if (!Enum.IsDefined(typeof(CovarianceType), options.CovarianceType)) throw new ArgumentOutOfRangeException(nameof(options), options.CovarianceType, "unknown CovarianceType");
        bool any = options.InitialWeights is not null || options.InitialMeans is not null || options.InitialCovariances is not null;
        bool all = options.InitialWeights is not null && options.InitialMeans is not null && options.InitialCovariances is not null;
        if (any && !all) throw new ArgumentException("give all of InitialWeights, InitialMeans and InitialCovariances, or none", nameof(options));
        // A copy: changing the caller's options later must not change (or bypass the checks of) this trainer.
        _options = new Options
        {
            NumberOfComponents = options.NumberOfComponents,
            CovarianceType = options.CovarianceType,
            RegularizationCovariance = options.RegularizationCovariance,
            MaximumIterations = options.MaximumIterations,
            Tolerance = options.Tolerance,
            NumberOfInitializations = options.NumberOfInitializations,
            Seed = options.Seed,
            InitialWeights = (double[]?)options.InitialWeights?.Clone(),
            InitialMeans = options.InitialMeans?.Clone(),
            InitialCovariances = (double[]?)options.InitialCovariances?.Clone(),
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };
    }

    /// <summary>Fits the mixture.</summary>
    public GaussianMixtureModel Fit(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        int n = data.Rows, d = data.Columns, k = _options.NumberOfComponents;
        if (n == 0) throw new ArgumentException("cannot fit 0 rows", nameof(data));
        if (k > n) throw new ArgumentOutOfRangeException(nameof(data), n, $"NumberOfComponents k = {k} exceeds the number of rows n = {n}; choose k ≤ n");
        data.EnsureFinite(nameof(data));
        var type = _options.CovarianceType;
        int dop = _options.MaxDegreeOfParallelism;
        GaussianMixtureModel? best = null;
        bool explicitStart = _options.InitialMeans is not null;
        int runs = explicitStart ? 1 : _options.NumberOfInitializations;
        var resp = new double[(long)n * k];
        for (int run = 0; run < runs; run++)
        {
            GaussianComponents g;
            if (explicitStart)
            {
                g = ExplicitStart(d, k, type);
            }
            else
            {
                var km = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = k, Seed = _options.Seed + run, NumberOfInitializations = 1, MaxDegreeOfParallelism = dop }).Fit(data);
                var labels = km.Predict(data);
                Array.Clear(resp, 0, resp.Length);
                for (int i = 0; i < n; i++) resp[(long)i * k + labels[i]] = 1.0;
                g = GaussianComponents.MStep(data.Values, n, d, resp, k, type, _options.RegularizationCovariance, dop);
            }
            double lowerBound = double.NegativeInfinity;
            bool converged = false;
            int iter = 0;
            for (iter = 1; iter <= _options.MaximumIterations; iter++)
            {
                double prev = lowerBound;
                lowerBound = g.EStep(data.Values, n, resp, dop) / n;
                g = GaussianComponents.MStep(data.Values, n, d, resp, k, type, _options.RegularizationCovariance, dop);
                if (Math.Abs(lowerBound - prev) < _options.Tolerance)
                {
                    converged = true;
                    break;
                }
            }
            int iterations = Math.Min(iter, _options.MaximumIterations);
            double finalLogLikelihood = g.EStep(data.Values, n, resp, dop);
            var model = new GaussianMixtureModel(g, lowerBound, iterations, converged, finalLogLikelihood, n, (string[]?)data.ColumnNames?.Clone());
            if (best is null || lowerBound > best.LowerBound) best = model;
        }
        return best!;
    }

    private GaussianComponents ExplicitStart(int d, int k, CovarianceType type)
    {
        var w = _options.InitialWeights!;
        var m = _options.InitialMeans!;
        var c = _options.InitialCovariances!;
        if (w.Length != k) throw new ArgumentException($"InitialWeights has {w.Length} values for {k} components", nameof(Options.InitialWeights));
        if (m.Rows != k || m.Columns != d) throw new ArgumentException($"InitialMeans is {m.Rows}×{m.Columns}, expected {k}×{d}", nameof(Options.InitialMeans));
        int len = GaussianComponents.CovarianceLength(type, k, d);
        if (c.Length != len) throw new ArgumentException($"InitialCovariances has {c.Length} values, {type} needs {len}", nameof(Options.InitialCovariances));
        var g = new GaussianComponents(k, d, type, (double[])w.Clone(), (double[])m.Values.Clone(), (double[])c.Clone());
        g.Prepare();
        return g;
    }
}
