using System.Globalization;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Date and time parsing with an explicit culture and time zone: nothing depends on the machine's settings.
/// ISO 8601 is always accepted; other layouts come from the given formats or the culture's short patterns, so
/// "03/04/2024" is 4 March with en-US and 3 April with en-GB. Timestamps are returned in UTC.
/// </summary>
public static class DateTimeRules
{
    private static readonly string[] IsoDates = ["yyyy-MM-dd", "yyyyMMdd"];

    private static readonly string[] IsoLocalTimes =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm",
    ];

    /// <summary>Parses a calendar date (no time zone applies).</summary>
    /// <param name="value">Text; ISO <c>yyyy-MM-dd</c> or one of <paramref name="formats"/> or the culture's short date pattern.</param>
    /// <param name="culture">Culture of the source (month names, field order).</param>
    /// <param name="formats">Extra exact formats tried after ISO; none → the culture's short date pattern.</param>
    public static RuleResult<DateOnly> ParseDate(string? value, CultureInfo culture, params string[] formats)
    {
        ArgumentNullException.ThrowIfNull(culture);
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<DateOnly>.Missing();
        var s = value.Trim();
        if (DateOnly.TryParseExact(s, IsoDates, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return RuleResult<DateOnly>.Ok(d);
        // The culture's short date pattern is what the standard format "d" stands for: one candidate, named in the reason.
        var candidates = formats.Length > 0 ? formats : [culture.DateTimeFormat.ShortDatePattern];
        if (DateOnly.TryParseExact(s, candidates, culture, DateTimeStyles.AllowWhiteSpaces, out d))
            return RuleResult<DateOnly>.Ok(d);
        // An ISO timestamp where a date is expected: keep the date part only if the time is midnight.
        if (DateTime.TryParseExact(s, IsoLocalTimes, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt) && dt.TimeOfDay == TimeSpan.Zero)
            return RuleResult<DateOnly>.Ok(DateOnly.FromDateTime(dt));
        return RuleResult<DateOnly>.Invalid($"not a date in ISO yyyy-MM-dd or {string.Join(" / ", candidates)} ({Describe(culture)})");
    }

    /// <summary>Parses a date and checks it lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static RuleResult<DateOnly> ParseDate(string? value, CultureInfo culture, DateOnly min, DateOnly max, params string[] formats)
    {
        var r = ParseDate(value, culture, formats);
        if (r.IsValid && (r.Value < min || r.Value > max))
            return RuleResult<DateOnly>.Invalid($"date {r.Value:yyyy-MM-dd} outside the plausible range {min:yyyy-MM-dd} to {max:yyyy-MM-dd}");
        return r;
    }

    /// <summary>
    /// Parses a point in time to UTC. Text with an offset (<c>Z</c>, <c>+02:00</c>) keeps its offset; text without
    /// one is local time in <paramref name="zone"/>: a time skipped by a clock change is invalid, a repeated
    /// (ambiguous) time is taken as standard time, as <see cref="TimeZoneInfo.ConvertTimeToUtc(DateTime, TimeZoneInfo)"/> does.
    /// Ten digits are Unix seconds and thirteen digits Unix milliseconds.
    /// </summary>
    public static RuleResult<DateTime> ParseTimestamp(string? value, CultureInfo culture, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(culture);
        ArgumentNullException.ThrowIfNull(zone);
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<DateTime>.Missing();
        var s = value.Trim();
        if (s.Length is 10 or 13 && s.All(char.IsAsciiDigit))
        {
            var n = long.Parse(s, CultureInfo.InvariantCulture);
            return RuleResult<DateTime>.Ok(s.Length == 10
                ? DateTime.UnixEpoch.AddSeconds(n)
                : DateTime.UnixEpoch.AddMilliseconds(n));
        }
        var hasOffset = s.EndsWith('Z') || s.EndsWith('z') || HasNumericOffset(s);
        if (hasOffset)
        {
            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto))
                return RuleResult<DateTime>.Ok(dto.UtcDateTime);
            return RuleResult<DateTime>.Invalid("not an ISO 8601 timestamp with offset");
        }
        if (!DateTime.TryParseExact(s, IsoLocalTimes, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            && !DateTime.TryParseExact(s, IsoDates, CultureInfo.InvariantCulture, DateTimeStyles.None, out local)
            && !DateTime.TryParseExact(s, [culture.DateTimeFormat.ShortDatePattern + " " + culture.DateTimeFormat.LongTimePattern,
                    culture.DateTimeFormat.ShortDatePattern + " " + culture.DateTimeFormat.ShortTimePattern, "G", "g"],
                culture, DateTimeStyles.AllowWhiteSpaces, out local))
            return RuleResult<DateTime>.Invalid($"not a timestamp in ISO 8601 or {culture.DateTimeFormat.ShortDatePattern} {culture.DateTimeFormat.LongTimePattern} ({Describe(culture)})");
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
            return RuleResult<DateTime>.Invalid($"{local:yyyy-MM-dd HH:mm:ss} does not exist in time zone {zone.Id} (clock change)");
        return RuleResult<DateTime>.Ok(TimeZoneInfo.ConvertTimeToUtc(local, zone));
    }

    /// <summary>
    /// Whether .NET can use <paramref name="format"/> to read dates: a one-character format must be a standard one
    /// (d, D, g…) and quotes must be closed, else parsing throws FormatException (at every row, as an unhandled error).
    /// </summary>
    public static bool IsUsableFormat(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        try
        {
            _ = new DateTime(2024, 4, 3, 14, 5, 6, DateTimeKind.Unspecified).ToString(format, CultureInfo.InvariantCulture);
            _ = DateTime.TryParseExact("2024-04-03", format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The culture as a reason names it: its name, or "invariant culture" (whose name is empty).</summary>
    internal static string Describe(CultureInfo culture) =>
        culture.Name.Length == 0 ? "invariant culture; day-first dates need a culture such as en-GB" : culture.Name;

    private static bool HasNumericOffset(string s)
    {
        // ...T12:00:00+02:00 / +0200 / -05: a sign after the time part.
        var t = s.IndexOfAny(['T', ' ']);
        if (t < 0)
            return false;
        var sign = s.LastIndexOfAny(['+', '-']);
        return sign > t;
    }
}
