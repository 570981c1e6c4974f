using System.Globalization;
using System.Text;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// The transactions parser reuses a column's last value, a stock code's last description and the last invoice date's text
/// instead of hashing or parsing them again. Guards: a value that differs from the cached one (a prefix, one character,
/// case, another product's description, a date one second later, an invalid date after a valid one) is never replaced by
/// the cached value, and values stay right after a column's cache is emptied (more distinct values than it keeps).
/// Expected values are the file's own text, written out by hand below.
/// </summary>
public sealed class ParserValueCacheTests
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    private static (List<string[]> Rows, List<string> Rejects) Parse(string lines)
    {
        var rows = new List<string[]>();
        var rejects = new List<string>();
        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(Header + lines)), "t.csv");
        var mapping = new TransactionMapping { Duplicates = "keep" };
        foreach (var row in new TransactionCsvParser(mapping).Parse(reader, "t.csv", 1, (line, column, reason, _) => rejects.Add($"{line} {column}: {reason}")))
        {
            if (!row.IsRejected)
            {
                rows.Add([row.InvoiceNo, row.StockCode, row.Description ?? "(null)", row.InvoiceDateTime.ToString("s", CultureInfo.InvariantCulture),
                    row.CrmCustomerId, row.Country ?? "(null)"]);
            }
        }

        return (rows, rejects);
    }

    [Fact]
    public void Values_that_differ_from_the_cached_ones_are_read_as_written()
    {
        var (rows, rejects) = Parse(
            "A1,85123A,WHITE HEART,1,2010-12-01 08:26:00,1,17850,United Kingdom\n" +
            "A1,85123A,WHITE HEARTS,1,2010-12-01 08:26:00,1,17850,United Kingdom\n" +
            "A12,85123A,WHITE HEART,1,2010-12-01 08:26:01,1,1785,United Kingdo\n" +
            "A1,71053,WHITE HEART,1,2010-12-01 08:26:00,1,17850,United Kingdom\n" +
            "A1,85123A,white heart,1,2010-12-01 08:26:00,1,17850,united kingdom\n" +
            "A1,85123A,,1,2010-12-01 08:26:00,1,17850,\n" +
            "A1,85123A,\"WHITE \"\"HEART\"\"\",1,2010-12-01 08:26:00,1,17850,United Kingdom\n" +
            "A1,85123A,WHITE HEART,1,2010-12-01 08:26:0x,1,17850,United Kingdom\n" +
            "A1,85123A,WHITE HEART ,1,2010-12-02 08:26,1,17850,United Kingdom\n");

        string[][] expected =
        [
            ["A1", "85123A", "WHITE HEART", "2010-12-01T08:26:00", "17850", "United Kingdom"],
            ["A1", "85123A", "WHITE HEARTS", "2010-12-01T08:26:00", "17850", "United Kingdom"],
            ["A12", "85123A", "WHITE HEART", "2010-12-01T08:26:01", "1785", "United Kingdo"],
            ["A1", "71053", "WHITE HEART", "2010-12-01T08:26:00", "17850", "United Kingdom"],
            ["A1", "85123A", "white heart", "2010-12-01T08:26:00", "17850", "united kingdom"],
            ["A1", "85123A", "(null)", "2010-12-01T08:26:00", "17850", "(null)"],
            ["A1", "85123A", "WHITE \"HEART\"", "2010-12-01T08:26:00", "17850", "United Kingdom"],
            ["A1", "85123A", "WHITE HEART ", "2010-12-02T08:26:00", "17850", "United Kingdom"], // Description keeps its trailing space
        ];
        Assert.Equal(expected, rows);
        var reject = Assert.Single(rejects);
        Assert.StartsWith("9 InvoiceDate: not a date/time", reject, StringComparison.Ordinal); // line 9: the 8th data line
    }

    [Fact]
    public void Values_stay_right_after_a_column_cache_is_emptied()
    {
        // 70,000 distinct invoices, customers and stock codes: more than a column keeps (65,536), so each cache is emptied once.
        var text = new StringBuilder();
        for (var i = 0; i < 70_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},S{i},D{i % 3},1,2011-01-01 10:00,1,C{i},X{i % 2}\n");
        }

        var (rows, rejects) = Parse(text.ToString());

        Assert.Empty(rejects);
        Assert.Equal(70_000, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), rows[i][0]);
            Assert.Equal($"S{i}", rows[i][1]);
            Assert.Equal($"D{i % 3}", rows[i][2]);
            Assert.Equal($"C{i}", rows[i][4]);
            Assert.Equal($"X{i % 2}", rows[i][5]);
        }
    }
}
