using System.Text;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Regression (audit of issue 6, defect 12a): a CSV header naming a field twice was read silently (CRM
/// <c>crm_customer_id,id,…</c> took one of the two columns; transactions with <c>Country</c> twice took the first).
/// FORMATS.md, "Malformed files": a header naming a column twice is a whole-file error, for every CSV source.
/// </summary>
public sealed class DuplicateHeaderTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Crm_header_with_a_field_and_its_alias_is_a_whole_file_error()
    {
        var e = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(Utf8("crm_customer_id,id,full_name\nA,B,Ann\n"), "crm.csv").ToList());

        Assert.Equal(("crm.csv", 1L, "id"), (e.SourceName, e.LineNumber, e.Column));
        Assert.Equal("columns 1 'crm_customer_id' and 2 'id' both name the field crm_customer_id (names and aliases: crm_customer_id, customer_id, id); keep one",
            e.Reason);
    }

    [Theory]
    [InlineData("crm_customer_id,updated_at,last_update\nA,2024-01-01,2024-02-01\n", "last_update")]   // two aliases of updated_at
    [InlineData("crm_customer_id,City,city\nA,Leeds,York\n", "city")]                                   // same name, other case
    [InlineData("crm_customer_id,full name,Full_Name\nA,Ann,Bob\n", "Full_Name")]                       // same name, other spelling
    public void Crm_header_naming_any_field_twice_is_a_whole_file_error(string text, string column)
    {
        var e = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(Utf8(text), "crm.csv").ToList());
        Assert.Equal((1L, column), (e.LineNumber, e.Column));
    }

    [Fact]
    public void Survey_header_with_a_field_and_its_alias_is_a_whole_file_error()
    {
        var e = Assert.Throws<SourceFormatException>(() =>
            SurveyResponseReader.ReadCsv(Utf8("crm_customer_id,survey_date,satisfaction,date\nC1,2024-01-01,4,2024-02-01\n"), "survey.csv").ToList());

        Assert.Equal(("survey.csv", 1L, "date"), (e.SourceName, e.LineNumber, e.Column));
        Assert.StartsWith("columns 2 'survey_date' and 4 'date' both name the field survey_date", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_with_distinct_fields_still_loads_and_an_unknown_column_twice_is_refused_too()
    {
        var items = CrmCustomerReader.ReadCsv(Utf8("crm_customer_id,full_name,city,notes,remarks\nA,Ann,Leeds,x,y\n"), "crm.csv").ToList();
        Assert.Equal("Ann", Assert.Single(items).Record!.FullName);

        // A repeated name is refused even where it names no field (CsvHeader: any column name twice).
        var e = Assert.Throws<SourceFormatException>(() => CrmCustomerReader.ReadCsv(Utf8("crm_customer_id,notes,notes\nA,x,y\n"), "crm.csv").ToList());
        Assert.Equal("notes", e.Column);
    }

    [Fact]
    public void Transactions_header_with_a_column_twice_is_a_whole_file_error_and_loads_nothing()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var before = WarehouseSnapshot.Counts(warehouse);
        var path = Path.Combine(_folder, "tx.csv");
        File.WriteAllText(path, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,country\n" +
            "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom,UK\n");

        var e = Assert.Throws<CsvFormatException>(() => TransactionLoader.Load(warehouse, path));

        Assert.Equal((1L, 9), (e.Line, e.Column));
        Assert.Contains("column name 'country' appears twice in the header (columns 8 and 9", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
    }
}
