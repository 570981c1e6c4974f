using System.Text;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// Currency codes are checked against ISO 4217's active codes (list one, SIX), not only for their shape. Regression:
/// <c>XXY</c> was stored.
/// </summary>
[Collection(Cli.ConsoleCollection.Name)]
public sealed class CurrencyCodeTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("EUR", true)]
    [InlineData("GBP", true)]
    [InlineData("CHF", true)]
    [InlineData("JPY", true)]
    [InlineData("XAU", true)] // gold: in list one
    [InlineData("XXY", false)]
    [InlineData("XTS", false)] // reserved for testing
    [InlineData("XXX", false)] // no currency
    [InlineData("HRK", false)] // Croatian kuna, withdrawn 2023
    [InlineData("eur", false)]
    [InlineData("EURO", false)]
    public void Codes_are_checked_against_the_active_list(string code, bool active) => Assert.Equal(active, CurrencyCodes.IsActive(code));

    [Fact]
    public void An_unknown_code_in_the_currency_column_rejects_the_row_with_the_reason()
    {
        var text = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,Currency\n" +
            "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,France,EUR\n" +
            "536366,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,France,XXY\n" +
            "536367,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,France,eur\n";
        var rejects = new List<(long, string?, string)>();
        var accepted = new List<string>();
        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), "t.csv");
        foreach (var row in new TransactionCsvParser(new TransactionMapping { CurrencyColumn = "Currency" }).Parse(reader, "t.csv", 1, (line, column, reason, _) => rejects.Add((line, column, reason))))
        {
            if (!row.IsRejected)
                accepted.Add(row.CurrencyCode);
        }

        Assert.Equal(["EUR"], accepted);
        Assert.Equal([(3L, "Currency", "not an active ISO 4217 currency code: 'XXY'"), (4L, "Currency", "not an ISO 4217 currency code: 'eur'")], rejects);
    }

    [Fact]
    public void An_unknown_file_currency_stops_the_load_with_a_clear_error()
    {
        var file = Path.Combine(_folder, "t.csv");
        File.WriteAllText(file, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,France\n");
        var mapping = Path.Combine(_folder, "m.json");
        File.WriteAllText(mapping, "{ \"Currency\": \"XXY\" }");

        Assert.Equal("m.json: Currency 'XXY' is not an active ISO 4217 currency code.",
            Path.GetFileName(Assert.Throws<InvalidDataException>(() => TransactionMapping.Load(mapping)).Message));
        var (exit, output, error) = CliRunner.Run("load", "transactions", "--file", file, "--currency", "XXY", "--warehouse", Path.Combine(_folder, "w.duckdb"));
        Assert.Equal(2, exit);
        Assert.Contains("Currency 'XXY' is not an active ISO 4217 currency code", error + output, StringComparison.Ordinal);
    }
}
