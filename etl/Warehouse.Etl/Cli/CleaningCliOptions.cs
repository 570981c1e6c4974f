using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Cli;

/// <summary>
/// The <c>load</c> options that set <see cref="CleaningOptions"/>: culture of dates and numbers, time zone of local
/// timestamps, phone region, extra date formats. Each is checked while the command line is parsed, so an unknown culture
/// or zone stops the command with a message naming the option before anything is opened.
/// </summary>
internal static class CleaningCliOptions
{
    /// <summary>Culture names that mean the invariant culture (its own name is empty).</summary>
    private static readonly string[] InvariantNames = ["invariant", "iv", "-"];

    /// <summary><c>--culture</c>: culture of dates and numbers not written in ISO form.</summary>
    public static Option<CultureInfo?> Culture() => new("--culture")
    {
        Description = "Culture of dates and numbers not written in ISO form: en-GB reads 03/04/2024 as 3 April (day first), en-US as 4 March; "
            + "de-DE, fr-FR… Default: invariant (MM/dd/yyyy). ISO yyyy-MM-dd is always read.",
        HelpName = "name",
        CustomParser = ParseCulture,
    };

    /// <summary><c>--time-zone</c>: zone of timestamps written without an offset.</summary>
    public static Option<TimeZoneInfo?> TimeZone() => new("--time-zone")
    {
        Description = "Time zone of timestamps written without Z or an offset (IANA id such as Europe/Berlin, or a Windows id); "
            + "they are stored in UTC. Default: UTC. A local time skipped by a clock change is rejected.",
        HelpName = "id",
        CustomParser = ParseTimeZone,
    };

    /// <summary><c>--phone-region</c>: region of phone numbers written without a country code.</summary>
    public static Option<string?> PhoneRegion() => new("--phone-region")
    {
        Description = $"ISO 3166-1 region of phone numbers written without a country code (020 7946 0018 with GB → +442079460018). Default: GB. One of {string.Join(", ", PhoneRules.SupportedRegions)}.",
        HelpName = "code",
        CustomParser = ParsePhoneRegion,
    };

    /// <summary><c>--date-format</c>: extra exact date formats (repeatable).</summary>
    public static Option<string[]> DateFormat()
    {
        var option = new Option<string[]>("--date-format")
        {
            Description = "Exact date format tried after ISO yyyy-MM-dd instead of the culture's short date pattern, e.g. dd.MM.yyyy (repeat the option for several).",
            HelpName = "format",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (string.IsNullOrWhiteSpace(token.Value))
                {
                    result.AddError("--date-format: a format must not be empty.");
                }
                else if (!IsUsableDateFormat(token.Value))
                {
                    result.AddError($"--date-format: '{token.Value}' is not a valid .NET date format (a single letter must be a standard format such as d; quotes must be closed).");
                }
            }
        });
        return option;
    }

    /// <summary><c>--fuzzy-threshold</c> of <c>load crm</c>: minimum name + city similarity of a fuzzy identity link.</summary>
    public static Option<double?> FuzzyThreshold()
    {
        return new Option<double?>("--fuzzy-threshold")
        {
            Description = string.Create(CultureInfo.InvariantCulture,
                $"Minimum combined name + city similarity (Jaro–Winkler) for a fuzzy identity link, in (0, 1]. Higher: fewer false merges, more missed duplicates. Default: {Identity.IdentityResolverOptions.DefaultFuzzyThreshold}."),
            HelpName = "0..1",
            CustomParser = ParseFuzzyThreshold,
        };
    }

    /// <summary>Cleaning options from the parsed command line (defaults for options not given or not on this verb).</summary>
    public static CleaningOptions From(ParseResult parse, Option<CultureInfo?>? culture = null, Option<TimeZoneInfo?>? zone = null,
        Option<string?>? phoneRegion = null, Option<string[]>? dateFormats = null)
    {
        var d = CleaningOptions.Default;
        return new CleaningOptions
        {
            Culture = culture is null ? d.Culture : parse.GetValue(culture) ?? d.Culture,
            TimeZone = zone is null ? d.TimeZone : parse.GetValue(zone) ?? d.TimeZone,
            PhoneRegion = phoneRegion is null ? d.PhoneRegion : parse.GetValue(phoneRegion) ?? d.PhoneRegion,
            DateFormats = dateFormats is null ? d.DateFormats : parse.GetValue(dateFormats) ?? [],
        };
    }

    /// <summary>Reads a culture name ("invariant" for the invariant culture); null with an error for an unknown one.</summary>
    internal static CultureInfo? ParseCulture(ArgumentResult result)
    {
        var name = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (InvariantNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return CultureInfo.InvariantCulture;
        }

        if (TryGetCulture(name, out var culture))
        {
            return culture;
        }

        result.AddError($"--culture: unknown culture '{name}'; give a name such as en-GB, en-US, de-DE, fr-FR or 'invariant'.");
        return null;
    }

    /// <summary>A predefined culture by name; false for names ICU does not know (no made-up cultures).</summary>
    internal static bool TryGetCulture(string name, out CultureInfo culture)
    {
        culture = CultureInfo.InvariantCulture;
        if (name.Length == 0)
        {
            return false;
        }

        try
        {
            culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the threshold as a plain invariant number (0.85; no group separators, so 0,9 is an error rather than 9) in
    /// (0, 1]; null with an error naming the option otherwise. Regression: a value that was not a number ("abc") made the
    /// range check throw an unhandled InvalidOperationException (exit 134).
    /// </summary>
    internal static double? ParseFuzzyThreshold(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var t))
        {
            result.AddError($"--fuzzy-threshold: '{text}' is not a number; give a decimal in (0, 1] such as 0.9.");
            return null;
        }

        if (!(t > 0 && t <= 1))
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"--fuzzy-threshold: {t} is outside (0, 1]."));
            return null;
        }

        return t;
    }

    /// <summary>Whether .NET can use <paramref name="format"/> to read dates (<see cref="DateTimeRules.IsUsableFormat"/>).</summary>
    internal static bool IsUsableDateFormat(string format) => DateTimeRules.IsUsableFormat(format);

    private static TimeZoneInfo? ParseTimeZone(ArgumentResult result)
    {
        var id = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (id.Length > 0)
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // reported below
            }
        }

        result.AddError($"--time-zone: unknown time zone '{id}'; give an IANA id such as Europe/London, Europe/Berlin, America/New_York, or UTC.");
        return null;
    }

    private static string? ParsePhoneRegion(ArgumentResult result)
    {
        var code = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim().ToUpperInvariant() : string.Empty;
        if (PhoneRules.SupportedRegions.Contains(code, StringComparer.Ordinal))
        {
            return code;
        }

        result.AddError($"--phone-region: region '{code}' is not supported; use one of {string.Join(", ", PhoneRules.SupportedRegions)}.");
        return null;
    }
}
