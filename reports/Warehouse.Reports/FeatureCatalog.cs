namespace Warehouse.Reports;

/// <summary>The customer features of Segmentation.CustomerFeature that reports describe, in table order.</summary>
public static class FeatureCatalog
{
    /// <summary>Every feature column, in the order of the table (and of Reports.SegmentFeatureValue.FeatureOrder).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "RecencyDays", "Frequency", "MonetaryValue", "AverageOrderValue", "TenureDays", "CancellationRate",
        "CustomerLifetimeValue", "WebSessions", "WebEngagement", "WebConversionRate", "SocialComments", "SocialSentiment", "Age",
        "SocialNegativeShare",
    ];

    /// <summary>Used when a run does not say which features it clustered on.</summary>
    public static IReadOnlyList<string> Default { get; } =
    [
        "RecencyDays", "Frequency", "MonetaryValue", "AverageOrderValue", "TenureDays", "CancellationRate", "WebEngagement", "SocialSentiment",
    ];

    /// <summary>
    /// The features a run lists in Segmentation.ModelRun.Features (comma, semicolon or space separated, or a JSON array
    /// of names), keeping only known columns in table order; <see cref="Default"/> when none is recognised.
    /// </summary>
    public static IReadOnlyList<string> Parse(string? features)
    {
        if (string.IsNullOrWhiteSpace(features))
        {
            return Default;
        }

        var names = features.Split([',', ';', ' ', '[', ']', '"', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var known = All.Where(names.Contains).ToList();
        return known.Count > 0 ? known : Default;
    }
}
