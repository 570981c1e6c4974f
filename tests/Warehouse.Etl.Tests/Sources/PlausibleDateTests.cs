using System.Globalization;
using System.Text;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Implausible dates are rejected on every source (audit defects 3 and 8): year 1 (a placeholder) and next year (a typing
/// error, or a far-future CRM update time that would freeze its customer) reject the row naming the column and the
/// window; values just inside it load. The load "starts" at <see cref="Now"/> = 2026-12-03 06:00 UTC, so the window of
/// event and update times is 1990-01-01 00:00 .. 2026-12-04 06:00 (now + 1 day), and the date columns' range
/// (signup_date, survey_date, already checked before the fix) is 1990-01-01 .. 2026-12-04 (Today + 1 day).
/// </summary>
public sealed class PlausibleDateTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 6, 0, 0, DateTimeKind.Utc);

    private static readonly CleaningOptions Options = new() { Now = Now, Today = new DateOnly(2026, 12, 3) };

    private const string TooEarly = "0001-01-01 is before the earliest plausible time 1990-01-01";
    private const string NextYear = "2027-06-01 is after the latest plausible time 2026-12-04 06:00:00 (now + 1 day)";

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private static List<string> Outcomes<T>(IEnumerable<SourceItem<T>> items)
        where T : class =>
        items.Select(i => i.IsRejected ? $"{i.LineNumber} {i.Reject!.ColumnName}: {i.Reject.Reason}" : $"{i.LineNumber} ok").ToList();

    [Fact]
    public void Crm_updated_at_outside_the_window_is_rejected_in_csv_and_json()
    {
        const string header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";
        string[] times = ["0001-01-01T00:00:00Z", "2027-06-01T00:00:00Z", "1990-01-01T00:00:00Z", "2026-12-04T05:59:59Z", "2999-01-01T00:00:00Z"];
        var csv = header + string.Concat(times.Select((t, i) => $"C{i},Anna,,,,,,,,,,{t}\n"));
        var json = string.Concat(times.Select((t, i) => $"{{\"crm_customer_id\":\"C{i}\",\"updated_at\":\"{t}\"}}\n"));
        string[] expected =
        [
            $"2 updated_at: {TooEarly}", $"3 updated_at: {NextYear}", "4 ok", "5 ok",
            "6 updated_at: 2999-01-01 is after the latest plausible time 2026-12-04 06:00:00 (now + 1 day)",
        ];
        Assert.Equal(expected, Outcomes(CrmCustomerReader.ReadCsv(Utf8(csv), "crm.csv", Options)));
        // JSON lines count from 1.
        Assert.Equal(expected.Select(e => (int.Parse(e[..1], CultureInfo.InvariantCulture) - 1) + e[1..]), Outcomes(CrmCustomerReader.ReadJson(Utf8(json), "crm.json", Options)));
    }

    [Fact]
    public void Crm_signup_date_and_survey_date_outside_the_range_are_rejected()
    {
        const string header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";
        string[] dates = ["0001-01-01", "2027-06-01", "1990-01-01", "2026-12-04"];
        var crm = header + string.Concat(dates.Select((d, i) => $"C{i},Anna,,,,,,,{d},,,\n"));
        Assert.Equal(
            ["2 signup_date: date 0001-01-01 outside the plausible range 1990-01-01 to 2026-12-04",
             "3 signup_date: date 2027-06-01 outside the plausible range 1990-01-01 to 2026-12-04", "4 ok", "5 ok"],
            Outcomes(CrmCustomerReader.ReadCsv(Utf8(crm), "crm.csv", Options)));
        var survey = "crm_customer_id,survey_date\n" + string.Concat(dates.Select((d, i) => $"C{i},{d}\n"));
        Assert.Equal(
            ["2 survey_date: date 0001-01-01 outside the plausible range 1990-01-01 to 2026-12-04",
             "3 survey_date: date 2027-06-01 outside the plausible range 1990-01-01 to 2026-12-04", "4 ok", "5 ok"],
            Outcomes(SurveyResponseReader.ReadCsv(Utf8(survey), "survey.csv", Options)));
    }

    [Fact]
    public void Web_and_social_timestamps_outside_the_window_are_rejected()
    {
        string[] times = ["0001-01-01T00:00:00Z", "2027-06-01T00:00:00Z", "1990-01-01T00:00:00Z", "2026-12-04T05:59:59Z"];
        var web = string.Concat(times.Select((t, i) =>
            $"{{\"visitor_id\":\"v{i}\",\"session_id\":\"s{i}\",\"timestamp\":\"{t}\",\"event_type\":\"page_view\"}}\n"));
        string[] expected = [$"1 timestamp: {TooEarly}", $"2 timestamp: {NextYear}", "3 ok", "4 ok"];
        Assert.Equal(expected, Outcomes(WebEventReader.ReadJsonLines(Utf8(web), "web.jsonl", Options)));
        var social = string.Concat(times.Select((t, i) =>
            $"{{\"platform\":\"x\",\"comment_id\":\"c{i}\",\"handle\":\"@a\",\"timestamp\":\"{t}\",\"text\":\"hello\"}}\n"));
        Assert.Equal(expected, Outcomes(SocialCommentReader.ReadJson(Utf8(social), "social.jsonl", Options)));
    }

    [Fact]
    public void Unix_timestamps_are_checked_too()
    {
        // 9999999999 s = 2286-11-20 17:46:39 UTC; 0000000000 s = 1970-01-01 (before 1990).
        var web = "{\"visitor_id\":\"v\",\"session_id\":\"s\",\"timestamp\":\"9999999999\",\"event_type\":\"page_view\"}\n" +
                  "{\"visitor_id\":\"v\",\"session_id\":\"s\",\"timestamp\":\"0000000000\",\"event_type\":\"page_view\"}\n";
        Assert.Equal(
            ["1 timestamp: 2286-11-20 17:46:39 is after the latest plausible time 2026-12-04 06:00:00 (now + 1 day)",
             "2 timestamp: 1970-01-01 is before the earliest plausible time 1990-01-01"],
            Outcomes(WebEventReader.ReadJsonLines(Utf8(web), "web.jsonl", Options)));
    }

    [Fact]
    public void Invoice_dates_outside_the_window_are_rejected_by_the_transaction_parser()
    {
        // Line 3 repeats line 2's text: the parser's last-date cache answers it, and the window still applies.
        string[] dates = ["0001-01-01 00:00:00", "0001-01-01 00:00:00", "2027-06-01 00:00:00", "1990-01-01 00:00:00", "2026-12-04 05:59", "9999-12-31 23:59:59"];
        var csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
                  string.Concat(dates.Select((d, i) => $"5{i},A,Thing,1,{d},1.50,17850,United Kingdom\n"));
        var outcomes = new List<string>();
        using var reader = new CsvRecordReader(Utf8(csv), "t.csv", ',');
        var parser = new TransactionCsvParser(new TransactionMapping(), Options.TimeWindow());
        foreach (var row in parser.Parse(reader, "t.csv", 1, (line, column, reason, _) => outcomes.Add($"{line} {column}: {reason}")))
        {
            if (!row.IsRejected)
                outcomes.Add($"{row.SourceLineNumber} ok");
        }

        Assert.Equal(
            [$"2 InvoiceDate: {TooEarly}", $"3 InvoiceDate: {TooEarly}", $"4 InvoiceDate: {NextYear}", "5 ok", "6 ok",
             "7 InvoiceDate: 9999-12-31 23:59:59 is after the latest plausible time 2026-12-04 06:00:00 (now + 1 day)"],
            outcomes);
    }

    [Fact]
    public void The_window_is_configurable()
    {
        var options = new CleaningOptions
        {
            Now = Now, EarliestPlausibleTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), LatestPlausibleAfterNow = TimeSpan.FromDays(400),
        };
        var web = "{\"visitor_id\":\"v\",\"session_id\":\"s\",\"timestamp\":\"2019-12-31T23:59:59Z\",\"event_type\":\"page_view\"}\n" +
                  "{\"visitor_id\":\"v\",\"session_id\":\"s\",\"timestamp\":\"2027-06-01T00:00:00Z\",\"event_type\":\"page_view\"}\n";
        Assert.Equal(["1 timestamp: 2019-12-31 23:59:59 is before the earliest plausible time 2020-01-01", "2 ok"],
            Outcomes(WebEventReader.ReadJsonLines(Utf8(web), "web.jsonl", options)));
    }
}
