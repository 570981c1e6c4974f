namespace Warehouse.Reports.Explanation;

/// <summary>A segment explained as SQL (one row of Segmentation.SegmentRule).</summary>
/// <param name="ModelRunKey">Run explained.</param>
/// <param name="SegmentKey">Segment explained.</param>
/// <param name="Predicate">WHERE-clause predicate on Segmentation.CustomerFeature columns.</param>
/// <param name="TreeDepth">Depth limit of the surrogate tree.</param>
/// <param name="ConditionCount">Comparisons in the predicate.</param>
/// <param name="SegmentCustomerCount">Members of the segment.</param>
/// <param name="MatchedCustomerCount">Customers of the run the predicate selects (measured in SQL).</param>
/// <param name="TruePositiveCount">Selected customers that are members (measured in SQL).</param>
/// <param name="TrainingPrecision">Precision of the tree on the rows it learned from (computed in C#).</param>
public sealed record SegmentRule(
    int ModelRunKey, int SegmentKey, string Predicate, int TreeDepth, int ConditionCount,
    int SegmentCustomerCount, int MatchedCustomerCount, int TruePositiveCount, double TrainingPrecision)
{
    /// <summary>TruePositiveCount / MatchedCustomerCount (0 when nothing matches).</summary>
    public double MeasuredPrecision => MatchedCustomerCount == 0 ? 0 : (double)TruePositiveCount / MatchedCustomerCount;

    /// <summary>TruePositiveCount / SegmentCustomerCount: the share of the segment the predicate finds.</summary>
    public double MeasuredCoverage => SegmentCustomerCount == 0 ? 0 : (double)TruePositiveCount / SegmentCustomerCount;
}
