using System.Globalization;
using System.Text;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Cleaning;

/// <summary>
/// Thousands separators only where the culture groups digits. Regression (audit of issue 6, defect 4): .NET's
/// AllowThousands skips a separator anywhere in the integer part, so en-GB read "1,5" as 15 and "12,34,5" as 12345, and
/// the invariant NumberRules read survey household_size "1,2" as 12 and social likes "1,5" as 15. Reference values by
/// hand (group sizes: en-GB 3; hi-IN 3 then 2, as .NET formats 1234567 there: 12,34,567) and, for the properties, .NET's
/// own "N" formatting of the same number with the same NumberFormatInfo.
/// </summary>
public sealed class NumberGroupingTests
{
    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");

    [Theory]
    [InlineData("en-GB", "1,234", true)]
    [InlineData("en-GB", "1,234.50", true)]
    [InlineData("en-GB", "-12,345,678.5", true)]
    [InlineData("en-GB", "1234.5", true)] // no separator: plain numbers are always fine
    [InlineData("en-GB", "1,5", false)]
    [InlineData("en-GB", "2,50", false)]
    [InlineData("en-GB", "1,2,3.5", false)]
    [InlineData("en-GB", "12,34,5", false)]
    [InlineData("en-GB", "1234,567", false)] // leftmost group longer than 3
    [InlineData("en-GB", ",5", false)]
    [InlineData("en-GB", "5,", false)]
    [InlineData("en-GB", "1,,234", false)]
    [InlineData("en-GB", "1.234,5", false)] // a separator in the fraction
    [InlineData("de-DE", "1.234,50", true)]
    [InlineData("de-DE", "2.500", true)] // 2500: this is how de-DE writes two thousand five hundred
    [InlineData("de-DE", "2.50", false)] // an en-GB price read with de-DE: not 250
    [InlineData("hi-IN", "12,34,567", true)]
    [InlineData("hi-IN", "1,234,567", false)] // second group must have 2 digits in hi-IN
    public void A_separator_is_accepted_only_at_the_cultures_group_boundaries(string culture, string text, bool expected) =>
        Assert.Equal(expected, NumberGrouping.IsWellGrouped(text, CultureInfo.GetCultureInfo(culture).NumberFormat));

    [Fact]
    public void A_last_group_size_of_zero_leaves_the_remaining_digits_ungrouped()
    {
        // NumberFormatInfo.NumberGroupSizes documentation: a last element 0 means the remaining digits are not grouped.
        var format = new NumberFormatInfo { NumberGroupSizes = [3, 0] };
        Assert.Equal("1234,567", 1234567.ToString("N0", format)); // .NET's own reading of the rule, the reference
        Assert.True(NumberGrouping.IsWellGrouped("1234,567", format));
        Assert.False(NumberGrouping.IsWellGrouped("1,234,567", format));
    }

    [Theory]
    [InlineData(new[] { 3 })]
    [InlineData(new[] { 3, 2 })]
    [InlineData(new[] { 1, 2, 3 })]
    [InlineData(new[] { 4 })]
    [InlineData(new[] { 3, 0 })]
    [InlineData(new[] { 2, 1, 0 })]
    public void Random_groupings_pass_exactly_when_dotnet_would_write_them(int[] sizes)
    {
        // Oracle: digits without a leading zero have one correct grouping, the one .NET's N0 format writes.
        var format = new NumberFormatInfo { NumberGroupSizes = sizes };
        var random = new Random(20261202);
        var accepted = 0;
        for (var n = 0; n < 5000; n++)
        {
            var digits = random.NextInt64(1, 10_000_000_000).ToString(CultureInfo.InvariantCulture);
            var text = new StringBuilder();
            for (var i = 0; i < digits.Length; i++)
            {
                if (i > 0 && random.Next(4) == 0)
                    text.Append(',');
                text.Append(digits[i]);
            }

            var candidate = n % 3 == 0 ? long.Parse(digits, CultureInfo.InvariantCulture).ToString("N0", format) : text.ToString();
            var expected = !candidate.Contains(',', StringComparison.Ordinal)
                || candidate == long.Parse(digits, CultureInfo.InvariantCulture).ToString("N0", format);
            Assert.True(expected == NumberGrouping.IsWellGrouped(candidate + ".25", format), $"{candidate} with sizes [{string.Join(",", sizes)}]");
            accepted += expected ? 1 : 0;
        }

        Assert.InRange(accepted, 1667, 4999); // both outcomes were exercised
    }

    [Theory]
    [InlineData("1,2", "invariant", "'1,2' has a thousands separator; the invariant culture reads plain numbers only (1234567.5)")]
    [InlineData("1,234", "invariant", "'1,234' has a thousands separator; the invariant culture reads plain numbers only (1234567.5)")]
    [InlineData("1,5", "en-GB", "misplaced thousands separator in '1,5' (en-GB groups digits as in 1,234,567.5)")]
    [InlineData("12,34,5", "en-US", "misplaced thousands separator in '12,34,5' (en-US groups digits as in 1,234,567.5)")]
    [InlineData("1 2", "fr-FR", "misplaced thousands separator in '1 2' (fr-FR groups digits as in 1\u202F234\u202F567,5)")]
    public void Int32_with_misplaced_separators_is_invalid_and_the_reason_names_the_value(string value, string culture, string reason)
    {
        var c = culture == "invariant" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(culture);
        var r = NumberRules.ParseInt32(value, c);
        Assert.True(r.IsInvalid);
        Assert.Equal(reason, r.Reason);
    }

    [Theory]
    [InlineData("2.50", "de-DE")]
    [InlineData("2,50", "en-GB")]
    [InlineData("1,2,3.5", "en-GB")]
    [InlineData("1,234.5", "invariant")]
    [InlineData("(1,5)", "en-US")]
    public void Decimals_with_misplaced_separators_are_invalid(string value, string culture)
    {
        var c = culture == "invariant" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(culture);
        Assert.True(NumberRules.ParseDecimal(value, c).IsInvalid);
    }

    [Theory]
    [InlineData("12,345", "en-US", 12345)]
    [InlineData("-1,000", "en-GB", -1000)]
    [InlineData("1.000", "de-DE", 1000)]
    [InlineData("1 000", "fr-FR", 1000)] // plain space for U+202F
    [InlineData("12,34,567", "hi-IN", 1234567)]
    [InlineData(" 42 ", "invariant", 42)]
    public void Int32_with_well_placed_separators_is_read(string value, string culture, int expected)
    {
        var c = culture == "invariant" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(culture);
        Assert.Equal(expected, NumberRules.ParseInt32(value, c).Value);
    }

    [Fact]
    public void Other_reasons_name_the_value_too() =>
        Assert.Equal("'12abc' is not a number in en-GB format", NumberRules.ParseDecimal("12abc", EnGb).Reason);

    [Fact]
    public void Survey_household_size_with_a_comma_is_rejected_not_read_as_twelve()
    {
        // The auditor's file (invariant culture, the default): "1,2" was stored as 12; ",1" children is no number either.
        const string csv = "crm_customer_id,survey_date,household_size,children,satisfaction\nA1,2024-03-01,\"1,2\",0,4\nB1,2024-03-01,3,\",1\",4\nC1,2024-03-01,3,1,4\n";
        var items = SurveyResponseReader.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "sv_num.csv").ToList();

        Assert.Equal(("household_size", "'1,2' has a thousands separator; the invariant culture reads plain numbers only (1234567.5)"),
            (items[0].Reject!.ColumnName, items[0].Reject!.Reason));
        Assert.Equal("children", items[1].Reject!.ColumnName);
        Assert.Contains("',1'", items[1].Reject!.Reason, StringComparison.Ordinal);
        Assert.Equal(3, items[2].Record!.HouseholdSize);
    }

    [Fact]
    public void Social_likes_with_a_comma_are_rejected_not_read_as_fifteen()
    {
        const string json = """[{"platform":"x","comment_id":"n1","handle":"@a","timestamp":"2024-05-01T10:00:00Z","text":"ok","likes":"1,5"},{"platform":"x","comment_id":"n2","handle":"@a","timestamp":"2024-05-01T10:00:00Z","text":"ok","likes":" 7 "}]""";
        var items = SocialCommentReader.ReadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), "so_num.json").ToList();

        Assert.Equal(("likes", "'1,5' has a thousands separator; the invariant culture reads plain numbers only (1234567.5)"),
            (items[0].Reject!.ColumnName, items[0].Reject!.Reason));
        Assert.Equal(7, items[1].Record!.Likes);
    }
}
