using System.Globalization;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Source-level settings for the cleaning rules: culture of numbers and dates, time zone of local timestamps,
/// phone region and currency defaults, per-column missing-value policy overrides.
/// </summary>
public sealed class CleaningOptions
{
    /// <summary>Invariant culture, UTC, region GB, currency GBP (the Online Retail data set's settings).</summary>
    public static CleaningOptions Default { get; } = new();

    /// <summary>Culture of dates and numbers written without ISO format. Default invariant.</summary>
    public CultureInfo Culture { get; init; } = CultureInfo.InvariantCulture;

    /// <summary>Zone of timestamps written without an offset. Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>ISO 3166-1 alpha-2 region of phone numbers written without a country code. Default GB.</summary>
    public string PhoneRegion { get; init; } = "GB";

    /// <summary>ISO 4217 currency of amounts written without one. Default GBP.</summary>
    public string Currency { get; init; } = "GBP";

    /// <summary>Extra exact date formats tried after ISO (e.g. <c>dd/MM/yyyy</c>); empty → the culture's short date pattern.</summary>
    public IReadOnlyList<string> DateFormats { get; init; } = [];

    /// <summary>Per-column missing-value policies replacing the readers' defaults (column names as in FORMATS.md).</summary>
    public IReadOnlyDictionary<string, MissingValuePolicy> MissingPolicies { get; init; } = new Dictionary<string, MissingValuePolicy>();

    /// <summary>Reference "today" for plausibility checks (birth dates not in the future). Default: the UTC date when the options were created.</summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);
}
