namespace Warehouse.Etl.Segmenting;

/// <summary>One segment of a run, for the summary table.</summary>
/// <param name="SegmentKey">Persistent key.</param>
/// <param name="IsNew">True when the segment first appeared in this run.</param>
/// <param name="Name">Display name.</param>
/// <param name="Customers">Customers in the segment.</param>
/// <param name="Share">Share of the customers clustered.</param>
/// <param name="MeanRecencyDays">Mean recency (days).</param>
/// <param name="MeanFrequency">Mean number of orders.</param>
/// <param name="MeanAverageOrderValue">Mean average order value.</param>
/// <param name="MeanMonetaryValue">Mean monetary value.</param>
public sealed record SegmentSummary(int SegmentKey, bool IsNew, string Name, int Customers, double Share, double MeanRecencyDays, double MeanFrequency,
    double MeanAverageOrderValue, double MeanMonetaryValue);

/// <summary>Silhouette and inertia of one k of an automatic-k search.</summary>
/// <param name="K">Number of clusters.</param>
/// <param name="Silhouette">Mean silhouette on the sample.</param>
/// <param name="Inertia">Within-cluster sum of squares.</param>
public sealed record KCurvePoint(int K, double Silhouette, double Inertia);

/// <summary>What a segmentation run did.</summary>
/// <param name="ModelRunKey">The run.</param>
/// <param name="ConfigurationName">Configuration.</param>
/// <param name="K">Segments.</param>
/// <param name="Customers">Customers clustered.</param>
/// <param name="ExcludedForConsent">Customers left out because they refused profiling.</param>
/// <param name="AsOfDateKey">Feature snapshot date.</param>
/// <param name="Silhouette">Mean silhouette (sampled).</param>
/// <param name="Inertia">Within-cluster sum of squares (scaled space).</param>
/// <param name="Segments">Segments, highest monetary value first.</param>
/// <param name="KCurve">Automatic-k scores (empty for a fixed k).</param>
/// <param name="CustomerKeys">Customers clustered, ascending.</param>
/// <param name="SegmentKeys">Segment of each customer (same order).</param>
/// <param name="Elapsed">Run time.</param>
public sealed record SegmentationResult(int ModelRunKey, string ConfigurationName, int K, int Customers, long ExcludedForConsent, int AsOfDateKey,
    double Silhouette, double Inertia, IReadOnlyList<SegmentSummary> Segments, IReadOnlyList<KCurvePoint> KCurve, int[] CustomerKeys, int[] SegmentKeys,
    TimeSpan Elapsed);
