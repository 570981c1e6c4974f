using System.Globalization;
using System.Text;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Trimming and case rules. Free text (comments) is never altered; names and places are trimmed only, so text is
/// stored as given; codes are trimmed and upper-cased; match keys are folded (case, accents, punctuation, spaces)
/// and used only for comparison, never stored in place of the original.
/// </summary>
public static class TextRules
{
    /// <summary>Trims outer white space; empty or white-space input is missing. Inner text is kept exactly.</summary>
    public static RuleResult<string> Trimmed(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<string>.Missing();
        return RuleResult<string>.Ok(value.Trim());
    }

    /// <summary>Trims and checks a maximum length (in UTF-16 code units, as <c>NVARCHAR(n)</c> counts).</summary>
    public static RuleResult<string> Trimmed(string? value, int maxLength)
    {
        var r = Trimmed(value);
        if (r.IsValid && r.Value!.Length > maxLength)
            return RuleResult<string>.Invalid($"longer than {maxLength} characters ({r.Value.Length})");
        return r;
    }

    /// <summary>A code (country, currency, gender letter): trimmed, upper-case invariant.</summary>
    public static RuleResult<string> Code(string? value, int maxLength)
    {
        var r = Trimmed(value, maxLength);
        return r.IsValid ? RuleResult<string>.Ok(r.Value!.ToUpperInvariant()) : r;
    }

    /// <summary>
    /// Comparison key: Unicode compatibility-decomposed, accents removed, lower-case invariant, punctuation
    /// removed, runs of white space collapsed to one space, trimmed. "  José  O'Neil-Smith " → "jose oneil smith".
    /// </summary>
    public static string MatchKey(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return string.Empty;
        var decomposed = value.Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                continue;
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && sb.Length > 0)
                    sb.Append(' ');
                pendingSpace = false;
                sb.Append(char.ToLowerInvariant(c));
            }
            else if (char.IsWhiteSpace(c) || c is '-' or '_' or '.' or ',' or '/')
            {
                pendingSpace = true;
            }
            // other punctuation (apostrophes, quotes, symbols) is dropped without a break: O'Neil → oneil
        }
        return sb.ToString();
    }
}
