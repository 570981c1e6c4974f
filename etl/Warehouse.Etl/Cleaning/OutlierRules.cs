namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Outlier flags (never removal): the modified z-score of Iglewicz and Hoaglin (1993, "How to Detect and Handle
/// Outliers", ASQC) and Tukey's fences (1977, "Exploratory Data Analysis"). NaN values are ignored by the
/// statistics and never flagged. O(n log n) for the sort.
/// </summary>
public static class OutlierRules
{
    /// <summary>Consistency constant 0.6745 ≈ Φ⁻¹(0.75): makes the MAD comparable to a standard deviation.</summary>
    public const double MadConstant = 0.6745;

    /// <summary>
    /// Modified z-scores Mᵢ = 0.6745 (xᵢ − median) / MAD. When MAD is 0 (more than half the values equal), the mean
    /// absolute deviation is used instead, Mᵢ = (xᵢ − median) / (1.253314 · MeanAD), as IBM SPSS does; when that is 0 too
    /// every score is 0.
    /// </summary>
    public static double[] RobustZScores(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Where(v => !double.IsNaN(v)).ToArray();
        var scores = new double[values.Count];
        if (finite.Length == 0)
        {
            Array.Fill(scores, double.NaN);
            return scores;
        }
        Array.Sort(finite);
        var median = Quantile(finite, 0.5);
        var deviations = finite.Select(v => Math.Abs(v - median)).ToArray();
        Array.Sort(deviations);
        var mad = Quantile(deviations, 0.5);
        double scale;
        if (mad > 0)
        {
            scale = mad / MadConstant;
        }
        else
        {
            var meanAd = deviations.Average();
            scale = 1.253314 * meanAd;
        }
        for (var i = 0; i < scores.Length; i++)
            scores[i] = double.IsNaN(values[i]) ? double.NaN : scale > 0 ? (values[i] - median) / scale : 0.0;
        return scores;
    }

    /// <summary>Flags |modified z| &gt; <paramref name="threshold"/> (3.5 is the authors' recommendation).</summary>
    public static bool[] FlagRobustZ(IReadOnlyList<double> values, double threshold = 3.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        return RobustZScores(values).Select(z => !double.IsNaN(z) && Math.Abs(z) > threshold).ToArray();
    }

    /// <summary>Tukey's fences [Q1 − k·IQR, Q3 + k·IQR] with quartiles by linear interpolation (numpy's default, Hyndman–Fan type 7).</summary>
    public static (double Lower, double Upper) TukeyFences(IReadOnlyList<double> values, double k = 1.5)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Where(v => !double.IsNaN(v)).ToArray();
        if (finite.Length == 0)
            return (double.NaN, double.NaN);
        Array.Sort(finite);
        var q1 = Quantile(finite, 0.25);
        var q3 = Quantile(finite, 0.75);
        var iqr = q3 - q1;
        return (q1 - k * iqr, q3 + k * iqr);
    }

    /// <summary>Flags values outside <see cref="TukeyFences"/>.</summary>
    public static bool[] FlagIqr(IReadOnlyList<double> values, double k = 1.5)
    {
        var (lower, upper) = TukeyFences(values, k);
        return values.Select(v => !double.IsNaN(v) && (v < lower || v > upper)).ToArray();
    }

    /// <summary>Quantile of sorted values by linear interpolation between closest ranks (Hyndman–Fan type 7).</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0)
            throw new ArgumentException("must not be empty", nameof(sorted));
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1.0);
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
