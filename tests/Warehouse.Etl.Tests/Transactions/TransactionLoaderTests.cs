using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

public sealed class TransactionLoaderTests : TempFolderTests
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    // Lines 2–4 good (one invoice of two lines and a cancellation), then one bad row per rule.
    private const string Mixed = Header +
        "536365,85123A,WHITE HANGING HEART ,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n" +     // 2 ok
        "536365,71053,\"LANTERN, WHITE\",6,2010-12-01 08:26:00,3.39,17850,United Kingdom\n" +        // 3 ok (quoted comma)
        "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n" +                   // 4 ok (cancellation)
        "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom\n" +                   // 5 missing customer
        "536367,84879,BIRD,many,2010-12-01 08:34:00,1.69,13047,United Kingdom\n" +                  // 6 quantity
        "536367,22745,POPPY,6,01/12/2010 08:34,2.10,13047,United Kingdom\n" +                       // 7 date format
        "536367,22748,POPPY,6,2010-12-01 08:34:00,2,10,13047,United Kingdom\n" +                    // 8 nine fields
        "536368,22960,JAM,6,2010-12-01 08:34:00,abc,13047,United Kingdom\n" +                       // 9 price
        ",22961,JAM,6,2010-12-01 08:34:00,1.00,13047,United Kingdom\n";                             // 10 invoice

    [Fact]
    public void Bad_rows_are_rejected_with_column_and_reason_and_counts_balance()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var result = TransactionLoader.Load(warehouse, Write("mixed.csv", Mixed));

        Assert.Equal(9, result.RowsRead);
        Assert.Equal(3, result.RowsLoaded);
        Assert.Equal(6, result.RowsRejected);
        var rejects = warehouse.Connection.Query<(long Line, string? Column, string Reason, string Raw)>(
            "SELECT \"SourceLineNumber\", \"ColumnName\", \"Reason\", \"RawRecord\" FROM \"Integration\".\"RejectedPurchase\" ORDER BY 1").ToList();
        Assert.Equal([5L, 6, 7, 8, 9, 10], rejects.Select(r => r.Line));
        Assert.Equal(("CustomerID", "missing customer id"), (rejects[0].Column, rejects[0].Reason));
        Assert.Equal("Quantity", rejects[1].Column);
        Assert.Contains("not an integer: 'many'", rejects[1].Reason, StringComparison.Ordinal);
        Assert.Equal("InvoiceDate", rejects[2].Column);
        Assert.Null(rejects[3].Column);
        Assert.Equal("expected 8 fields, found 9", rejects[3].Reason);
        Assert.Equal("UnitPrice", rejects[4].Column);
        Assert.Equal("InvoiceNo", rejects[5].Column);
        Assert.Equal("536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom", rejects[0].Raw);

        var lineage = warehouse.Connection.QuerySingle<(long Read, long Loaded, long Rejected, bool Ok)>(
            "SELECT \"RowsRead\", \"RowsLoaded\", \"RowsRejected\", \"WasSuccessful\" FROM \"Integration\".\"Lineage\"");
        Assert.Equal((9L, 3L, 6L, true), lineage);

        var facts = warehouse.Connection.Query<(string Invoice, int Line, int Quantity, decimal Amount, bool Cancel, string Description)>("""
            SELECT f."InvoiceNo", f."InvoiceLineNumber", f."Quantity", f."Amount", f."IsCancellation", p."Description"
            FROM "Fact"."Purchase" AS f JOIN "Dimension"."Product" AS p ON p."ProductKey" = f."ProductKey" ORDER BY 1, 2
            """).ToList();
        Assert.Equal(3, facts.Count);
        Assert.Equal(("536365", 1, 6, 15.30m, false, "WHITE HANGING HEART "), facts[0]); // 6 × 2.55; trailing space kept
        Assert.Equal(("536365", 2, 6, 20.34m, false, "LANTERN, WHITE"), facts[1]);       // 6 × 3.39
        Assert.Equal(("C536379", 1, -1, -27.50m, true, "Discount"), facts[2]);          // cancellation kept negative
        // Purchase-only customers were created; the calendar covers the day after the last invoice.
        Assert.Equal(2, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Date\" WHERE \"DateKey\" = 20101202"));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"Purchase_Staging\""));
        // The load's own staging and work tables (temporary, no index) are gone with it.
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE temporary"));
        // Surrogate keys follow file order.
        Assert.Equal(["536365/1", "536365/2", "C536379/1"], warehouse.Connection.Query<string>(
            "SELECT \"InvoiceNo\" || '/' || \"InvoiceLineNumber\" FROM \"Fact\".\"Purchase\" ORDER BY \"PurchaseKey\""));
    }

    [Fact]
    public void Reloading_the_same_content_changes_nothing_and_a_changed_line_is_replaced()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("t.csv", Mixed);
        TransactionLoader.Load(warehouse, path);
        var before = WarehouseSnapshot.Counts(warehouse);
        var factPrint = WarehouseSnapshot.Fingerprint(warehouse, "Fact", "Purchase");

        var again = TransactionLoader.Load(warehouse, Write("copy.csv", Mixed));

        Assert.True(again.Skipped);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
        Assert.Equal(factPrint, WarehouseSnapshot.Fingerprint(warehouse, "Fact", "Purchase"));

        // The same invoices with one quantity changed: one line replaced, nothing duplicated.
        var changed = TransactionLoader.Load(warehouse, Write("t2.csv", Mixed.Replace("85123A,WHITE HANGING HEART ,6,", "85123A,WHITE HANGING HEART ,8,", StringComparison.Ordinal)));
        Assert.False(changed.Skipped);
        Assert.Equal(1, changed.FactRowsInserted);
        Assert.Equal(3, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(8, warehouse.Connection.ExecuteScalar<int>("SELECT \"Quantity\" FROM \"Fact\".\"Purchase\" WHERE \"InvoiceNo\" = '536365' AND \"InvoiceLineNumber\" = 1"));
    }

    [Theory]
    [InlineData("staged")]
    [InlineData("facts")]
    [InlineData("before-commit")]
    public void A_failure_half_way_leaves_the_warehouse_as_it_was_and_the_next_run_completes(string failAt)
    {
        var file = Path.Combine(Folder, "w.duckdb");
        using (var warehouse = DuckDbWarehouse.Open(file))
        {
            TransactionLoader.Load(warehouse, Write("first.csv", Header + "1,A,x,1,2011-01-01 10:00:00,1.5,42,France\n"));
            var before = WarehouseSnapshot.Counts(warehouse);
            var prints = before.Keys.ToDictionary(t => t, t => WarehouseSnapshot.Fingerprint(warehouse, t.Split('.')[0], t.Split('.')[1]));

            var path = Write("second.csv", Mixed);
            var e = Assert.Throws<IOException>(() => TransactionLoader.Load(warehouse, path, checkpoint: name =>
            {
                if (name == failAt)
                {
                    throw new IOException("injected failure at " + name);
                }
            }));
            Assert.Contains(failAt, e.Message, StringComparison.Ordinal);
            Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
            foreach (var (table, print) in prints)
            {
                Assert.Equal(print, WarehouseSnapshot.Fingerprint(warehouse, table.Split('.')[0], table.Split('.')[1]));
            }

            var retry = TransactionLoader.Load(warehouse, path);
            Assert.False(retry.Skipped);
            Assert.Equal(3, retry.RowsLoaded);
        }

        // Reopened from disk: the completed load is there exactly once.
        using var reopened = DuckDbWarehouse.Open(file);
        Assert.Equal(4, reopened.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(2, reopened.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"Lineage\" WHERE \"WasSuccessful\""));
    }

    [Theory]
    [InlineData("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Customer,Country\n1,A,x,1,2011-01-01 10:00:00,1.5,42,France\n", 1, "wrong header: no column 'CustomerID'")]
    [InlineData(Header + "1,A,x,1,2011-01-01 10:00:00,1.5,42,France\n2,B,\"unterminated,1,2011-01-01 10:00:00,1.5,42,France\n", 3, "unterminated quoted field")]
    public void A_malformed_file_is_an_error_naming_file_line_and_reason_and_loads_nothing(string text, long line, string reason)
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var before = WarehouseSnapshot.Counts(warehouse);

        var e = Assert.Throws<CsvFormatException>(() => TransactionLoader.Load(warehouse, Write("broken.csv", text)));

        Assert.Equal("broken.csv", e.SourceName);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
    }

    [Theory]
    // A misspelt column: the error points at it (column 7) and names what was expected.
    [InlineData("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Customer,Country", 7,
        "wrong header: no column 'CustomerID' (mapped to CustomerId); column 7 is 'Customer', which matches no expected column")]
    // A missing column: the error points just past the last column.
    [InlineData("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Country", 8,
        "wrong header: no column 'CustomerID' (mapped to CustomerId); all 7 header columns match other fields")]
    // Columns in another order are fine; a misspelling is found wherever it is.
    [InlineData("Country,Qty,InvoiceNo,StockCode,Description,InvoiceDate,UnitPrice,CustomerID", 2,
        "wrong header: no column 'Quantity' (mapped to Quantity); column 2 is 'Qty', which matches no expected column")]
    public void A_wrong_header_names_the_expected_column_and_the_position_found(string header, int column, string reason)
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");

        var e = Assert.Throws<CsvFormatException>(() => TransactionLoader.Load(warehouse, Write("header.csv", header + "\n1,A,x,1,2011-01-01 10:00:00,1.5,42,France\n")));

        Assert.Equal((1L, column), (e.Line, e.Column));
        Assert.StartsWith(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"header.csv: line 1, column {column}: wrong header", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("the header has: " + string.Join(", ", header.Split(',').Select((name, i) => $"{i + 1} '{name}'")), e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapping_file_maps_other_headers_formats_and_currency()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var mappingPath = Write("map.json", """
            { "InvoiceNo": "Invoice", "CustomerId": "Client", "DateFormats": ["dd/MM/yyyy HH:mm"], "Currency": "EUR", "Delimiter": ";" }
            """);
        var csv = Write("eu.csv", "Invoice;StockCode;Description;Quantity;InvoiceDate;UnitPrice;Client;Country\n9;A;x;3;31/01/2011 10:00;1.25;7;France\n");

        var result = TransactionLoader.Load(warehouse, csv, TransactionMapping.Load(mappingPath));

        Assert.Equal(1, result.RowsLoaded);
        var row = warehouse.Connection.QuerySingle<(DateTime Time, string Currency, decimal Amount)>(
            "SELECT \"InvoiceDateTime\", \"CurrencyCode\", \"Amount\" FROM \"Fact\".\"Purchase\"");
        Assert.Equal((new DateTime(2011, 1, 31, 10, 0, 0), "EUR", 3.75m), row);
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE \"Fact\".\"Purchase\";--")]
    [InlineData("$name @name ? %s {0} NULL \\N")]
    [InlineData("  spaces kept  ")]
    [InlineData("emoji 😀 and £ and line\nbreak")]
    public void Descriptions_with_hostile_text_are_stored_exactly(string description)
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var quoted = "\"" + description.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        TransactionLoader.Load(warehouse, Write("h.csv", Header + $"1,A,{quoted},1,2011-01-01 10:00:00,1.5,42,France\n"));
        Assert.Equal(description, warehouse.Connection.ExecuteScalar<string>("SELECT \"Description\" FROM \"Dimension\".\"Product\" WHERE \"StockCode\" = 'A'"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Random_truncated_or_mutated_bytes_give_a_clear_error_or_rejects_never_a_crash_or_partial_load(int seed)
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var before = WarehouseSnapshot.Counts(warehouse);
        var good = System.Text.Encoding.UTF8.GetBytes(Mixed);
        var random = new Random(seed);
        var bytes = (seed % 3) switch
        {
            0 => good[..random.Next(good.Length)],
            1 => Enumerable.Range(0, 400).Select(_ => (byte)random.Next(256)).ToArray(),
            _ => good.Select(b => random.NextDouble() < 0.03 ? (byte)random.Next(256) : b).ToArray(),
        };
        var path = Path.Combine(Folder, "fuzz.csv");
        File.WriteAllBytes(path, bytes);
        try
        {
            var result = TransactionLoader.Load(warehouse, path);
            Assert.Equal(result.RowsRead, result.RowsLoaded + result.RowsRejected);
            Assert.Equal(result.RowsLoaded, WarehouseSnapshot.Counts(warehouse)["Fact.Purchase"]);
        }
        catch (CsvFormatException e)
        {
            Assert.Equal("fuzz.csv", e.SourceName);
            Assert.True(e.Line >= 1);
            Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
        }
    }
}
