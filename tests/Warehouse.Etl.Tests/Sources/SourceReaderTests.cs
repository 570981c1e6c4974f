using System.Globalization;
using System.Text;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Sources;

public sealed class SourceReaderTests
{
    internal static readonly CleaningOptions Options = new()
    {
        Culture = CultureInfo.GetCultureInfo("en-GB"),
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London"),
        PhoneRegion = "GB",
        Today = new DateOnly(2025, 1, 1),
    };

    internal static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private const string CrmCsv =
        "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\r\n" +
        "C001, Anna Smith ,Anna.Smith@Example.com,020 7946 0018,1985-02-03,F,London,United Kingdom,2020-01-15,yes,no,2024-06-01 09:30:00\r\n" +
        "C002,\"Müller, Jürgen\",,+49 30 123456,03/04/1970,m,Berlin,Germany,15/01/2021,1,1,2024-06-01T08:00:00Z\r\n";

    [Fact]
    public void Crm_csv_rows_are_cleaned_and_typed()
    {
        var items = CrmCustomerReader.ReadCsv(Utf8(CrmCsv), "crm.csv", Options).ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.False(i.IsRejected, i.Reject?.ToString()));
        var anna = items[0].Record!;
        Assert.Equal(new CrmCustomer("C001", "Anna Smith", "anna.smith@example.com", "+442079460018", new DateOnly(1985, 2, 3), "female",
            "London", "United Kingdom", new DateOnly(2020, 1, 15), true, false, new DateTime(2024, 6, 1, 8, 30, 0, DateTimeKind.Utc)), anna);
        var jurgen = items[1].Record!;
        Assert.Equal("Müller, Jürgen", jurgen.FullName);
        Assert.Null(jurgen.Email);
        Assert.Equal("+4930123456", jurgen.Phone);
        Assert.Equal(new DateOnly(1970, 4, 3), jurgen.BirthDate);
        Assert.Equal(new DateOnly(2021, 1, 15), jurgen.SignupDate);
        Assert.Equal(3, items[1].LineNumber);
    }

    [Fact]
    public void Crm_json_array_and_json_lines_give_the_same_records_as_csv()
    {
        const string json = """
            [
              {"crm_customer_id": "C001", "full_name": " Anna Smith ", "email": "Anna.Smith@Example.com", "phone": "020 7946 0018",
               "birth_date": "1985-02-03", "gender": "F", "city": "London", "country": "United Kingdom", "signup_date": "2020-01-15",
               "consent_marketing": true, "consent_profiling": false, "updated_at": "2024-06-01 09:30:00", "extra": {"ignored": [1, 2]}},
              {"CrmCustomerId": "C002", "FullName": "Müller, Jürgen", "Email": null, "Phone": "+49 30 123456", "BirthDate": "03/04/1970",
               "Gender": "m", "City": "Berlin", "Country": "Germany", "SignupDate": "15/01/2021", "ConsentMarketing": 1, "ConsentProfiling": "1",
               "UpdatedAt": "2024-06-01T08:00:00Z"}
            ]
            """;
        var fromCsv = CrmCustomerReader.ReadCsv(Utf8(CrmCsv), "crm.csv", Options).Select(i => i.Record).ToList();
        var fromJson = CrmCustomerReader.ReadJson(Utf8(json), "crm.json", Options).ToList();
        Assert.All(fromJson, i => Assert.False(i.IsRejected, i.Reject?.ToString()));
        Assert.Equal(fromCsv, fromJson.Select(i => i.Record));
        Assert.Equal([2L, 5L], fromJson.Select(i => i.LineNumber));

        var lines = string.Join("\n", fromJson.Select((_, k) => k == 0
            ? """{"crm_customer_id":"C001","full_name":"Anna Smith","email":"anna.smith@example.com","phone":"+442079460018","birth_date":"1985-02-03","gender":"female","city":"London","country":"United Kingdom","signup_date":"2020-01-15","consent_marketing":"y","consent_profiling":"n","updated_at":"2024-06-01T08:30:00Z"}"""
            : """{"crm_customer_id":"C002","full_name":"Müller, Jürgen","phone":"+4930123456","birth_date":"1970-04-03","gender":"male","city":"Berlin","country":"Germany","signup_date":"2021-01-15","consent_marketing":true,"consent_profiling":true,"updated_at":1717228800}"""));
        Assert.Equal(fromCsv, CrmCustomerReader.ReadJson(Utf8(lines), "crm.jsonl", Options).Select(i => i.Record));
    }

    [Fact]
    public void Bad_rows_are_rejected_with_line_column_and_reason_and_nothing_is_lost()
    {
        var csv = "crm_customer_id,full_name,email,phone,birth_date\n" +
                  "C1,Ann,ann@example.com,020 7946 0018,1990-01-01\n" +
                  "C2,Bob,not-an-email,,\n" +
                  ",Cid,,,\n" +
                  "C4,Dee,,,2999-01-01\n" +
                  "C5,Eve,,12ab,\n" +
                  "C6,Fay\n" +
                  "C7,\"Gu\"y,,,\n" +
                  "C8,Hal,,,31/02/1990\n" +
                  "C9,Ivy,,,\n";
        var items = CrmCustomerReader.ReadCsv(Utf8(csv), "crm.csv", Options).ToList();
        Assert.Equal(9, items.Count);
        var rejects = items.Where(i => i.IsRejected).Select(i => (i.Reject!.LineNumber, i.Reject.ColumnName, i.Reject.Reason)).ToList();
        Assert.Equal(
        [
            (3L, "email", "not an e-mail address (expected local@domain)"),
            (4L, "crm_customer_id", "required value is missing"),
            (5L, "birth_date", "date 2999-01-01 outside the plausible range 1900-01-01 to 2025-01-01"),
            (6L, "phone", "character 'a' is not allowed in a phone number"),
            (7L, null, "row has 2 fields, the header has 5"),
            (8L, "full_name", "text after the closing quote of a quoted field"),
            (9L, "birth_date", "not a date in ISO yyyy-MM-dd or dd/MM/yyyy (en-GB)"),
        ], rejects);
        Assert.Equal(["C1", "C9"], items.Where(i => !i.IsRejected).Select(i => i.Record!.CrmCustomerId));
        Assert.Equal("C6,Fay", items[5].Reject!.RawRecord);
    }

    [Fact]
    public void Missing_value_policy_can_be_tightened_per_column()
    {
        var strict = new CleaningOptions { MissingPolicies = new Dictionary<string, MissingValuePolicy> { ["email"] = MissingValuePolicy.Reject } };
        var items = CrmCustomerReader.ReadCsv(Utf8("id,email\nC1,\nC2,a@b.com\n"), "crm.csv", strict).ToList();
        Assert.Equal(("email", "required value is missing"), (items[0].Reject!.ColumnName, items[0].Reject!.Reason));
        Assert.Equal("a@b.com", items[1].Record!.Email);
    }

    [Fact]
    public void A_misspelt_required_column_is_named_with_the_position_of_the_unmatched_header_column()
    {
        var crm = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(Utf8("name,cust_no,email\nAnn,C1,a@b.com\n"), "crm.csv").ToList());
        Assert.Equal("crm_customer_id", crm.Column);
        Assert.Equal("header lacks required column(s) crm_customer_id; column 2 is 'cust_no', which matches no expected column; "
            + "the header has: 1 'name', 2 'cust_no', 3 'email'", crm.Reason);
        var survey = Assert.Throws<SourceFormatException>(() => SurveyResponseReader.ReadCsv(Utf8("household_size,client\n2,C1\n"), "survey.csv").ToList());
        Assert.Equal(("survey.csv", 1L, "crm_customer_id"), (survey.SourceName, survey.LineNumber, survey.Column));
        Assert.Contains("column 2 is 'client', which matches no expected column", survey.Reason, StringComparison.Ordinal);
    }

    [Theory]
    // JSON has no header: a record without a required field is rejected naming that field.
    [InlineData("web", "{\"session_id\":\"s1\",\"timestamp\":\"2024-01-01T10:00:00Z\",\"event_type\":\"page_view\"}", "visitor_id")]
    [InlineData("social", "[{\"platform\":\"x\",\"comment_id\":\"1\",\"handle\":\"@a\",\"timestamp\":\"2024-01-01T10:00:00Z\"}]", "text")]
    [InlineData("crm", "[{\"name\":\"Ann\"}]", "crm_customer_id")]
    public void A_json_record_without_a_required_field_is_rejected_naming_it(string source, string json, string column)
    {
        var reject = source switch
        {
            "web" => WebEventReader.ReadJsonLines(Utf8(json), "web.jsonl").Single().Reject,
            "social" => SocialCommentReader.ReadJson(Utf8(json), "social.json").Single().Reject,
            _ => CrmCustomerReader.ReadJson(Utf8(json), "crm.json").Single().Reject,
        };
        Assert.NotNull(reject);
        Assert.Equal((1L, column, "required value is missing"), (reject.LineNumber, reject.ColumnName, reject.Reason));
    }

    [Fact]
    public void Missing_required_column_and_empty_file_throw_naming_the_file()
    {
        var ex = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(Utf8("name,email\nAnn,a@b.com\n"), "crm.csv").ToList());
        Assert.Equal("crm.csv, line 1, column crm_customer_id: header lacks required column(s) crm_customer_id; all 2 header columns match other fields; "
            + "the header has: 1 'name', 2 'email'", ex.Message);
        Assert.Equal("crm_customer_id", ex.Column);
        var empty = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(Utf8(""), "crm.csv").ToList());
        Assert.Contains("empty", empty.Reason);
        var emptyJson = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadJson(Utf8("  \n"), "crm.json").ToList());
        Assert.Contains("empty", emptyJson.Reason);
    }

    [Fact]
    public void Latin1_row_in_a_utf8_file_is_rejected_not_mangled()
    {
        var bytes = Encoding.UTF8.GetBytes("id,full_name,city\nC1,Ann,Oslo\n").Concat(Encoding.Latin1.GetBytes("C2,José,Málaga\n")).ToArray();
        var items = CrmCustomerReader.ReadCsv(new MemoryStream(bytes), "crm.csv").ToList();
        Assert.False(items[0].IsRejected);
        Assert.Equal("full_name", items[1].Reject!.ColumnName);
        Assert.StartsWith("not valid UTF-8", items[1].Reject!.Reason);
    }

    [Fact]
    public void Json_array_structure_errors_throw_with_line_and_column()
    {
        var missingComma = Assert.Throws<SourceFormatException>(() =>
            CrmCustomerReader.ReadJson(Utf8("[\n{\"id\":\"C1\"}\n{\"id\":\"C2\"}]"), "crm.json").ToList());
        Assert.Equal((3L, "1"), (missingComma.LineNumber, missingComma.Column));
        Assert.Contains("expected ',' or ']'", missingComma.Reason);

        var truncated = Assert.Throws<SourceFormatException>(() =>
            CrmCustomerReader.ReadJson(Utf8("[{\"id\":\"C1\"},\n{\"id\":\"C2\", \"full_name\": \"An"), "crm.json").ToList());
        Assert.Equal(2, truncated.LineNumber);

        var notJson = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadJson(Utf8("id,name\n"), "crm.json").ToList());
        Assert.Equal("crm.json, line 1, column 1: expected '[' (a JSON array of records) or '{' (JSON lines)", notJson.Message);

        var utf16 = Assert.Throws<SourceFormatException>(() =>
            CrmCustomerReader.ReadJson(new MemoryStream(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("[]")).ToArray()), "crm.json").ToList());
        Assert.Contains("UTF-16", utf16.Reason);
    }

    [Fact]
    public void Json_record_level_problems_are_rejects()
    {
        const string json = """
            [
              {"id": "C1", "full_name": {"first": "Ann"}},
              {"id": "C2", "id": "C3"},
              "just a string",
              {"id": "C4", "email": "x@y.org", },
              {"id": "C5"}
            ]
            """;
        var items = CrmCustomerReader.ReadJson(Utf8(json), "crm.json").ToList();
        Assert.Equal(5, items.Count);
        Assert.Equal(("full_name", "expected a string, number or true/false, found an object"), (items[0].Reject!.ColumnName, items[0].Reject!.Reason));
        Assert.Equal("property appears twice in the record", items[1].Reject!.Reason);
        Assert.Equal("record is not a JSON object", items[2].Reject!.Reason);
        Assert.StartsWith("not valid JSON", items[3].Reject!.Reason);
        Assert.Equal(5L, items[3].Reject!.LineNumber);
        Assert.Equal("C5", items[4].Record!.CrmCustomerId);
    }

    [Fact]
    public void Json_lines_bad_lines_are_rejected_and_the_rest_is_read()
    {
        var text = "{\"platform\":\"x\",\"comment_id\":\"1\",\"handle\":\"@a\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"text\":\"ok\"}\n" +
                   "{\"platform\":\"x\",\"comment_id\":\"2\",\"handle\":\"@b\",\"timestamp\":\"2024-05-01T10:0\n" +
                   "\n" +
                   "{\"platform\":\"x\",\"comment_id\":\"3\",\"handle\":\"@c\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"text\":\"fine\",\"likes\":-1}\n" +
                   "{\"platform\":\"X \",\"comment_id\":\"4\",\"handle\":\"@d\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"text\":\"\",\"likes\":7,\"reply_to\":\"1\"}\n";
        var items = SocialCommentReader.ReadJson(Utf8(text), "social.jsonl").ToList();
        Assert.Equal(4, items.Count);
        Assert.Equal(0, items[0].Record!.Likes);
        Assert.Equal(2, items[1].Reject!.LineNumber);
        Assert.StartsWith("not valid JSON", items[1].Reject!.Reason);
        Assert.Equal((4L, "likes", "likes cannot be negative"), (items[2].Reject!.LineNumber, items[2].Reject!.ColumnName, items[2].Reject!.Reason));
        Assert.Equal(new SocialComment("x", "4", "@d", null, new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc), "", 7, "1"), items[3].Record);
    }

    [Fact]
    public void Huge_fields_are_rejected_and_reading_continues()
    {
        var huge = new string('A', 3_000_000);
        var csv = $"id,full_name\nC1,{huge}\nC2,Bo\n";
        var items = CrmCustomerReader.ReadCsv(Utf8(csv), "crm.csv").ToList();
        Assert.Contains("longer than", items[0].Reject!.Reason);
        Assert.Equal(SourceReject.MaxRawRecordChars, items[0].Reject!.RawRecord!.Length);
        Assert.Equal("Bo", items[1].Record!.FullName);

        var longName = new string('n', 250);
        Assert.Equal(("full_name", "longer than 200 characters (250)"),
            CrmCustomerReader.ReadCsv(Utf8($"id,full_name\nC1,{longName}\n"), "crm.csv").Select(i => (i.Reject!.ColumnName, i.Reject.Reason)).Single());

        var json = $"[{{\"id\":\"C1\",\"full_name\":\"{huge}\"}},\n{{\"id\":\"C2\"}}]";
        var fromJson = CrmCustomerReader.ReadJson(Utf8(json), "crm.json").ToList();
        Assert.Equal("record longer than 1,048,576 bytes (the limit per record); not read", fromJson[0].Reject!.Reason);
        Assert.Equal("C2", fromJson[1].Record!.CrmCustomerId);
    }

    [Fact]
    public void Survey_answers_are_range_checked()
    {
        var csv = "customer_id,survey_date,household_size,children,income_band,education,occupation,marital_status,satisfaction\n" +
                  "C1,2024-03-01,4,2,30-50k,Master,Engineer,married,5\n" +
                  "C2,2024-03-01,2,2,,,,,3\n" +
                  "C3,2024-03-01,2,0,,,,,6\n" +
                  "C4,,,,,,,,\n";
        var items = SurveyResponseReader.ReadCsv(Utf8(csv), "survey.csv").ToList();
        Assert.Equal(new SurveyResponse("C1", new DateOnly(2024, 3, 1), 4, 2, "30-50k", "Master", "Engineer", "married", 5), items[0].Record);
        Assert.Equal(("children", "2 children in a household of 2"), (items[1].Reject!.ColumnName, items[1].Reject!.Reason));
        Assert.Equal(("satisfaction", "6 is outside 1–5"), (items[2].Reject!.ColumnName, items[2].Reject!.Reason));
        Assert.Equal(new SurveyResponse("C4", null, null, null, null, null, null, null, null), items[3].Record);
    }

    [Fact]
    public void Web_events_are_typed_and_validated()
    {
        var lines = """
            {"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/home","event_type":"Page View","device":"Mobile","referrer":"https://search.example/?q=shoes"}
            {"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:01:00Z","page":"/p/42","event_type":"product_view","product":"42","customer_id":"C1"}
            {"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:02:00Z","event_type":"teleport"}
            {"visitor_id":"v2","session_id":"s9","timestamp":"2024-05-01T10:02:00Z","event_type":"login","email_hash":"xyz"}
            """;
        var items = WebEventReader.ReadJsonLines(Utf8(lines), "web.jsonl").ToList();
        Assert.Equal(new WebEvent("v1", null, null, "s1", new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc), "/home", "page_view", null,
            "https://search.example/?q=shoes", "mobile"), items[0].Record);
        Assert.Equal("C1", items[1].Record!.CrmCustomerId);
        Assert.Equal("event_type", items[2].Reject!.ColumnName);
        Assert.Equal("email_hash", items[3].Reject!.ColumnName);
    }

    [Fact]
    public void Tracker_session_ids_leave_room_for_the_later_part_suffix_and_may_not_contain_it()
    {
        // Fact.WebSession.SessionId holds 100 characters; a later part of a session is stored as id + '#' + its UTC start
        // (17 characters, e.g. "#20240501T110000Z"), so a tracker id may have 100 - 17 = 83.
        var longest = new string('s', 83);
        string Line(string session, string time) =>
            $$"""{"visitor_id":"v1","session_id":"{{session}}","timestamp":"2024-05-01T{{time}}Z","event_type":"page_view"}""";
        var lines = string.Join("\n", Line(longest, "10:00:00"), Line(longest, "11:00:00"), Line(new string('s', 84), "11:01:00"), Line("s#1", "11:02:00"));
        var items = WebEventReader.ReadJsonLines(Utf8(lines), "web.jsonl").ToList();
        Assert.Equal([false, false, true, true], items.Select(i => i.IsRejected));
        Assert.Equal((3L, "session_id", "longer than 83 characters (84)"), (items[2].Reject!.LineNumber, items[2].Reject!.ColumnName, items[2].Reject!.Reason));
        Assert.Equal((4L, "session_id"), (items[3].Reject!.LineNumber, items[3].Reject!.ColumnName));
        Assert.Contains("contains '#'", items[3].Reject!.Reason, StringComparison.Ordinal);

        // The longest accepted id, split by an hour's gap: its later part's stored id is exactly 100 characters.
        var sessions = new WebSessionizer().Sessionize(items.Take(2), "web.jsonl").Select(s => s.Record!.SessionId).ToList();
        Assert.Equal([longest, longest + "#20240501T110000Z"], sessions);
        Assert.Equal(100, sessions[1].Length);
    }
}
