using System.Text;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Phone normalisation to E.164 (<c>+</c>, country calling code, national significant number; at most 15 digits).
/// International input (<c>+</c> or <c>00</c>, <c>011</c> from North America) keeps its country; national input
/// gets the default region's calling code after its trunk prefix is removed (0 in most of Europe, 1 in North
/// America, 8 in Russia/Lithuania, 06 in Hungary; none in Italy, Spain, Scandinavia…). Lengths are checked for the
/// regions in the table below; numbers of other regions only get the generic E.164 check (8–15 digits).
/// </summary>
public static class PhoneRules
{
    /// <summary>Calling code, trunk prefix and national significant number length range of one region.</summary>
    private sealed record Region(string Iso, string CallingCode, string Trunk, int MinLength, int MaxLength);

    // Sources: ITU-T E.164 assigned codes list and the national numbering plans summarised in ITU-T Operational Bulletins.
    private static readonly Region[] Regions =
    [
        new("US", "1", "1", 10, 10), new("CA", "1", "1", 10, 10), new("GB", "44", "0", 9, 10), new("IE", "353", "0", 7, 9),
        new("FR", "33", "0", 9, 9), new("DE", "49", "0", 6, 13), new("NL", "31", "0", 9, 9), new("BE", "32", "0", 8, 9),
        new("LU", "352", "", 4, 11), new("ES", "34", "", 9, 9), new("PT", "351", "", 9, 9), new("IT", "39", "", 6, 11),
        new("CH", "41", "0", 9, 9), new("AT", "43", "0", 4, 13), new("DK", "45", "", 8, 8), new("NO", "47", "", 8, 8),
        new("SE", "46", "0", 6, 9), new("FI", "358", "0", 5, 12), new("PL", "48", "", 9, 9), new("CZ", "420", "", 9, 9),
        new("SK", "421", "0", 9, 9), new("HU", "36", "06", 8, 9), new("GR", "30", "", 10, 10), new("RO", "40", "0", 9, 9),
        new("BG", "359", "0", 8, 9), new("HR", "385", "0", 8, 9), new("SI", "386", "0", 8, 8), new("EE", "372", "", 7, 8),
        new("LV", "371", "", 8, 8), new("LT", "370", "8", 8, 8), new("AU", "61", "0", 9, 9), new("NZ", "64", "0", 8, 10),
        new("JP", "81", "0", 9, 10), new("CN", "86", "0", 10, 11), new("IN", "91", "0", 10, 10), new("BR", "55", "0", 10, 11),
        new("MX", "52", "", 10, 10), new("ZA", "27", "0", 9, 9), new("TR", "90", "0", 10, 10), new("RU", "7", "8", 10, 10),
        new("KR", "82", "0", 9, 10), new("SG", "65", "", 8, 8), new("HK", "852", "", 8, 8), new("IL", "972", "0", 8, 9),
        new("AE", "971", "0", 8, 9),
    ];

    /// <summary>ISO 3166-1 alpha-2 codes of the regions with a full numbering-plan check.</summary>
    public static IReadOnlyList<string> SupportedRegions { get; } = Regions.Select(r => r.Iso).ToArray();

    /// <summary>Normalises <paramref name="value"/> to E.164 ("020 7946 0018" with region GB → "+442079460018").</summary>
    /// <param name="value">Phone as written: digits, spaces, <c>-</c>, <c>.</c>, <c>/</c>, parentheses, a leading <c>+</c>.</param>
    /// <param name="defaultRegion">ISO 3166-1 alpha-2 region for numbers written without a country code.</param>
    /// <exception cref="ArgumentException"><paramref name="defaultRegion"/> is not in <see cref="SupportedRegions"/>.</exception>
    public static RuleResult<string> Normalize(string? value, string defaultRegion)
    {
        var region = Regions.FirstOrDefault(r => r.Iso.Equals(defaultRegion, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"region '{defaultRegion}' is not supported; use one of {string.Join(", ", SupportedRegions)}", nameof(defaultRegion));
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<string>.Missing();
        var s = value.Trim().Replace("(0)", "", StringComparison.Ordinal);
        var digits = new StringBuilder(s.Length);
        var plus = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
                digits.Append(c);
            else if (c == '+' && digits.Length == 0 && !plus)
                plus = true;
            else if (c is ' ' or '-' or '.' or '/' or '(' or ')' or '\u00A0')
                continue;
            else
                return RuleResult<string>.Invalid($"character '{c}' is not allowed in a phone number");
        }
        var d = digits.ToString();
        if (d.Length == 0)
            return RuleResult<string>.Invalid("no digits");
        if (!plus && d.StartsWith("00", StringComparison.Ordinal))
        {
            plus = true;
            d = d[2..];
        }
        else if (!plus && region.CallingCode == "1" && d.StartsWith("011", StringComparison.Ordinal))
        {
            plus = true;
            d = d[3..];
        }
        return plus ? International(d) : National(d, region);
    }

    private static RuleResult<string> International(string d)
    {
        Region? best = null;
        foreach (var r in Regions)
        {
            if (d.StartsWith(r.CallingCode, StringComparison.Ordinal) && (best is null || r.CallingCode.Length > best.CallingCode.Length))
                best = r;
        }
        if (best is null)
        {
            return d.Length is >= 8 and <= 15
                ? RuleResult<string>.Ok("+" + d)
                : RuleResult<string>.Invalid($"international number must have 8 to 15 digits, has {d.Length}");
        }
        var nsn = d[best.CallingCode.Length..];
        // "+44 0 20…" is a common mistake: the trunk prefix is never dialled after the country code.
        if (best.Trunk.Length > 0 && best.Trunk != "1" && nsn.StartsWith(best.Trunk, StringComparison.Ordinal)
            && nsn.Length - best.Trunk.Length >= best.MinLength)
            nsn = nsn[best.Trunk.Length..];
        return Checked(best, nsn);
    }

    private static RuleResult<string> National(string d, Region region)
    {
        var nsn = d;
        // National significant numbers never start with a 0 trunk prefix, so it is always removed; other trunk
        // prefixes (1, 8) can begin a valid number and are removed only when what remains is long enough.
        if (region.Trunk.Length > 0 && nsn.StartsWith(region.Trunk, StringComparison.Ordinal)
            && (region.Trunk[0] == '0' || nsn.Length - region.Trunk.Length >= region.MinLength))
            nsn = nsn[region.Trunk.Length..];
        return Checked(region, nsn);
    }

    private static RuleResult<string> Checked(Region region, string nsn)
    {
        if (nsn.Length < region.MinLength || nsn.Length > region.MaxLength)
        {
            var expected = region.MinLength == region.MaxLength ? $"{region.MinLength}" : $"{region.MinLength} to {region.MaxLength}";
            return RuleResult<string>.Invalid($"a {region.Iso} number has {expected} digits after the country code and trunk prefix, this one has {nsn.Length}");
        }
        if (region.CallingCode.Length + nsn.Length > 15)
            return RuleResult<string>.Invalid("longer than the 15 digits E.164 allows");
        return RuleResult<string>.Ok("+" + region.CallingCode + nsn);
    }
}
