using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Cli;

/// <summary>
/// The cleaning options of the <c>load</c> verbs (<c>--culture</c>, <c>--time-zone</c>, <c>--phone-region</c>,
/// <c>--date-format</c>, <c>--fuzzy-threshold</c>) reach the readers, and bad values stop the command before the
/// warehouse is opened. Regression: every verb but transactions used CleaningOptions.Default whatever the user needed.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LoadOptionsTests : TempFolderTests
{
    private const string CrmHeader = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    [Theory]
    [InlineData("en-GB", "1970-04-03", "2021-05-04")] // day first
    [InlineData("en-US", "1970-03-04", "2021-04-05")] // month first
    public void Crm_culture_decides_the_order_of_day_and_month(string culture, string birth, string signup)
    {
        var file = Write("crm.csv", CrmHeader + "C1,Anna Smith,,,03/04/1970,F,London,United Kingdom,04/05/2021,yes,no,2024-06-01 09:30:00\n");
        var warehousePath = Path.Combine(Folder, "w.duckdb");

        var (exit, output, error) = CliRunner.Run("load", "crm", "--file", file, "--warehouse", warehousePath, "--culture", culture);

        Assert.True(exit == 0, error + output);
        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        var row = warehouse.Connection.QuerySingle<(DateTime Birth, DateTime Signup)>("SELECT \"BirthDate\", \"SignupDate\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C1'");
        Assert.Equal((DateTime.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(signup, System.Globalization.CultureInfo.InvariantCulture)), row);
    }

    [Fact]
    public void Crm_phone_region_and_date_format_are_applied()
    {
        // 030 123456 is a Berlin number written nationally: with region DE it becomes +49 30 123456 (with GB it is not a valid UK number).
        var file = Write("crm.csv", CrmHeader + "C1,Jürgen Müller,,030 123456,03.04.1970,m,Berlin,Germany,15.01.2021,1,1,2024-06-01 09:30:00\n");
        var warehousePath = Path.Combine(Folder, "w.duckdb");

        var (exit, output, error) = CliRunner.Run("load", "crm", "--file", file, "--warehouse", warehousePath, "--phone-region", "de",
            "--date-format", "dd.MM.yyyy", "--date-format", "d.M.yyyy");

        Assert.True(exit == 0, error + output);
        Assert.Contains("read 1, loaded 1, rejected 0 ", output, StringComparison.Ordinal);
        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        var row = warehouse.Connection.QuerySingle<(string Phone, DateTime Birth, DateTime Signup)>(
            "SELECT \"Phone\", \"BirthDate\", \"SignupDate\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C1'");
        Assert.Equal(("+4930123456", new DateTime(1970, 4, 3), new DateTime(2021, 1, 15)), row);
    }

    [Fact]
    public void Web_time_zone_reads_local_timestamps_and_stores_utc()
    {
        // 10:00 in New York on 1 May 2024 is EDT (UTC−4): 14:00 UTC. The event with Z keeps its own offset.
        var file = Write("web.jsonl",
            "{\"visitor_id\":\"v1\",\"session_id\":\"s1\",\"timestamp\":\"2024-05-01 10:00:00\",\"page\":\"/\",\"event_type\":\"page_view\"}\n" +
            "{\"visitor_id\":\"v1\",\"session_id\":\"s1\",\"timestamp\":\"2024-05-01T14:05:00Z\",\"page\":\"/p\",\"event_type\":\"product_view\"}\n");
        var warehousePath = Path.Combine(Folder, "w.duckdb");

        var (exit, output, error) = CliRunner.Run("load", "web", "--file", file, "--warehouse", warehousePath, "--time-zone", "America/New_York");

        Assert.True(exit == 0, error + output);
        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        var session = warehouse.Connection.QuerySingle<(DateTime Start, DateTime End)>("SELECT \"StartTime\", \"EndTime\" FROM \"Fact\".\"WebSession\"");
        Assert.Equal((new DateTime(2024, 5, 1, 14, 0, 0), new DateTime(2024, 5, 1, 14, 5, 0)), session);
    }

    [Fact]
    public void Demographics_culture_reads_day_first_survey_dates()
    {
        var crm = Write("crm.csv", CrmHeader + "C1,Anna Smith,,,,,London,United Kingdom,,,,2024-06-01 09:30:00\n");
        var survey = Write("survey.csv", "crm_customer_id,survey_date,household_size\nC1,01/03/2024,2\n");
        var warehousePath = Path.Combine(Folder, "w.duckdb");
        Assert.Equal(0, CliRunner.Run("load", "crm", "--file", crm, "--warehouse", warehousePath).Exit);

        var (exit, output, error) = CliRunner.Run("load", "demographics", "--file", survey, "--warehouse", warehousePath, "--culture", "en-GB");

        Assert.True(exit == 0, error + output);
        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        Assert.Equal(20240301, warehouse.Connection.ExecuteScalar<int>("SELECT \"DateKey\" FROM \"Fact\".\"SurveyResponse\""));
    }

    [Fact]
    public void Transactions_culture_overrides_the_mapping_for_decimal_commas()
    {
        var file = Write("t.csv", "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country\n" +
            "536365;85123A;HEART;6;2010-12-01 08:26:00;2,55;17850;Germany\n");
        var mapping = Write("m.json", "{ \"Delimiter\": \";\" }");
        var warehousePath = Path.Combine(Folder, "w.duckdb");

        var (exit, output, error) = CliRunner.Run("load", "transactions", "--file", file, "--mapping", mapping, "--warehouse", warehousePath, "--culture", "de-DE");

        Assert.True(exit == 0, error + output);
        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        Assert.Equal(2.55m, warehouse.Connection.ExecuteScalar<decimal>("SELECT \"UnitPrice\" FROM \"Fact\".\"Purchase\""));
    }

    [Theory]
    [InlineData("en-GB", "2024-08-01 10:00:00")] // day first, as --help and README say
    [InlineData("en-US", "2024-01-08 10:00:00")] // month first
    public void Transactions_culture_applies_to_dates_when_the_mapping_lists_no_formats(string culture, string expected)
    {
        // Regression (audit of issue 6, defect 11): with --culture en-GB this line was rejected; only ISO forms were tried.
        var file = Write("t.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "800001,A,a,1,01/08/2024 10:00,2.50,K1,United Kingdom\n");
        var warehousePath = Path.Combine(Folder, "w.duckdb");

        var (exit, output, error) = CliRunner.Run("load", "transactions", "--file", file, "--warehouse", warehousePath, "--culture", culture);

        Assert.True(exit == 0, error + output);
        Assert.Contains("read 1, loaded 1, rejected 0", output, StringComparison.Ordinal);
        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            warehouse.Connection.ExecuteScalar<DateTime>("SELECT \"InvoiceDateTime\" FROM \"Fact\".\"Purchase\""));
    }

    [Theory]
    [InlineData("crm", "--culture", "xx-NOPE", "--culture: unknown culture 'xx-NOPE'")]
    [InlineData("web", "--time-zone", "Mars/Olympus_Mons", "--time-zone: unknown time zone 'Mars/Olympus_Mons'")]
    [InlineData("social", "--culture", "klingon", "--culture: unknown culture 'klingon'")]
    [InlineData("crm", "--phone-region", "ZZ", "--phone-region: region 'ZZ' is not supported")]
    [InlineData("crm", "--fuzzy-threshold", "1.5", "--fuzzy-threshold: 1.5 is outside (0, 1]")]
    [InlineData("crm", "--fuzzy-threshold", "0", "--fuzzy-threshold: 0 is outside (0, 1]")]
    [InlineData("transactions", "--culture", "xx-NOPE", "--culture: unknown culture 'xx-NOPE'")]
    [InlineData("crm", "--culture", "", "--culture: unknown culture ''")]
    [InlineData("crm", "--time-zone", "", "--time-zone: unknown time zone ''")]
    [InlineData("crm", "--phone-region", "+44", "--phone-region: region '+44' is not supported")]
    [InlineData("crm", "--date-format", " ", "--date-format: a format must not be empty.")]
    [InlineData("crm", "--date-format", "%", "--date-format: '%' is not a valid .NET date format")]
    [InlineData("demographics", "--date-format", "dd.MM.yyyy'", "--date-format: 'dd.MM.yyyy'' is not a valid .NET date format")]
    [InlineData("crm", "--fuzzy-threshold", "abc", "--fuzzy-threshold: 'abc' is not a number")] // was an unhandled InvalidOperationException, exit 134
    [InlineData("crm", "--fuzzy-threshold", "0,9", "--fuzzy-threshold: '0,9' is not a number")] // was read as 9 (group separator)
    [InlineData("crm", "--fuzzy-threshold", "", "--fuzzy-threshold: '' is not a number")]
    public void A_bad_option_value_stops_the_command_with_a_message_naming_it_and_opens_nothing(string verb, string option, string value, string message)
    {
        var file = Write("f.csv", "x\n");
        var warehousePath = Path.Combine(Folder, "w.duckdb");

        var (exit, output, error) = CliRunner.Run("load", verb, "--file", file, "--warehouse", warehousePath, option, value);

        Assert.Equal(1, exit);
        Assert.Contains(message, error + output, StringComparison.Ordinal);
        Assert.False(File.Exists(warehousePath));
    }

    [Theory]
    [InlineData("0.85", 0.85)]
    [InlineData("1", 1.0)]
    [InlineData(" 0.5 ", 0.5)]
    public void Fuzzy_threshold_reads_invariant_decimals(string value, double expected)
    {
        var parse = new System.CommandLine.RootCommand { Warehouse.Etl.Cli.CleaningCliOptions.FuzzyThreshold() }.Parse(["--fuzzy-threshold", value]);

        Assert.Empty(parse.Errors);
        Assert.Equal(expected, parse.GetValue<double?>("--fuzzy-threshold"));
    }

    [Theory]
    [InlineData("dd.MM.yyyy", true)]
    [InlineData("d", true)] // a standard format (the culture's short date)
    [InlineData("yyyy'T'HH", true)]
    [InlineData("%", false)]
    [InlineData("q", false)] // one letter that is no standard format
    [InlineData("dd.MM.yyyy'", false)] // unclosed quote
    public void Date_formats_that_dotnet_cannot_use_are_refused(string format, bool usable) =>
        Assert.Equal(usable, Warehouse.Etl.Cli.CleaningCliOptions.IsUsableDateFormat(format));

    [Theory]
    [InlineData("crm", new[] { "--culture", "--time-zone", "--phone-region", "--date-format", "--fuzzy-threshold" })]
    [InlineData("demographics", new[] { "--culture", "--date-format" })]
    [InlineData("web", new[] { "--culture", "--time-zone" })]
    [InlineData("social", new[] { "--culture", "--time-zone" })]
    [InlineData("transactions", new[] { "--culture", "--mapping", "--currency" })]
    public void Help_lists_the_options_of_each_load_verb(string verb, string[] options)
    {
        var (exit, output, _) = CliRunner.Run("load", verb, "--help");

        Assert.Equal(0, exit);
        Assert.All(options, o => Assert.Contains(o, output, StringComparison.Ordinal));
    }
}
