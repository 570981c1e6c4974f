using System.Globalization;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// The range of event and update times a load accepts (audit defects 3 and 8): a time before <see cref="Earliest"/> (year 1,
/// 1753, 1900: placeholders and typing errors) or after <see cref="Latest"/> (year 9999, next year) is rejected. A far-future
/// CRM <c>updated_at</c> would otherwise become its id's stored version time and the source's cutoff, and every later
/// genuine update would be skipped. Taken once per load (<see cref="CleaningOptions.TimeWindow"/>), so every row of a file
/// is judged against the same bounds.
/// </summary>
/// <param name="Earliest">Earliest plausible time, inclusive (UTC; default 1990-01-01 00:00).</param>
/// <param name="Latest">Latest plausible time, inclusive (UTC; default the load's start + 1 day).</param>
/// <param name="AfterNow">How far after the load's start <see cref="Latest"/> lies (named in the reason).</param>
public readonly record struct PlausibleTimeWindow(DateTime Earliest, DateTime Latest, TimeSpan AfterNow)
{
    /// <summary>The default window for a load starting at <paramref name="now"/> (UTC): 1990-01-01 to now + 1 day.</summary>
    public static PlausibleTimeWindow Default(DateTime now) =>
        new(CleaningOptions.DefaultEarliestPlausibleTime, now + CleaningOptions.DefaultLatestPlausibleAfterNow, CleaningOptions.DefaultLatestPlausibleAfterNow);

    /// <summary>Whether <paramref name="time"/> lies in the window (one compare per bound on ticks).</summary>
    public bool Contains(DateTime time) => time.Ticks >= Earliest.Ticks && time.Ticks <= Latest.Ticks;

    /// <summary>Why <paramref name="time"/> is outside the window (e.g. "2999-01-01 is after the latest plausible time 2026-12-04 10:00:00 (now + 1 day)").</summary>
    public string Reason(DateTime time) => time.Ticks < Earliest.Ticks
        ? $"{Format(time)} is before the earliest plausible time {Format(Earliest)}"
        : $"{Format(time)} is after the latest plausible time {Format(Latest)} (now + {Describe(AfterNow)})";

    /// <summary>A parsed time checked against the window: valid and outside it becomes invalid with <see cref="Reason"/>.</summary>
    public RuleResult<DateTime> Check(RuleResult<DateTime> parsed) =>
        parsed.IsValid && !Contains(parsed.Value) ? RuleResult<DateTime>.Invalid(Reason(parsed.Value)) : parsed;

    private static string Format(DateTime t) =>
        t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan span) =>
        span == TimeSpan.FromDays(1) ? "1 day"
        : span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.Days} days"
        : span.ToString("c", CultureInfo.InvariantCulture);
}
