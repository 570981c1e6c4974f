using System.Globalization;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Numbers and money with an explicit culture: "1.234,50" is 1234.50 with de-DE and invalid-looking "1.234"
/// with en-US reads 1.234. A named culture's thousands separator is accepted only where that culture groups digits
/// (<see cref="NumberGrouping"/>: en-GB "1,234.50" yes, "1,5" or "12,34,5" no; de-DE "2.50" is no price); the invariant
/// culture reads plain numbers only ("1234.5"). Space-like group separators (fr-FR uses U+202F) are accepted as plain or
/// non-breaking spaces. Parentheses mean a negative amount, as in accounting exports. Reasons name the value.
/// </summary>
public static class NumberRules
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["€"] = "EUR", ["£"] = "GBP", ["¥"] = "JPY", ["₹"] = "INR", ["₩"] = "KRW", ["₺"] = "TRY", ["₽"] = "RUB",
        ["zł"] = "PLN", ["Kč"] = "CZK", ["CHF"] = "CHF", ["kr"] = "SEK", ["R$"] = "BRL", ["US$"] = "USD", ["C$"] = "CAD",
        ["A$"] = "AUD", ["$"] = "USD",
    };

    /// <summary>Parses a decimal written in <paramref name="culture"/> (thousands separators only where it groups; none for the invariant culture).</summary>
    public static RuleResult<decimal> ParseDecimal(string? value, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<decimal>.Missing();
        var s = Prepare(value, culture, out var negative);
        if (GroupingError(value, s, culture) is { } grouping)
            return RuleResult<decimal>.Invalid(grouping);
        if (!decimal.TryParse(s, Styles(NumberStyles.Number, culture), culture, out var d))
            return RuleResult<decimal>.Invalid($"'{Clip(value)}' is not a number in {NameOf(culture)} format");
        return RuleResult<decimal>.Ok(negative ? -d : d);
    }

    /// <summary>Parses a whole number (thousands separators only where <paramref name="culture"/> groups; none for the invariant culture).</summary>
    public static RuleResult<int> ParseInt32(string? value, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<int>.Missing();
        var s = Prepare(value, culture, out var negative);
        if (GroupingError(value, s, culture) is { } grouping)
            return RuleResult<int>.Invalid(grouping);
        if (!int.TryParse(s, Styles(NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, culture), culture, out var n))
            return RuleResult<int>.Invalid($"'{Clip(value)}' is not a whole number in {NameOf(culture)} format (or outside the 32-bit range)");
        return RuleResult<int>.Ok(negative ? -n : n);
    }

    /// <summary>
    /// Parses an amount with an optional currency: an ISO 4217 code or a symbol before or after the number
    /// ("€1.234,50", "1,234.50 USD", "GBP -12", "(3.00) $"). "$" alone means <paramref name="defaultCurrency"/> when that
    /// is a dollar currency, else USD; no currency means <paramref name="defaultCurrency"/>.
    /// </summary>
    public static RuleResult<Money> ParseMoney(string? value, CultureInfo culture, string defaultCurrency)
    {
        ArgumentNullException.ThrowIfNull(culture);
        ArgumentException.ThrowIfNullOrEmpty(defaultCurrency);
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<Money>.Missing();
        var s = value.Trim();
        string? currency = null;
        if (s.Length >= 3 && IsIsoCode(s.AsSpan(0, 3)) && (s.Length == 3 || !char.IsAsciiLetter(s[3])))
        {
            currency = s[..3].ToUpperInvariant();
            s = s[3..].Trim();
        }
        else if (s.Length >= 3 && IsIsoCode(s.AsSpan(s.Length - 3)) && (s.Length == 3 || !char.IsAsciiLetter(s[^4])))
        {
            currency = s[^3..].ToUpperInvariant();
            s = s[..^3].Trim();
        }
        else
        {
            foreach (var (symbol, code) in Symbols.OrderByDescending(p => p.Key.Length))
            {
                var at = s.IndexOf(symbol, StringComparison.Ordinal);
                if (at < 0)
                    continue;
                currency = symbol == "$" && defaultCurrency.ToUpperInvariant() is "USD" or "CAD" or "AUD" or "NZD" or "SGD" or "HKD" or "MXN"
                    ? defaultCurrency.ToUpperInvariant()
                    : code;
                s = (s[..at] + s[(at + symbol.Length)..]).Trim();
                break;
            }
        }
        var amount = ParseDecimal(s, culture);
        if (amount.IsMissing)
            return RuleResult<Money>.Invalid("currency without an amount");
        if (amount.IsInvalid)
            return RuleResult<Money>.Invalid(amount.Reason!);
        return RuleResult<Money>.Ok(new Money(amount.Value, currency ?? defaultCurrency.ToUpperInvariant()));
    }

    private static bool IsIsoCode(ReadOnlySpan<char> s) => s.Length == 3 && char.IsAsciiLetterUpper(s[0]) && char.IsAsciiLetterUpper(s[1]) && char.IsAsciiLetterUpper(s[2]);

    private static string NameOf(CultureInfo culture) => culture.Name.Length == 0 ? "invariant" : culture.Name;

    private static bool IsInvariant(CultureInfo culture) => culture.Name.Length == 0;

    /// <summary>The invariant culture reads plain numbers: no thousands separator at all.</summary>
    private static NumberStyles Styles(NumberStyles styles, CultureInfo culture) =>
        IsInvariant(culture) ? styles & ~NumberStyles.AllowThousands : styles;

    /// <summary>Null when the separators of <paramref name="prepared"/> stand where the culture groups; else the reason, naming <paramref name="value"/>.</summary>
    private static string? GroupingError(string value, string prepared, CultureInfo culture)
    {
        var format = culture.NumberFormat;
        if (IsInvariant(culture))
            return format.NumberGroupSeparator.Length > 0 && prepared.Contains(format.NumberGroupSeparator, StringComparison.Ordinal)
                ? NumberGrouping.Reason(Clip(value), culture)
                : null;
        return NumberGrouping.IsWellGrouped(prepared, format) ? null : NumberGrouping.Reason(Clip(value), culture);
    }

    private static string Clip(string value) => value.Length <= 60 ? value : string.Concat(value.AsSpan(0, 60), "…");

    /// <summary>Trims, reads accounting parentheses, and writes space-like separators as the culture's own group separator.</summary>
    private static string Prepare(string value, CultureInfo culture, out bool negative)
    {
        var s = value.Trim();
        negative = false;
        if (s.Length >= 2 && s[0] == '(' && s[^1] == ')')
        {
            negative = true;
            s = s[1..^1].Trim();
        }
        var group = culture.NumberFormat.NumberGroupSeparator;
        if (group.Length == 1 && (char.IsWhiteSpace(group[0]) || group[0] is '\u202F' or '\u00A0'))
        {
            var own = group[0];
            s = string.Create(s.Length, s, (span, text) =>
            {
                for (var i = 0; i < text.Length; i++)
                    span[i] = text[i] is ' ' or '\u00A0' or '\u202F' ? own : text[i];
            });
        }
        return s;
    }
}

/// <summary>An amount in a currency.</summary>
/// <param name="Amount">Amount.</param>
/// <param name="Currency">ISO 4217 code, upper case.</param>
public readonly record struct Money(decimal Amount, string Currency);
