using System;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.SelfOrganizingMap;

/// <summary>
/// Trains a self-organizing map (Kohonen 1982) with the online rule: rows are presented in a seeded random order,
/// each epoch; the best-matching unit (BMU) and its grid neighbours move toward the row by
/// α(t)·h(t)·(x − w), with a Gaussian neighbourhood h = exp(−g² / 2σ(t)²) over grid distance g, and α, σ decaying
/// exponentially from their initial to their final values. The map units are then grouped into
/// <see cref="Options.NumberOfSegments"/> segments by Ward clustering of the unit weights (Vesanto and Alhoniemi 2000),
/// so a row's segment is its BMU's segment.
/// </summary>
/// <remarks>
/// Cost O(epochs·n·units·d) time, O(units·d) memory. Deterministic for a seed. Units start at randomly chosen
/// rows. Quality: quantisation error (mean distance of a row to its BMU) and topographic error (share of rows whose
/// two best units are not grid neighbours). Scale features first.
/// </remarks>
public sealed class SelfOrganizingMapTrainer
{
    private readonly Options _options;

    /// <summary>Default option values.</summary>
    public static class Defaults
    {
        /// <summary>Grid width: 8.</summary>
        public const int Width = 8;
        /// <summary>Grid height: 8.</summary>
        public const int Height = 8;
        /// <summary>Passes over the data: 20.</summary>
        public const int Epochs = 20;
        /// <summary>Initial learning rate: 0.5.</summary>
        public const double InitialLearningRate = 0.5;
        /// <summary>Final learning rate: 0.01.</summary>
        public const double FinalLearningRate = 0.01;
        /// <summary>Final neighbourhood width σ: 0.5 grid units.</summary>
        public const double FinalRadius = 0.5;
        /// <summary>Segments: 5.</summary>
        public const int NumberOfSegments = 5;
    }

    /// <summary>Options of <see cref="SelfOrganizingMapTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Units per row of the grid.</summary>
        public int Width { get; set; } = Defaults.Width;
        /// <summary>Rows of the grid.</summary>
        public int Height { get; set; } = Defaults.Height;
        /// <summary>Grid topology.</summary>
        public MapTopology Topology { get; set; } = MapTopology.Rectangular;
        /// <summary>Passes over the data, ≥ 1.</summary>
        public int Epochs { get; set; } = Defaults.Epochs;
        /// <summary>α at the start.</summary>
        public double InitialLearningRate { get; set; } = Defaults.InitialLearningRate;
        /// <summary>α at the end.</summary>
        public double FinalLearningRate { get; set; } = Defaults.FinalLearningRate;
        /// <summary>σ at the start (null: max(Width, Height) / 2).</summary>
        public double? InitialRadius { get; set; }
        /// <summary>σ at the end.</summary>
        public double FinalRadius { get; set; } = Defaults.FinalRadius;
        /// <summary>Segments the units are grouped into (≤ units).</summary>
        public int NumberOfSegments { get; set; } = Defaults.NumberOfSegments;
        /// <summary>Seed of the initial units and presentation order.</summary>
        public int Seed { get; set; }
    }

    /// <summary>Creates a trainer.</summary>
    public SelfOrganizingMapTrainer(Options options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (options.Width < 1 || options.Height < 1) throw new ArgumentOutOfRangeException(nameof(options), $"{options.Width}×{options.Height}", "Width and Height must be ≥ 1");
        if (options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be ≥ 1");
        if (!(options.InitialLearningRate > 0) || !(options.FinalLearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(options), "learning rates must be > 0");
        if (!(options.FinalRadius > 0) || (options.InitialRadius is double r && !(r > 0))) throw new ArgumentOutOfRangeException(nameof(options), "radii must be > 0");
        if (options.NumberOfSegments < 1 || options.NumberOfSegments > options.Width * options.Height)
            throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfSegments, $"NumberOfSegments must be in [1, {options.Width * options.Height}] (the number of units)");
        if (!Enum.IsDefined(typeof(MapTopology), options.Topology)) throw new ArgumentOutOfRangeException(nameof(options), options.Topology, "unknown topology");
        // A copy: changing the caller's options later must not change (or bypass the checks of) this trainer.
        _options = new Options
        {
            Width = options.Width,
            Height = options.Height,
            Topology = options.Topology,
            Epochs = options.Epochs,
            InitialLearningRate = options.InitialLearningRate,
            FinalLearningRate = options.FinalLearningRate,
            InitialRadius = options.InitialRadius,
            FinalRadius = options.FinalRadius,
            NumberOfSegments = options.NumberOfSegments,
            Seed = options.Seed,
        };
    }

    /// <summary>Trains the map and groups its units into segments.</summary>
    public SelfOrganizingMapModel Fit(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Rows == 0) throw new ArgumentException("cannot train on 0 rows", nameof(data));
        if (_options.NumberOfSegments > data.Rows)
            throw new ArgumentOutOfRangeException(nameof(data), data.Rows, $"NumberOfSegments k = {_options.NumberOfSegments} exceeds the number of rows n = {data.Rows}; choose k ≤ n");
        data.EnsureFinite(nameof(data));
        int n = data.Rows, d = data.Columns, w = _options.Width, h = _options.Height, units = w * h;
        var grid = SelfOrganizingMapModel.GridCoordinates(w, h, _options.Topology);
        var rng = new SeededRandom(_options.Seed);
        var weights = new double[units * d];
        for (int u = 0; u < units; u++)
            Array.Copy(data.Values, (long)rng.NextInt(n) * d, weights, u * d, d);

        double a0 = _options.InitialLearningRate, a1 = _options.FinalLearningRate;
        double s0 = _options.InitialRadius ?? Math.Max(w, h) / 2.0, s1 = Math.Min(_options.FinalRadius, s0);
        long total = (long)_options.Epochs * n, t = 0;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var x = data.Values;
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            for (int i = n - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            for (int p = 0; p < n; p++, t++)
            {
                double frac = total > 1 ? (double)t / (total - 1) : 1.0;
                double alpha = a0 * Math.Pow(a1 / a0, frac);
                double sigma = s0 * Math.Pow(s1 / s0, frac);
                double inv2s2 = 1.0 / (2 * sigma * sigma);
                long xo = (long)order[p] * d;
                int bmu = SelfOrganizingMapModel.BestUnit(weights, units, d, x, xo, out _);
                double bx = grid[2 * bmu], by = grid[2 * bmu + 1];
                for (int u = 0; u < units; u++)
                {
                    double gx = grid[2 * u] - bx, gy = grid[2 * u + 1] - by;
                    double g2 = gx * gx + gy * gy;
                    double step = alpha * Math.Exp(-g2 * inv2s2);
                    if (step < 1e-12) continue;
                    int o = u * d;
                    for (int j = 0; j < d; j++) weights[o + j] += step * (x[xo + j] - weights[o + j]);
                }
            }
        }
        var unitMatrix = new FeatureMatrix(weights, d) { ColumnNames = (string[]?)data.ColumnNames?.Clone() };
        int[] unitSegments = units == 1 ? new[] { 0 } : HierarchicalTrainer.BuildLinkage(unitMatrix, Linkage.Ward).CutToClusters(_options.NumberOfSegments);
        return new SelfOrganizingMapModel(w, h, _options.Topology, unitMatrix, unitSegments);
    }
}
