using System.Globalization;
using System.Text;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// Invoice dates with the mapping's (or <c>--culture</c>'s) culture. Regression (audit of issue 6, defect 11): --help and
/// README said the culture applies to dates (en-GB reads 03/04/2024 day first), but with en-GB "01/08/2024 10:00" was
/// rejected because only the mapping's ISO formats were tried. Now, when the mapping lists no DateFormats and the culture is
/// a named one, its short date and time patterns are tried after the ISO forms. Reference values by hand: en-GB writes
/// day/month/year (dd/MM/yyyy), en-US month/day/year (M/d/yyyy, 12-hour with AM/PM), de-DE dd.MM.yyyy.
/// </summary>
public sealed class CultureDateTests
{
    private const string Header = "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country\n";

    private static (List<DateTime> Dates, List<string> Rejects) Parse(TransactionMapping mapping, params string[] dates)
    {
        var text = new StringBuilder(Header);
        foreach (var date in dates)
            text.Append(CultureInfo.InvariantCulture, $"536365;85123A;HEART;1;{date};1;17850;France\n");
        var rows = new List<DateTime>();
        var rejects = new List<string>();
        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), "t.csv", ';');
        mapping.Delimiter = ";";
        mapping.Duplicates = "keep";
        foreach (var row in new TransactionCsvParser(mapping).Parse(reader, "t.csv", 1, (_, column, reason, _) => rejects.Add($"{column}: {reason}")))
        {
            if (!row.IsRejected)
                rows.Add(row.InvoiceDateTime);
        }

        return (rows, rejects);
    }

    [Fact]
    public void En_GB_reads_day_first_after_the_iso_forms()
    {
        var (dates, rejects) = Parse(new TransactionMapping { Culture = "en-GB" },
            "01/08/2024 10:00", "01/08/2024 10:00:30", "01/08/2024 9:05", "03/04/2024", "2024-08-01 10:00", "13/01/2024 10:00");

        Assert.Empty(rejects);
        Assert.Equal([new DateTime(2024, 8, 1, 10, 0, 0), new DateTime(2024, 8, 1, 10, 0, 30), new DateTime(2024, 8, 1, 9, 5, 0),
            new DateTime(2024, 4, 3), new DateTime(2024, 8, 1, 10, 0, 0), new DateTime(2024, 1, 13, 10, 0, 0)], dates);
    }

    [Fact]
    public void En_US_reads_month_first_with_or_without_am_pm()
    {
        // ICU writes en-US times as h:mm tt with U+202F before AM/PM; files write a plain space: both are read.
        var (dates, rejects) = Parse(new TransactionMapping { Culture = "en-US" },
            "01/08/2024 10:00", "1/8/2024 10:00 PM", "1/8/2024 10:00\u202FAM", "1/8/2024 22:15:00", "12/1/2010 8:26", "13/01/2024 10:00");

        Assert.Equal([new DateTime(2024, 1, 8, 10, 0, 0), new DateTime(2024, 1, 8, 22, 0, 0), new DateTime(2024, 1, 8, 10, 0, 0),
            new DateTime(2024, 1, 8, 22, 15, 0), new DateTime(2010, 12, 1, 8, 26, 0)], dates);
        var reject = Assert.Single(rejects); // there is no month 13
        Assert.StartsWith("InvoiceDate: not a date/time in the format yyyy-MM-dd HH:mm:ss or yyyy-MM-dd HH:mm or yyyy-MM-dd'T'HH:mm:ss or yyyy-MM-dd or M/d/yyyy h:mm:ss tt or ", reject, StringComparison.Ordinal);
        Assert.EndsWith(": '13/01/2024 10:00'", reject, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202F', reject);
    }

    [Fact]
    public void De_DE_reads_its_dotted_dates() =>
        Assert.Equal([new DateTime(2024, 8, 1, 10, 0, 0)], Parse(new TransactionMapping { Culture = "de-DE" }, "01.08.2024 10:00").Dates);

    [Fact]
    public void The_invariant_culture_keeps_iso_dates_only()
    {
        // No culture named: a day-first file is rejected rather than read month-first.
        var (dates, rejects) = Parse(new TransactionMapping(), "01/08/2024 10:00", "2024-08-01 10:00");

        Assert.Equal([new DateTime(2024, 8, 1, 10, 0, 0)], dates);
        Assert.Equal(["InvoiceDate: not a date/time in the format yyyy-MM-dd HH:mm:ss or yyyy-MM-dd HH:mm or yyyy-MM-dd'T'HH:mm:ss or yyyy-MM-dd: '01/08/2024 10:00'"], rejects);
    }

    [Fact]
    public void Explicit_date_formats_of_the_mapping_replace_the_cultures_patterns()
    {
        var (dates, rejects) = Parse(new TransactionMapping { Culture = "en-GB", DateFormats = ["dd.MM.yyyy HH:mm"] }, "01.08.2024 10:00", "01/08/2024 10:00");

        Assert.Equal([new DateTime(2024, 8, 1, 10, 0, 0)], dates);
        Assert.Equal(["InvoiceDate: not a date/time in the format dd.MM.yyyy HH:mm: '01/08/2024 10:00'"], rejects);
    }

    [Fact]
    public void A_mapping_file_without_DateFormats_gets_the_culture_patterns_and_one_with_them_does_not()
    {
        var folder = Support.TestPaths.NewTempFolder();
        try
        {
            var without = Path.Combine(folder, "a.json");
            File.WriteAllText(without, """{ "Culture": "en-GB" }""");
            var with = Path.Combine(folder, "b.json");
            File.WriteAllText(with, """{ "Culture": "en-GB", "DateFormats": ["yyyy-MM-dd HH:mm"] }""");
            var bad = Path.Combine(folder, "c.json");
            File.WriteAllText(bad, """{ "DateFormats": ["%"] }""");

            Assert.Contains("dd/MM/yyyy HH:mm", TransactionMapping.Load(without).EffectiveDateFormats);
            Assert.Equal(["yyyy-MM-dd HH:mm"], TransactionMapping.Load(with).EffectiveDateFormats);
            // A format .NET cannot use threw FormatException at the first row; now the mapping is refused up front.
            Assert.Contains("DateFormats: '%' is not a valid .NET date format", Assert.Throws<InvalidDataException>(() => TransactionMapping.Load(bad)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
