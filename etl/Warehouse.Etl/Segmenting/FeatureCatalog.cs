using Warehouse.Segmentation.Scaling;

namespace Warehouse.Etl.Segmenting;

/// <summary>
/// The customer features a segmentation run can use (columns of <c>Segmentation.CustomerFeature</c>) and how each is
/// scaled: log1p + z-score for skewed money and count features, z-score for the others.
/// </summary>
public static class FeatureCatalog
{
    /// <summary>One feature.</summary>
    /// <param name="Name">Column name in Segmentation.CustomerFeature.</param>
    /// <param name="DisplayName">Name shown in reports.</param>
    /// <param name="Description">How it is computed.</param>
    /// <param name="Scaling">Scaling before clustering.</param>
    /// <param name="IsDefault">Used when --features is not given.</param>
    public sealed record Feature(string Name, string DisplayName, string Description, ScalingMethod Scaling, bool IsDefault);

    /// <summary>All features, in display order.</summary>
    public static IReadOnlyList<Feature> All { get; } =
    [
        new("RecencyDays", "Recency (days)", "Days from the last non-cancelled purchase to the as-of date.", ScalingMethod.ZScore, true),
        new("Frequency", "Frequency (orders)", "Distinct non-cancelled invoices.", ScalingMethod.Log1pZScore, true),
        new("MonetaryValue", "Monetary value", "Net amount of all lines, cancellations included (floored at 0 before log1p).", ScalingMethod.Log1pZScore, true),
        new("AverageOrderValue", "Average order value", "Gross amount of non-cancelled lines divided by Frequency.", ScalingMethod.Log1pZScore, true),
        new("TenureDays", "Tenure (days)", "Days from the first purchase to the as-of date.", ScalingMethod.ZScore, true),
        new("CancellationRate", "Cancellation rate", "Share of the customer's invoices that are cancellations.", ScalingMethod.ZScore, false),
        new("WebSessions", "Web sessions", "Web sessions of the customer.", ScalingMethod.Log1pZScore, false),
        new("WebEngagement", "Web engagement", "Mean page views per web session.", ScalingMethod.ZScore, false),
        new("WebConversionRate", "Web conversion rate", "Share of web sessions with a conversion.", ScalingMethod.ZScore, false),
        new("SocialComments", "Social comments", "Social media comments of the customer.", ScalingMethod.Log1pZScore, false),
        new("SocialSentiment", "Social sentiment", "Mean sentiment score of the customer's comments (−1 to 1).", ScalingMethod.ZScore, false),
        new("Age", "Age", "Age in whole years at the as-of date (missing ages take the median).", ScalingMethod.ZScore, false),
        new("SocialNegativeShare", "Negative comment share", "Share of the customer's comments labelled negative (0 to 1; 0 without comments).", ScalingMethod.ZScore, false),
    ];

    /// <summary>The default feature names.</summary>
    public static IReadOnlyList<string> Defaults { get; } = All.Where(f => f.IsDefault).Select(f => f.Name).ToArray();

    /// <summary>Resolves feature names (case-insensitive) to catalogue entries.</summary>
    /// <exception cref="ArgumentException">A name is unknown or repeated.</exception>
    public static IReadOnlyList<Feature> Resolve(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var result = new List<Feature>();
        foreach (var raw in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var feature = All.FirstOrDefault(f => string.Equals(f.Name, raw, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown feature '{raw}'. Known features: {string.Join(", ", All.Select(f => f.Name))}.", nameof(names));
            if (result.Contains(feature))
            {
                throw new ArgumentException($"Feature '{feature.Name}' is listed twice.", nameof(names));
            }

            result.Add(feature);
        }

        if (result.Count == 0)
        {
            throw new ArgumentException("At least one feature is needed.", nameof(names));
        }

        return result;
    }
}
