using System.Runtime.CompilerServices;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// Allocation-free parsers for the common invariant layouts (ISO dates, plain decimals). They accept a strict subset of
/// what the general .NET parsers accept and return false for anything else, so callers fall back to the general
/// parser; a value parsed here equals what the general parser gives for it.
/// </summary>
internal static class FastParse
{
    /// <summary>Parses <c>yyyy-MM-dd</c>, <c>yyyy-MM-dd HH:mm</c>, <c>yyyy-MM-dd HH:mm:ss</c> (space or T separator).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryIsoDateTime(ReadOnlySpan<char> s, bool allowDateOnly, bool allowMinutes, bool allowSeconds, bool allowT, out DateTime value)
    {
        value = default;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        if (s.Length == 10)
        {
            if (!allowDateOnly)
            {
                return false;
            }
        }
        else
        {
            if (s.Length is not (16 or 19) || s[13] != ':' || !(s[10] == ' ' || (allowT && s[10] == 'T' && s.Length == 19)))
            {
                return false;
            }

            if (s.Length == 16 ? !allowMinutes : !allowSeconds)
            {
                return false;
            }

            if (!Digits(s, 11, 2, out hour) || !Digits(s, 14, 2, out minute))
            {
                return false;
            }

            if (s.Length == 19 && (s[16] != ':' || !Digits(s, 17, 2, out second)))
            {
                return false;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>Parses <c>[-]digits[.digits]</c> with at most 18 significant digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryDecimal(ReadOnlySpan<char> s, out decimal value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] == '-')
        {
            negative = true;
            i = 1;
        }

        if (i >= s.Length || s.Length - i > 19)
        {
            return false;
        }

        long mantissa = 0;
        byte scale = 0;
        var seenPoint = false;
        var digits = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '.')
            {
                if (seenPoint)
                {
                    return false;
                }

                seenPoint = true;
                continue;
            }

            var d = c - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            mantissa = (mantissa * 10) + d;
            digits++;
            if (seenPoint)
            {
                scale++;
            }
        }

        if (digits == 0 || digits > 18 || (seenPoint && scale == 0))
        {
            return false;
        }

        value = new decimal((int)(mantissa & 0xFFFFFFFF), (int)(mantissa >> 32), 0, negative, scale);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }
}
