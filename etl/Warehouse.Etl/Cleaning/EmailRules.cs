using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// E-mail normalisation: trim, lower-case, IDN domain to ASCII (punycode), syntax check of the common subset of
/// RFC 5321/5322 (dot-atom local part, host name domain with a dot). Quoted local parts and IP-literal domains
/// are rejected: they do not occur in customer data and cannot be matched reliably.
/// </summary>
public static class EmailRules
{
    private static readonly IdnMapping Idn = new();

    /// <summary>Normalised address (<c>" John.Doe@Example.COM "</c> → <c>"john.doe@example.com"</c>) or the reason it is invalid.</summary>
    public static RuleResult<string> Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<string>.Missing();
        var s = value.Trim();
        if (s.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            s = s[7..];
        var at = s.LastIndexOf('@');
        if (at <= 0 || at == s.Length - 1)
            return RuleResult<string>.Invalid("not an e-mail address (expected local@domain)");
        if (s.IndexOf('@') != at)
            return RuleResult<string>.Invalid("more than one @");
        var local = s[..at].ToLowerInvariant();
        var domain = s[(at + 1)..].TrimEnd('.');
        if (local.Length > 64)
            return RuleResult<string>.Invalid("local part longer than 64 characters");
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
            return RuleResult<string>.Invalid("local part has a leading, trailing or double dot");
        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~.-".Contains(c) || c > 127 && char.IsLetterOrDigit(c)))
                return RuleResult<string>.Invalid($"character '{c}' is not allowed in the local part");
        }
        string ascii;
        try
        {
            ascii = Idn.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return RuleResult<string>.Invalid("domain is not a valid host name");
        }
        if (ascii.Length > 253 || !ascii.Contains('.'))
            return RuleResult<string>.Invalid("domain must be a host name with a dot");
        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-') || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return RuleResult<string>.Invalid($"domain label '{label}' is not a valid host name label");
        }
        if (ascii.Split('.')[^1].All(char.IsAsciiDigit))
            return RuleResult<string>.Invalid("top-level domain cannot be numeric");
        var result = local + "@" + ascii;
        return result.Length > 254 ? RuleResult<string>.Invalid("address longer than 254 characters") : RuleResult<string>.Ok(result);
    }

    /// <summary>
    /// Identity key of a normalised address: the sub-address ("+tag") is dropped, and for gmail.com /
    /// googlemail.com the dots of the local part too (Gmail ignores them), so "j.doe+shop@gmail.com" and
    /// "jdoe@googlemail.com" share a key. Used for matching only; the stored e-mail stays as normalised.
    /// </summary>
    public static string MatchKey(string normalizedEmail)
    {
        ArgumentNullException.ThrowIfNull(normalizedEmail);
        var at = normalizedEmail.LastIndexOf('@');
        if (at < 0)
            return normalizedEmail;
        var local = normalizedEmail[..at];
        var domain = normalizedEmail[(at + 1)..];
        var plus = local.IndexOf('+');
        if (plus > 0)
            local = local[..plus];
        if (domain is "gmail.com" or "googlemail.com")
        {
            local = local.Replace(".", "", StringComparison.Ordinal);
            domain = "gmail.com";
        }
        return local + "@" + domain;
    }

    /// <summary>
    /// Lower-case hex SHA-256 of the UTF-8 bytes of a normalised address: the "hashed e-mail" web sources send
    /// (64 characters, matches <c>Integration.WebSession_Staging.EmailHash</c>).
    /// </summary>
    public static string Sha256Hex(string normalizedEmail)
    {
        ArgumentNullException.ThrowIfNull(normalizedEmail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));
    }

    /// <summary>Checks and lower-cases a 64-hex-digit SHA-256 e-mail hash.</summary>
    public static RuleResult<string> NormalizeHash(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<string>.Missing();
        var s = value.Trim();
        if (s.Length != 64 || !s.All(char.IsAsciiHexDigit))
            return RuleResult<string>.Invalid("not a SHA-256 hex digest (64 hexadecimal digits)");
        return RuleResult<string>.Ok(s.ToLowerInvariant());
    }
}
