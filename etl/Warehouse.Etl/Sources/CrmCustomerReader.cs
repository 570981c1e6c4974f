using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources.Csv;

namespace Warehouse.Etl.Sources;

/// <summary>
/// Reads CRM customer exports (CSV with a header, or JSON array / JSON lines with the same field names) as
/// cleaned <see cref="CrmCustomer"/> records or rejects. Streaming: one row in memory at a time. See
/// <c>etl/Warehouse.Etl/Sources/FORMATS.md</c> for fields, types and examples.
/// </summary>
public static class CrmCustomerReader
{
    /// <summary>The format's fields in documentation order.</summary>
    public static IReadOnlyList<FieldSpec> Schema { get; } =
    [
        new("crm_customer_id", true, "customer_id", "id"),
        new("full_name", false, "name"),
        new("email", false, "email_address"),
        new("phone", false, "phone_number"),
        new("birth_date", false, "date_of_birth", "dob"),
        new("gender", false),
        new("city", false),
        new("country", false),
        new("signup_date", false, "registration_date"),
        new("consent_marketing", false),
        new("consent_profiling", false),
        new("updated_at", false, "last_update", "last_updated", "source_updated_at"),
    ];

    /// <summary>Reads a CSV export (lazy; the stream is disposed when the enumeration ends).</summary>
    /// <exception cref="SourceFormatException">Raised during enumeration when the file is unreadable (see <see cref="CsvReader"/>).</exception>
    public static IEnumerable<SourceItem<CrmCustomer>> ReadCsv(Stream stream, string sourceName, CleaningOptions? options = null, CsvOptions? csvOptions = null)
    {
        var o = options ?? CleaningOptions.Default;
        var window = o.TimeWindow();
        return SourceReader.ReadCsv(stream, sourceName, Schema, o, csvOptions, (f, c, _) => Map(f, c, o, window));
    }

    /// <summary>Reads a JSON export: an array of objects or JSON lines (lazy; disposes the stream at the end).</summary>
    public static IEnumerable<SourceItem<CrmCustomer>> ReadJson(Stream stream, string sourceName, CleaningOptions? options = null, int maxRecordBytes = 1 << 20)
    {
        var o = options ?? CleaningOptions.Default;
        var window = o.TimeWindow();
        return SourceReader.ReadJson(stream, sourceName, Schema, o, maxRecordBytes, (f, c, _) => Map(f, c, o, window));
    }

    private static CrmCustomer? Map(FieldSource f, RowCleaner c, CleaningOptions o, PlausibleTimeWindow window)
    {
        var formats = o.DateFormats.ToArray();
        var id = c.Take("crm_customer_id", f.Apply(0, v => TextRules.Trimmed(v, 50)), MissingValuePolicy.Reject);
        var name = c.Take("full_name", f.Apply(1, v => TextRules.Trimmed(v, 200)));
        var email = c.Take("email", f.Apply(2, EmailRules.Normalize));
        if (email is { Length: > 320 })
            c.Fail("email", "longer than 320 characters");
        var phone = c.Take("phone", f.Apply(3, v => PhoneRules.Normalize(v, o.PhoneRegion)));
        var birth = c.TakeValue("birth_date", f.Apply(4, v => DateTimeRules.ParseDate(v, o.Culture, new DateOnly(1900, 1, 1), o.Today, formats)));
        var gender = c.Take("gender", f.Apply(5, BasicRules.ParseGender));
        var city = c.Take("city", f.Apply(6, v => TextRules.Trimmed(v, 100)));
        var country = c.Take("country", f.Apply(7, v => TextRules.Trimmed(v, 100)));
        var signup = c.TakeValue("signup_date", f.Apply(8, v => DateTimeRules.ParseDate(v, o.Culture, DateOnly.FromDateTime(o.EarliestPlausibleTime), o.Today.AddDays(1), formats)));
        var marketing = c.TakeValue("consent_marketing", f.Apply(9, BasicRules.ParseFlag));
        var profiling = c.TakeValue("consent_profiling", f.Apply(10, BasicRules.ParseFlag));
        var updated = c.TakeValue("updated_at", f.Apply(11, v => window.Check(DateTimeRules.ParseTimestamp(v, o.Culture, o.TimeZone))));
        return c.HasFailed || id is null ? null : new CrmCustomer(id, name, email, phone, birth, gender, city, country, signup, marketing, profiling, updated);
    }
}
