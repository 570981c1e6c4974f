using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources.Csv;

namespace Warehouse.Etl.Sources;

/// <summary>Reads the demographics / survey CSV as cleaned <see cref="SurveyResponse"/> records or rejects (streaming).</summary>
public static class SurveyResponseReader
{
    /// <summary>The format's fields in documentation order.</summary>
    public static IReadOnlyList<FieldSpec> Schema { get; } =
    [
        new("crm_customer_id", true, "customer_id", "id"),
        new("survey_date", false, "answered_at", "date"),
        new("household_size", false),
        new("children", false),
        new("income_band", false, "income"),
        new("education", false),
        new("occupation", false),
        new("marital_status", false),
        new("satisfaction", false),
    ];

    /// <summary>Reads a CSV file (lazy; the stream is disposed when the enumeration ends).</summary>
    public static IEnumerable<SourceItem<SurveyResponse>> ReadCsv(Stream stream, string sourceName, CleaningOptions? options = null, CsvOptions? csvOptions = null)
    {
        var o = options ?? CleaningOptions.Default;
        return SourceReader.ReadCsv(stream, sourceName, Schema, o, csvOptions, (f, c, _) => Map(f, c, o));
    }

    private static RuleResult<int> InRange(RuleResult<int> r, int min, int max) =>
        r.IsValid && (r.Value < min || r.Value > max) ? RuleResult<int>.Invalid($"{r.Value} is outside {min}–{max}") : r;

    private static SurveyResponse? Map(FieldSource f, RowCleaner c, CleaningOptions o)
    {
        var id = c.Take("crm_customer_id", f.Apply(0, v => TextRules.Trimmed(v, 50)), MissingValuePolicy.Reject);
        var date = c.TakeValue("survey_date", f.Apply(1, v => DateTimeRules.ParseDate(v, o.Culture, DateOnly.FromDateTime(o.EarliestPlausibleTime), o.Today.AddDays(1), o.DateFormats.ToArray())));
        var household = c.TakeValue("household_size", f.Apply(2, v => InRange(NumberRules.ParseInt32(v, o.Culture), 1, 20)));
        var children = c.TakeValue("children", f.Apply(3, v => InRange(NumberRules.ParseInt32(v, o.Culture), 0, 15)));
        var income = c.Take("income_band", f.Apply(4, v => TextRules.Trimmed(v, 50)));
        var education = c.Take("education", f.Apply(5, v => TextRules.Trimmed(v, 100)));
        var occupation = c.Take("occupation", f.Apply(6, v => TextRules.Trimmed(v, 100)));
        var marital = c.Take("marital_status", f.Apply(7, v => TextRules.Trimmed(v, 50)));
        var satisfaction = c.TakeValue("satisfaction", f.Apply(8, v => InRange(NumberRules.ParseInt32(v, o.Culture), 1, 5)));
        if (household is not null && children is not null && children >= household)
            c.Fail("children", $"{children} children in a household of {household}");
        return c.HasFailed || id is null ? null : new SurveyResponse(id, date, household, children, income, education, occupation, marital, satisfaction);
    }
}
