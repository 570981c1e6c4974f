namespace Warehouse.Etl.Identity;

/// <summary>Pairwise precision and recall of a clustering against the truth.</summary>
/// <param name="Precision">Share of predicted same-customer pairs that are the same person (1 when nothing was linked).</param>
/// <param name="Recall">Share of same-person pairs that were linked (1 when there are none).</param>
/// <param name="TruePairs">Same-person pairs.</param>
/// <param name="PredictedPairs">Same-customer pairs.</param>
/// <param name="CorrectPairs">Pairs in both.</param>
public readonly record struct MatchQuality(double Precision, double Recall, long TruePairs, long PredictedPairs, long CorrectPairs)
{
    /// <summary>Harmonic mean of precision and recall.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>
    /// Counts pairs of rows through the contingency table: Σ C(nᵢⱼ, 2) correct, Σ C(aᵢ, 2) predicted,
    /// Σ C(bⱼ, 2) true (as in the pair-counting form of the Rand index). O(n).
    /// </summary>
    public static MatchQuality Pairwise(IReadOnlyList<int> predicted, IReadOnlyList<int> truth)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (predicted.Count != truth.Count)
            throw new ArgumentException("predicted and truth must have the same length", nameof(truth));
        static long Pairs(IEnumerable<int> sizes) => sizes.Sum(n => (long)n * (n - 1) / 2);
        var correct = Pairs(predicted.Zip(truth).GroupBy(p => p).Select(g => g.Count()));
        var predictedPairs = Pairs(predicted.GroupBy(p => p).Select(g => g.Count()));
        var truePairs = Pairs(truth.GroupBy(t => t).Select(g => g.Count()));
        return new MatchQuality(
            predictedPairs == 0 ? 1 : (double)correct / predictedPairs,
            truePairs == 0 ? 1 : (double)correct / truePairs,
            truePairs, predictedPairs, correct);
    }
}
