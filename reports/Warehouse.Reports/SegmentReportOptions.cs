namespace Warehouse.Reports;

/// <summary>What the HTML report covers and how large its samples are.</summary>
public sealed class SegmentReportOptions
{
    /// <summary>Configuration to report on; null reports on every configuration with a successful run.</summary>
    public string? ConfigurationName { get; set; }

    /// <summary>Customers drawn for the PCA scatter.</summary>
    public int ScatterSample { get; set; } = 3000;

    /// <summary>Customers drawn for the silhouette plot (O(n²) distances).</summary>
    public int SilhouetteSample { get; set; } = 1500;

    /// <summary>Customers drawn for the dendrogram (O(n³) Ward linkage).</summary>
    public int DendrogramSample { get; set; } = 120;

    /// <summary>Customers drawn for the elbow curve when the run's metrics hold no k curve.</summary>
    public int ElbowSample { get; set; } = 400;

    /// <summary>Seed of the samples: the same seed draws the same customers.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Learn segment rules (Segmentation.SegmentRule) for the run when it has none yet.</summary>
    public bool ExplainWhenMissing { get; set; } = true;

    /// <summary>File name of the page inside the output folder.</summary>
    public string FileName { get; set; } = "segment-report.html";
}
