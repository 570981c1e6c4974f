using System;

namespace Warehouse.Segmentation.Metrics;

/// <summary>Result of <see cref="ClusteringMetrics.BootstrapStability"/>.</summary>
public sealed class StabilityResult
{
    private readonly double[] _scores;

    internal StabilityResult(double[] scores)
    {
        _scores = scores;
        double s = 0;
        foreach (var v in scores) s += v;
        Mean = s / scores.Length;
        double ss = 0;
        foreach (var v in scores) ss += (v - Mean) * (v - Mean);
        StandardDeviation = scores.Length > 1 ? Math.Sqrt(ss / (scores.Length - 1)) : 0;
    }

    /// <summary>Mean ARI between each refit and the full-data fit.</summary>
    public double Mean { get; }

    /// <summary>Sample standard deviation of the ARIs.</summary>
    public double StandardDeviation { get; }

    /// <summary>ARI of each resample (copy).</summary>
    public double[] Scores => (double[])_scores.Clone();
}
