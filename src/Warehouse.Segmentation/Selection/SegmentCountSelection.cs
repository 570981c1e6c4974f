namespace Warehouse.Segmentation.Selection;

/// <summary>The outcome of <see cref="SegmentCountSelector.Select"/>: the score curve, the choice and why.</summary>
public sealed class SegmentCountSelection
{
    internal SegmentCountSelection(SelectionCriterion criterion, int[] candidates, double[] scores, double[]? standardErrors, int chosen, string reason)
    {
        Criterion = criterion;
        _candidates = candidates;
        _scores = scores;
        _errors = standardErrors;
        ChosenK = chosen;
        Reason = reason;
    }

    private readonly int[] _candidates;
    private readonly double[] _scores;
    private readonly double[]? _errors;

    /// <summary>The criterion used.</summary>
    public SelectionCriterion Criterion { get; }

    /// <summary>The k values tried, ascending (copy).</summary>
    public int[] Candidates => (int[])_candidates.Clone();

    /// <summary>Score of each candidate (silhouette, BIC or gap; copy).</summary>
    public double[] Scores => (double[])_scores.Clone();

    /// <summary>Gap statistic only: s(k) = sd·√(1 + 1/B) of each candidate (copy); null otherwise.</summary>
    public double[]? StandardErrors => (double[]?)_errors?.Clone();

    /// <summary>The chosen number of segments.</summary>
    public int ChosenK { get; }

    /// <summary>A sentence explaining the choice with the deciding numbers.</summary>
    public string Reason { get; }
}
