using System.Globalization;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Source-level settings for the cleaning rules: culture of numbers and dates, time zone of local timestamps,
/// phone region and currency defaults, per-column missing-value policy overrides.
/// </summary>
public sealed class CleaningOptions
{
    /// <summary>Invariant culture, UTC, region GB, currency GBP (the Online Retail data set's settings).</summary>
    public static CleaningOptions Default => new();

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

    /// <summary>Reference "today" for plausibility checks (birth dates not in the future). Default: the UTC date when the options were
    /// created (<see cref="Default"/> creates them anew on each use, so a long-running host does not keep its start day).</summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Default of <see cref="EarliestPlausibleTime"/>: 1990-01-01 00:00 UTC.</summary>
    public static readonly DateTime DefaultEarliestPlausibleTime = new(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Default of <see cref="LatestPlausibleAfterNow"/>: one day.</summary>
    public static readonly TimeSpan DefaultLatestPlausibleAfterNow = TimeSpan.FromDays(1);

    /// <summary>
    /// Earliest plausible event or update time (UTC; CRM <c>updated_at</c>, web and social timestamps, invoice dates) and the
    /// earliest CRM signup date and survey date. Default 1990-01-01. Earlier values reject the row (see <see cref="PlausibleTimeWindow"/>).
    /// </summary>
    public DateTime EarliestPlausibleTime { get; init; } = DefaultEarliestPlausibleTime;

    /// <summary>How far after the load's start an event or update time may lie (clock skew, time zones). Default one day.</summary>
    public TimeSpan LatestPlausibleAfterNow { get; init; } = DefaultLatestPlausibleAfterNow;

    /// <summary>The load's start for the plausible window (UTC); null: the clock when the reader starts (once per load).</summary>
    public DateTime? Now { get; init; }

    /// <summary>The window of plausible event and update times for a load starting now (<see cref="Now"/> or the clock).</summary>
    public PlausibleTimeWindow TimeWindow() =>
        new(EarliestPlausibleTime, (Now ?? DateTime.UtcNow) + LatestPlausibleAfterNow, LatestPlausibleAfterNow);
}
