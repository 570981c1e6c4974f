namespace Warehouse.Etl.Cleaning;

/// <summary>Small value rules: flags (consent) and gender codes.</summary>
public static class BasicRules
{
    /// <summary>
    /// A yes/no flag: true/false, yes/no, y/n, 1/0, t/f, on/off, ja/nein, oui/non, si/no (case-insensitive, trimmed).
    /// </summary>
    public static RuleResult<bool> ParseFlag(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<bool>.Missing();
        return value.Trim().ToLowerInvariant() switch
        {
            "true" or "yes" or "y" or "1" or "t" or "on" or "ja" or "oui" or "si" or "sí" => RuleResult<bool>.Ok(true),
            "false" or "no" or "n" or "0" or "f" or "off" or "nein" or "non" => RuleResult<bool>.Ok(false),
            _ => RuleResult<bool>.Invalid("not a yes/no flag (expected true/false, yes/no, y/n or 1/0)"),
        };
    }

    /// <summary>
    /// Gender to one of <c>female</c>, <c>male</c>, <c>other</c>, <c>unknown</c> (F/M/X/U, woman/man, w, d/divers,
    /// non-binary, "prefer not to say"…); anything else is invalid rather than guessed.
    /// </summary>
    public static RuleResult<string> ParseGender(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return RuleResult<string>.Missing();
        return TextRules.MatchKey(value) switch
        {
            "f" or "female" or "woman" or "w" or "weiblich" or "femme" => RuleResult<string>.Ok("female"),
            "m" or "male" or "man" or "mannlich" or "homme" => RuleResult<string>.Ok("male"),
            "x" or "d" or "divers" or "other" or "non binary" or "nonbinary" or "diverse" => RuleResult<string>.Ok("other"),
            "u" or "unknown" or "prefer not to say" or "not specified" or "n a" or "na" => RuleResult<string>.Ok("unknown"),
            _ => RuleResult<string>.Invalid("not a recognised gender value (expected F/M/X/U or female/male/other/unknown)"),
        };
    }
}
