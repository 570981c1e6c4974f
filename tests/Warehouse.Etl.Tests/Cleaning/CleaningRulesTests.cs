using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Tests.Cleaning;

/// <summary>
/// Reference values: hand calculations shown next to each case; quartiles cross-checked with numpy.percentile
/// (linear, the default), the SHA-256 digest with Python's hashlib, the Unix time with Python's datetime,
/// the IDN label with Python's "idna" codec.
/// </summary>
public sealed class CleaningRulesTests
{
    private static readonly CultureInfo EnUs = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");
    private static readonly CultureInfo DeDe = CultureInfo.GetCultureInfo("de-DE");
    private static readonly CultureInfo FrFr = CultureInfo.GetCultureInfo("fr-FR");

    [Theory]
    [InlineData("  Anna  Maria ", "Anna  Maria")]
    [InlineData("Robert'); DROP TABLE Students;--", "Robert'); DROP TABLE Students;--")]
    public void Trimmed_keeps_inner_text_exactly(string input, string expected) =>
        Assert.Equal(expected, TextRules.Trimmed(input).Value);

    [Fact]
    public void Trimmed_blank_is_missing_and_too_long_is_invalid()
    {
        Assert.True(TextRules.Trimmed(" \t ").IsMissing);
        Assert.Equal("longer than 3 characters (4)", TextRules.Trimmed("abcd", 3).Reason);
    }

    [Theory]
    [InlineData("  José  O'Neil-Smith ", "jose oneil smith")]
    [InlineData("MÜLLER, Jürgen", "muller jurgen")]
    [InlineData("ﬁnn", "finn")]
    public void MatchKey_folds_case_accents_and_punctuation(string input, string expected) =>
        Assert.Equal(expected, TextRules.MatchKey(input));

    [FsCheck.Xunit.Property]
    public bool MatchKey_is_idempotent(string? s) => TextRules.MatchKey(TextRules.MatchKey(s)) == TextRules.MatchKey(s);

    [Theory]
    [InlineData(" John.Doe@Example.COM ", "john.doe@example.com")]
    [InlineData("mailto:a.b@sub.example.co.uk", "a.b@sub.example.co.uk")]
    [InlineData("josé@bücher.de", "josé@xn--bcher-kva.de")]
    [InlineData("x+tag@EXAMPLE.org.", "x+tag@example.org")]
    public void Email_normalisation(string input, string expected) => Assert.Equal(expected, EmailRules.Normalize(input).Value);

    [Theory]
    [InlineData("plainaddress", "not an e-mail address (expected local@domain)")]
    [InlineData("a@b@c.com", "more than one @")]
    [InlineData("a..b@x.com", "local part has a leading, trailing or double dot")]
    [InlineData("a@localhost", "domain must be a host name with a dot")]
    [InlineData("a b@x.com", "character ' ' is not allowed in the local part")]
    [InlineData("a@-x.com", "domain is not a valid host name")]
    [InlineData("a@x_y.com", "domain label 'x_y' is not a valid host name label")]
    [InlineData("a@1.2.3.4", "top-level domain cannot be numeric")]
    public void Email_invalid_with_reason(string input, string reason)
    {
        var r = EmailRules.Normalize(input);
        Assert.True(r.IsInvalid);
        Assert.Equal(reason, r.Reason);
    }

    [Fact]
    public void Email_match_key_and_hash()
    {
        Assert.Equal("jdoe@gmail.com", EmailRules.MatchKey("j.doe+shop@googlemail.com"));
        Assert.Equal("j.doe@example.com", EmailRules.MatchKey("j.doe+news@example.com"));
        Assert.Equal("973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b", EmailRules.Sha256Hex("test@example.com"));
        Assert.Equal("973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b",
            EmailRules.NormalizeHash(" 973DFE463EC85785F5F95AF5BA3906EEDB2D931C24E69824A89EA65DBA4E813B ").Value);
        Assert.True(EmailRules.NormalizeHash("abc").IsInvalid);
    }

    [FsCheck.Xunit.Property]
    public bool Email_normalisation_is_idempotent(NonEmptyString local, NonEmptyString domain)
    {
        var r = EmailRules.Normalize(local.Get + "@" + domain.Get + ".com");
        return !r.IsValid || EmailRules.Normalize(r.Value).Value == r.Value;
    }

    [Theory]
    [InlineData("020 7946 0018", "GB", "+442079460018")]
    [InlineData("+44 (0)20 7946 0018", "US", "+442079460018")]
    [InlineData("+1 (415) 555-2671", "GB", "+14155552671")]
    [InlineData("415-555-2671", "US", "+14155552671")]
    [InlineData("1-415-555-2671", "US", "+14155552671")]
    [InlineData("011 44 20 7946 0018", "US", "+442079460018")]
    [InlineData("0049 30 123456", "FR", "+4930123456")]
    [InlineData("030 123456", "DE", "+4930123456")]
    [InlineData("06 1234 5678", "IT", "+390612345678")]
    [InlineData("06 12 34 56 78", "FR", "+33612345678")]
    [InlineData("+354 555 1234", "GB", "+3545551234")]
    public void Phone_to_e164(string input, string region, string expected) => Assert.Equal(expected, PhoneRules.Normalize(input, region).Value);

    [Theory]
    [InlineData("12ab34", "GB", "character 'a' is not allowed in a phone number")]
    [InlineData("020 7946", "GB", "a GB number has 9 to 10 digits after the country code and trunk prefix, this one has 6")]
    [InlineData("+999 1", "GB", "international number must have 8 to 15 digits, has 4")]
    [InlineData("---", "GB", "no digits")]
    public void Phone_invalid_with_reason(string input, string region, string reason) =>
        Assert.Equal(reason, PhoneRules.Normalize(input, region).Reason);

    [Fact]
    public void Phone_unknown_region_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => PhoneRules.Normalize("123", "ZZ"));

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Phone_normalisation_is_idempotent_in_every_region(NonNegativeInt digits, byte regionIndex)
    {
        var region = PhoneRules.SupportedRegions[regionIndex % PhoneRules.SupportedRegions.Count];
        var r = PhoneRules.Normalize("0" + digits.Get.ToString(CultureInfo.InvariantCulture) + "1234", region);
        return !r.IsValid || PhoneRules.Normalize(r.Value, PhoneRules.SupportedRegions[(regionIndex + 7) % PhoneRules.SupportedRegions.Count]).Value == r.Value;
    }

    [Fact]
    public void Date_order_follows_the_culture()
    {
        Assert.Equal(new DateOnly(2024, 3, 4), DateTimeRules.ParseDate("03/04/2024", EnUs).Value);
        Assert.Equal(new DateOnly(2024, 4, 3), DateTimeRules.ParseDate("03/04/2024", EnGb).Value);
        Assert.Equal(new DateOnly(2024, 4, 3), DateTimeRules.ParseDate("03.04.2024", DeDe).Value);
        Assert.Equal(new DateOnly(2024, 2, 29), DateTimeRules.ParseDate("2024-02-29", DeDe).Value);
        Assert.True(DateTimeRules.ParseDate("2023-02-29", EnUs).IsInvalid);
        Assert.Equal(new DateOnly(1990, 12, 1), DateTimeRules.ParseDate("01-Dec-1990", EnUs, "dd-MMM-yyyy").Value);
        Assert.True(DateTimeRules.ParseDate("", EnUs).IsMissing);
        Assert.StartsWith("date 2100-01-01 outside", DateTimeRules.ParseDate("2100-01-01", EnUs, new DateOnly(1900, 1, 1), new DateOnly(2030, 1, 1)).Reason);
    }

    [Fact]
    public void Timestamps_use_the_explicit_zone_and_report_clock_changes()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.Equal(new DateTime(2024, 7, 1, 10, 0, 0, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("2024-07-01 12:00:00", EnUs, berlin).Value);
        Assert.Equal(new DateTime(2024, 1, 15, 11, 0, 0, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("2024-01-15T12:00", EnUs, berlin).Value);
        Assert.Equal(new DateTime(2024, 7, 1, 10, 0, 0, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("2024-07-01T12:00:00+02:00", EnUs, TimeZoneInfo.Utc).Value);
        Assert.Equal(new DateTime(2024, 7, 1, 12, 0, 0, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("2024-07-01T12:00:00Z", EnUs, berlin).Value);
        // 31 March 2024, 02:00 → 03:00 in Berlin: 02:30 never happened.
        Assert.Contains("does not exist in time zone Europe/Berlin", DateTimeRules.ParseTimestamp("2024-03-31 02:30:00", EnUs, berlin).Reason);
        // 27 October 2024, 03:00 → 02:00: 02:30 happened twice; standard time (+01:00) is taken.
        Assert.Equal(new DateTime(2024, 10, 27, 1, 30, 0, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("2024-10-27 02:30:00", EnUs, berlin).Value);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("1700000000", EnUs, berlin).Value);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 500, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("1700000000500", EnUs, berlin).Value);
        Assert.Equal(new DateTime(2024, 4, 3, 13, 5, 0, DateTimeKind.Utc), DateTimeRules.ParseTimestamp("03/04/2024 14:05", EnGb, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).Value);
        Assert.True(DateTimeRules.ParseTimestamp("yesterday", EnUs, berlin).IsInvalid);
    }

    [Theory]
    [InlineData("1.234,50", "de-DE", "1234.50")]
    [InlineData("1,234.50", "en-US", "1234.50")]
    [InlineData("1 234,50", "fr-FR", "1234.50")]
    [InlineData("1\u202F234,50", "fr-FR", "1234.50")]
    [InlineData("(12.00)", "en-US", "-12.00")]
    [InlineData("-0.5", "en-US", "-0.5")]
    public void Decimal_with_culture(string input, string culture, string expected) =>
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), NumberRules.ParseDecimal(input, CultureInfo.GetCultureInfo(culture)).Value);

    [Fact]
    public void Numbers_invalid_and_int()
    {
        Assert.True(NumberRules.ParseDecimal("12abc", EnUs).IsInvalid);
        Assert.Equal(12345, NumberRules.ParseInt32("12,345", EnUs).Value);
        Assert.True(NumberRules.ParseInt32("1.5", EnUs).IsInvalid);
        Assert.True(NumberRules.ParseInt32("99999999999", EnUs).IsInvalid);
    }

    [Theory]
    [InlineData("€1.234,50", "de-DE", "GBP", "1234.50", "EUR")]
    [InlineData("1,234.50 USD", "en-US", "GBP", "1234.50", "USD")]
    [InlineData("GBP -12", "en-GB", "EUR", "-12", "GBP")]
    [InlineData("$5", "en-US", "CAD", "5", "CAD")]
    [InlineData("$5", "en-GB", "GBP", "5", "USD")]
    [InlineData("(3.00) £", "en-GB", "EUR", "-3.00", "GBP")]
    [InlineData("12,5 zł", "pl-PL", "EUR", "12.5", "PLN")]
    [InlineData("7.25", "en-GB", "gbp", "7.25", "GBP")]
    public void Money_with_currency(string input, string culture, string fallback, string amount, string currency)
    {
        var r = NumberRules.ParseMoney(input, CultureInfo.GetCultureInfo(culture), fallback);
        Assert.Equal(new Money(decimal.Parse(amount, CultureInfo.InvariantCulture), currency), r.Value);
    }

    [Fact]
    public void Money_without_amount_is_invalid() => Assert.Equal("currency without an amount", NumberRules.ParseMoney("EUR", EnUs, "EUR").Reason);

    [FsCheck.Xunit.Property]
    public bool Decimal_round_trips_through_every_tested_culture(decimal d)
    {
        foreach (var c in new[] { EnUs, DeDe, FrFr, EnGb })
        {
            if (NumberRules.ParseDecimal(d.ToString("N4", c), c).Value != Math.Round(d, 4))
                return false;
        }
        return true;
    }

    [Fact]
    public void Flags_and_gender()
    {
        Assert.True(BasicRules.ParseFlag(" Yes ").Value);
        Assert.False(BasicRules.ParseFlag("0").Value);
        Assert.True(BasicRules.ParseFlag("maybe").IsInvalid);
        Assert.Equal("female", BasicRules.ParseGender("F").Value);
        Assert.Equal("male", BasicRules.ParseGender("Männlich").Value);
        Assert.Equal("other", BasicRules.ParseGender("non-binary").Value);
        Assert.Equal("unknown", BasicRules.ParseGender("Prefer not to say").Value);
        Assert.True(BasicRules.ParseGender("banana").IsInvalid);
    }

    [Fact]
    public void Robust_z_hand_calculated()
    {
        // median 3; |x − 3| = 2,1,0,1,97 → MAD 1; M = 0.6745 (x − 3).
        var z = OutlierRules.RobustZScores([1, 2, 3, 4, 100]);
        Assert.Equal([-1.349, -0.6745, 0, 0.6745, 65.4265], z.Select(v => Math.Round(v, 6)));
        Assert.Equal([false, false, false, false, true], OutlierRules.FlagRobustZ([1, 2, 3, 4, 100]));
    }

    [Fact]
    public void Robust_z_falls_back_to_mean_absolute_deviation_when_mad_is_zero()
    {
        // median 5, deviations 0,0,0,0,1 → MAD 0; MeanAD 0.2; M(6) = 1 / (1.253314 · 0.2) = 3.989423.
        var z = OutlierRules.RobustZScores([5, 5, 5, 5, 6]);
        Assert.Equal(3.989423, z[4], 6);
        Assert.Equal([false, false, false, false, true], OutlierRules.FlagRobustZ([5, 5, 5, 5, 6]));
        Assert.All(OutlierRules.RobustZScores([7, 7, 7]), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Tukey_fences_hand_calculated_and_match_numpy()
    {
        // numpy.percentile([2,4,4,4,5,5,7,9], [25, 75]) = [4.0, 5.5]; IQR 1.5 → fences [1.75, 7.75].
        Assert.Equal((1.75, 7.75), OutlierRules.TukeyFences([2, 4, 4, 4, 5, 5, 7, 9]));
        Assert.Equal([false, false, false, false, false, false, false, true], OutlierRules.FlagIqr([2, 4, 4, 4, 5, 5, 7, 9]));
        // numpy.percentile([1,2,3,4,100], [25, 75]) = [2.0, 4.0] → fences [-1, 7].
        Assert.Equal((-1.0, 7.0), OutlierRules.TukeyFences([1, 2, 3, 4, 100]));
    }

    [Fact]
    public void Nan_is_ignored_and_never_flagged()
    {
        var flags = OutlierRules.FlagIqr([1, double.NaN, 2, 3, 4, 100]);
        Assert.Equal([false, false, false, false, false, true], flags);
        Assert.True(double.IsNaN(OutlierRules.RobustZScores([1, double.NaN, 3])[1]));
    }

    [FsCheck.Xunit.Property]
    public bool Outlier_flags_follow_their_values_under_permutation(NonEmptyArray<NormalFloat> xs, int seed)
    {
        var values = xs.Get.Select(x => x.Get).ToArray();
        var order = Enumerable.Range(0, values.Length).OrderBy(i => HashCode.Combine(i, seed)).ToArray();
        var permuted = order.Select(i => values[i]).ToArray();
        var a = OutlierRules.FlagIqr(values);
        var b = OutlierRules.FlagIqr(permuted);
        var za = OutlierRules.FlagRobustZ(values);
        var zb = OutlierRules.FlagRobustZ(permuted);
        return order.Select((src, i) => a[src] == b[i] && za[src] == zb[i]).All(x => x);
    }

    [FsCheck.Xunit.Property]
    public bool Tukey_fences_shift_with_the_data(NonEmptyArray<NormalFloat> xs, NormalFloat shift)
    {
        var values = xs.Get.Select(x => Math.Round(x.Get, 3) % 1e6).ToArray();
        var c = Math.Round(shift.Get, 3) % 1e6;
        var (l1, u1) = OutlierRules.TukeyFences(values);
        var (l2, u2) = OutlierRules.TukeyFences(values.Select(v => v + c).ToArray());
        return Math.Abs(l1 + c - l2) < 1e-6 && Math.Abs(u1 + c - u2) < 1e-6;
    }

    [Fact]
    public void Row_cleaner_applies_policies_and_keeps_the_first_problem()
    {
        var cleaner = new RowCleaner(new Dictionary<string, MissingValuePolicy> { ["email"] = MissingValuePolicy.Reject });
        Assert.Null(cleaner.Take("city", TextRules.Trimmed(" ")));
        Assert.False(cleaner.HasFailed);
        Assert.Equal(0, cleaner.TakeValue("likes", RuleResult<int>.Missing(), MissingValuePolicy.UseDefault, 0));
        Assert.Null(cleaner.Take("email", EmailRules.Normalize("")));
        Assert.Equal(("email", "required value is missing"), (cleaner.FailedColumn, cleaner.FailedReason));
        cleaner.Fail("phone", "later problem");
        Assert.Equal("email", cleaner.FailedColumn);
        cleaner.Reset();
        Assert.Null(cleaner.TakeValue("birth_date", DateTimeRules.ParseDate("31/31/2000", EnGb)));
        Assert.Equal("birth_date", cleaner.FailedColumn);
    }
}
