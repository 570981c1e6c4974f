using System.Text;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// Prices and quantities with the mapping culture's thousands separator. Regression: <c>1.234,50</c> under de-DE was
/// rejected ("not a decimal number"). Reference values by hand: the group separator only groups digits.
/// </summary>
public sealed class CultureNumberTests
{
    private const string Header = "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country\n";

    private static (List<(decimal Price, int Quantity)> Rows, List<string> Rejects) Parse(string culture, params (string Quantity, string Price)[] values)
    {
        var text = new StringBuilder(Header);
        foreach (var (quantity, price) in values)
            text.Append($"536365;85123A;HEART;{quantity};2010-12-01 08:26:00;{price};17850;France\n");
        var rows = new List<(decimal, int)>();
        var rejects = new List<string>();
        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), "t.csv", ';');
        var mapping = new TransactionMapping { Culture = culture, Delimiter = ";", Duplicates = "keep" };
        foreach (var row in new TransactionCsvParser(mapping).Parse(reader, "t.csv", 1, (_, column, reason, _) => rejects.Add($"{column}: {reason}")))
        {
            if (!row.IsRejected)
                rows.Add((row.UnitPrice, row.Quantity));
        }

        return (rows, rejects);
    }

    [Theory]
    [InlineData("en-GB", "1,200", "1,234.50")]
    [InlineData("de-DE", "1.200", "1.234,50")]
    [InlineData("fr-FR", "1\u202F200", "1\u202F234,50")] // the culture's own separator, narrow no-break space
    [InlineData("fr-FR", "1\u00A0200", "1\u00A0234,50")] // no-break space, as many exports write it
    [InlineData("fr-FR", "1 200", "1 234,50")] // plain space
    public void A_price_and_quantity_with_the_cultures_group_separator_are_read(string culture, string quantity, string price)
    {
        var (rows, rejects) = Parse(culture, (quantity, price), ("-3", "0,5".Replace(",", culture == "en-GB" ? "." : ",", StringComparison.Ordinal)));

        Assert.Empty(rejects);
        Assert.Equal([(1234.50m, 1200), (0.5m, -3)], rows);
    }

    [Fact]
    public void Misplaced_thousands_separators_reject_the_row_instead_of_giving_another_number()
    {
        // The auditor's tx_cult.csv under en-GB (defect 4 of issue 6): before, 1,5 → 15, 2,50 → 250.0, 1,2,3.5 → 123.5,
        // 12,34,5 → 12345. en-GB groups digits in threes, so only 1,234 and 1,234.50 are grouped numbers.
        var (rows, rejects) = Parse("en-GB", ("1,5", "2.50"), ("3", "2,50"), ("1,234", "1,234.50"), ("2", "1,2,3.5"), ("12,34,5", "1.5"), ("3", "2.50"));

        Assert.Equal([(1234.50m, 1234), (2.50m, 3)], rows);
        Assert.Equal(
        [
            "Quantity: misplaced thousands separator in '1,5' (en-GB groups digits as in 1,234,567.5)",
            "UnitPrice: misplaced thousands separator in '2,50' (en-GB groups digits as in 1,234,567.5)",
            "UnitPrice: misplaced thousands separator in '1,2,3.5' (en-GB groups digits as in 1,234,567.5)",
            "Quantity: misplaced thousands separator in '12,34,5' (en-GB groups digits as in 1,234,567.5)",
        ], rejects);
    }

    [Fact]
    public void A_de_DE_price_with_a_point_is_read_by_de_DE_rules()
    {
        // de-DE writes 2500 as 2.500 and 2.5 as 2,5: "2.50" is neither (it was read as 250), "2.500" is two thousand five hundred.
        var (rows, rejects) = Parse("de-DE", ("1", "2.50"), ("1", "2.500"), ("2.5", "1"), ("1", "1.234,5"));

        Assert.Equal([(2500m, 1), (1234.5m, 1)], rows);
        Assert.Equal(
        [
            "UnitPrice: misplaced thousands separator in '2.50' (de-DE groups digits as in 1.234.567,5)",
            "Quantity: misplaced thousands separator in '2.5' (de-DE groups digits as in 1.234.567,5)",
        ], rejects);
    }

    [Fact]
    public void A_space_grouped_culture_checks_the_positions_of_spaces_too()
    {
        var (rows, rejects) = Parse("fr-FR", ("1 2", "1"), ("1", "12 34,5"), ("1 000", "1\u00A0000,5"));

        Assert.Equal([(1000.5m, 1000)], rows);
        Assert.Equal(["Quantity: misplaced thousands separator in '1 2' (fr-FR groups digits as in 1\u202F234\u202F567,5)",
            "UnitPrice: misplaced thousands separator in '12 34,5' (fr-FR groups digits as in 1\u202F234\u202F567,5)"], rejects);
    }

    [Fact]
    public void The_invariant_culture_still_reads_plain_numbers_only()
    {
        var (rows, rejects) = Parse("", ("6", "1234.50"), ("6", "1,234.50"));

        Assert.Equal([(1234.50m, 6)], rows);
        Assert.Equal(["UnitPrice: not a decimal number: '1,234.50'"], rejects);
    }
}
