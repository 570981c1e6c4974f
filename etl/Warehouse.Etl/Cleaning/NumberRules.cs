using System.Globalization;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Numbers and money with an explicit culture: "1.234,50" is 1234.50 with de-DE and invalid-looking "1.234"
/// with en-US reads 1.234. Space-like group separators (fr-FR uses U+202F) are accepted as plain or
/// non-breaking spaces. Parentheses mean a negative amount, as in accounting exports.
/// </summary>
public static class NumberRules
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["€"] = "EUR", ["£"] = "GBP", ["¥"] = "JPY", ["₹"] = "INR", ["₩"] = "KRW", ["₺"] = "TRY", ["₽"] = "RUB",
        ["zł"] = "PLN", ["Kč"] = "CZK", ["CHF"] = "CHF", ["kr"] = "SEK", ["R$"] = "BRL", ["US$"] = "USD", ["C$"] = "CAD",
        ["A$"] = "AUD", ["$"] = "USD",
    };

    /// <summary>Parses a decimal written in <paramref name="culture"/>.</summary>
    public static RuleResult<decimal> ParseDecimal(string? value, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<decimal>.Missing();
        var s = Prepare(value, culture, out var negative);
        if (!decimal.TryParse(s, NumberStyles.Number, culture, out var d))
            return RuleResult<decimal>.Invalid($"not a number in {NameOf(culture)} format");
        return RuleResult<decimal>.Ok(negative ? -d : d);
    }

    /// <summary>Parses a whole number (group separators allowed).</summary>
    public static RuleResult<int> ParseInt32(string? value, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<int>.Missing();
        var s = Prepare(value, culture, out var negative);
        if (!int.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, culture, out var n))
            return RuleResult<int>.Invalid($"not a whole number in {NameOf(culture)} format (or outside the 32-bit range)");
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
        if (group.Length == 1 && char.IsWhiteSpace(group[0]) || group is "\u202F" or "\u00A0")
            s = string.Concat(s.Where(c => !(c is ' ' or '\u00A0' or '\u202F')));
        return s;
    }
}

/// <summary>An amount in a currency.</summary>
/// <param name="Amount">Amount.</param>
/// <param name="Currency">ISO 4217 code, upper case.</param>
public readonly record struct Money(decimal Amount, string Currency);
