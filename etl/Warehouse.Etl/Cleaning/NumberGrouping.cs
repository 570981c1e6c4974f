using System.Globalization;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Where a culture's thousands (group) separator may stand. .NET's <see cref="NumberStyles.AllowThousands"/> skips a
/// group separator wherever it appears between digits of the integer part, so en-GB reads <c>1,5</c> as 15 and
/// <c>12,34,5</c> as 12345, and de-DE reads the price <c>2.50</c> as 250: a wrong number instead of a reject. This check
/// accepts a separator only where the culture itself groups (<see cref="NumberFormatInfo.NumberGroupSizes"/>): counted
/// from the decimal separator leftwards, each group has exactly its size (the last size repeats; a size 0 ends grouping)
/// and the leftmost group 1 to size digits; none after the decimal separator. en-GB (sizes 3): <c>1,234.50</c> and
/// <c>12,345,678</c> pass, <c>1,5</c>, <c>2,50</c>, <c>1,2,3.5</c>, <c>12,34,5</c>, <c>1234,567</c>, <c>,5</c>, <c>5,</c>
/// fail; hi-IN (sizes 3, 2): <c>12,34,567</c> passes. Cost: one vectorised search when no separator is present.
/// </summary>
internal static class NumberGrouping
{
    private static readonly System.Buffers.SearchValues<char> DigitChars = System.Buffers.SearchValues.Create("0123456789");

    /// <summary>
    /// True when every <paramref name="separator"/> in <paramref name="text"/> stands at a group boundary of
    /// <paramref name="sizes"/> in the integer part (also when there is none). Characters around the digits (sign,
    /// spaces, parentheses) are not judged here: the number parser that follows does that.
    /// </summary>
    public static bool IsWellGrouped(ReadOnlySpan<char> text, char separator, ReadOnlySpan<char> decimalSeparator, ReadOnlySpan<int> sizes)
    {
        var first = text.IndexOf(separator);
        if (first < 0)
        {
            return true;
        }

        var point = decimalSeparator.IsEmpty ? -1 : text.IndexOf(decimalSeparator);
        if (point >= 0 && point < first)
        {
            return false; // the first separator stands in the fraction
        }

        var integer = point < 0 ? text : text[..point];
        if (point >= 0 && text[(point + decimalSeparator.Length)..].Contains(separator))
        {
            return false;
        }

        // The run of digits and separators holding the separators: from the digits left of the first separator to the
        // digits right of the last one.
        var start = first;
        while (start > 0 && char.IsAsciiDigit(integer[start - 1]))
        {
            start--;
        }

        var end = integer.LastIndexOf(separator) + 1;
        while (end < integer.Length && char.IsAsciiDigit(integer[end]))
        {
            end++;
        }

        var run = integer[start..end];
        var sizeIndex = 0;
        while (true)
        {
            var expected = sizes.IsEmpty ? 0 : sizes[Math.Min(sizeIndex, sizes.Length - 1)];
            var at = run.LastIndexOf(separator);
            var group = run[(at + 1)..];
            if (group.ContainsAnyExcept(DigitChars))
            {
                return false; // something other than digits between two separators
            }

            if (at < 0)
            {
                return group.Length >= 1 && (expected == 0 || group.Length <= expected);
            }

            if (expected == 0 || group.Length != expected)
            {
                return false;
            }

            run = run[..at];
            sizeIndex++;
        }
    }

    /// <summary>
    /// <see cref="IsWellGrouped(ReadOnlySpan{char}, char, ReadOnlySpan{char}, ReadOnlySpan{int})"/> with
    /// <paramref name="format"/>'s separators; a separator longer than one character is not checked by position, so a
    /// value holding one is refused (plain numbers only).
    /// </summary>
    public static bool IsWellGrouped(ReadOnlySpan<char> text, NumberFormatInfo format)
    {
        var group = format.NumberGroupSeparator;
        return group.Length switch
        {
            0 => true,
            1 => IsWellGrouped(text, group[0], format.NumberDecimalSeparator, format.NumberGroupSizes),
            _ => !text.Contains(group, StringComparison.Ordinal),
        };
    }

    /// <summary>How the culture writes 1234567.5 (<c>1,234,567.5</c> in en-GB, <c>12,34,567.5</c> in hi-IN), for reasons.</summary>
    public static string Example(CultureInfo culture) => 1234567.5m.ToString("N1", culture);

    /// <summary>The reason given for a value whose separators stand elsewhere: names the value and how the culture groups.</summary>
    public static string Reason(ReadOnlySpan<char> value, CultureInfo culture) =>
        culture.Name.Length == 0
            ? $"'{value}' has a thousands separator; the invariant culture reads plain numbers only (1234567.5)"
            : $"misplaced thousands separator in '{value}' ({culture.Name} groups digits as in {Example(culture)})";
}
