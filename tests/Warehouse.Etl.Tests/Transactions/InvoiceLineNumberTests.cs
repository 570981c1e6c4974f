using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// InvoiceLineNumber is computed by the engine at migration (row_number over the invoice's accepted and rejected lines in
/// file order) and duplicate lines are rejected there. The expected numbers are computed here the way the parser numbered
/// lines before (one counter per invoice number over every record whose invoice number could be read: right field count,
/// invoice number present and at most 20 characters), on the file's records split by this test, not by the loader.
/// </summary>
public sealed class InvoiceLineNumberTests : TempFolderTests
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    // Invoices 10 and 11 interleaved, with rejected lines inside them; no field is quoted (the test splits on commas).
    private const string Interleaved = Header +
        "10,A,a,1,2011-01-01 10:00:00,1.5,42,France\n" +          // 2  10/1
        "11,B,b,2,2011-01-01 10:01:00,2.5,43,France\n" +          // 3  11/1
        "10,C,c,x,2011-01-01 10:00:00,1.5,42,France\n" +          // 4  10/2 rejected (quantity)
        "10,D,d,1,2011-01-01 10:00:00,1.5,,France\n" +            // 5  10/3 rejected (customer)
        "10,E,e,1,2011-01-01 10:00:00,1.5,42,France,extra\n" +    // 6  no invoice (9 fields)
        "10,F,f,3,2011-01-01 10:00:00,1.5,42,France\n" +          // 7  10/4
        ",G,g,3,2011-01-01 10:00:00,1.5,42,France\n" +            // 8  no invoice (missing)
        "123456789012345678901,H,h,3,2011-01-01 10:00:00,1.5,42,France\n" + // 9 no invoice (21 characters)
        "11,I,i,4,2011-01-01 10:01:00,2.5,43,France\n" +          // 10 11/2
        " 10 ,J,j,5,2011-01-01 10:00:00,1.5,42,France\n" +        // 11 10/5 (trimmed)
        "C10,K,k,-1,2011-01-02 10:00:00,1.5,42,France\n" +        // 12 C10/1
        "10,L,l,6,bad date,1.5,42,France\n";                     // 13 10/6 rejected (date)

    [Fact]
    public void Lines_keep_the_numbers_the_parser_gave_them_rejected_lines_inside_invoices_included()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var result = TransactionLoader.Load(warehouse, Write("interleaved.csv", Interleaved));

        Assert.Equal((12L, 6L, 6L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var expected = OldNumbers(Interleaved);
        string[] numbers = ["10/1", "11/1", "10/4", "11/2", "10/5", "C10/1"];
        Assert.Equal(numbers, Loaded(warehouse).Select(line => expected[line]));
        Assert.Equal(numbers, Facts(warehouse));
    }

    [Fact]
    public void A_fixed_neighbour_reloaded_keeps_the_numbers_of_the_other_lines()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        TransactionLoader.Load(warehouse, Write("first.csv", Interleaved));
        var fixedFile = Interleaved.Replace("10,C,c,x,", "10,C,c,7,", StringComparison.Ordinal);

        var second = TransactionLoader.Load(warehouse, Write("fixed.csv", fixedFile));

        // Only the fixed line is new (10/2); the others match their earlier facts and are left alone.
        Assert.Equal(1, second.FactRowsInserted);
        Assert.Equal(new[] { "10/1", "10/2", "10/4", "10/5", "11/1", "11/2", "C10/1" }, warehouse.Connection.Query<string>(
            "SELECT \"InvoiceNo\" || '/' || \"InvoiceLineNumber\" FROM \"Fact\".\"Purchase\" ORDER BY 1"));
    }

    [Fact]
    public void An_exact_repeat_of_a_line_is_rejected_as_a_duplicate_and_keeps_its_slot()
    {
        var text = Header +
            "20,A,Mug ,1,2011-01-01 10:00:00,1.5,42,France\n" +          // 2  20/1
            "20,B,Cup,2,2011-01-01 10:00:00,2.5,42,France\n" +           // 3  20/2
            "20,A,Mug ,1,2011-01-01 10:00:00,1.5,42,France\n" +          // 4  20/3 duplicate of line 2
            " 20 , A ,Mug ,1, 2011-01-01 10:00:00 ,1.50,42.0, France \n" + // 5 20/4 the same after trimming and parsing: duplicate of line 2
            "20,A,Mug,1,2011-01-01 10:00:00,1.5,42,France\n" +           // 6  20/5 description without its trailing space: loaded
            "20,B,Cup,2,2011-01-01 10:00:00,2.5,,France\n" +             // 7  20/6 rejected (customer), not a duplicate
            "20,B,Cup,2,2011-01-01 10:00:00,2.5,,France\n" +             // 8  20/7 rejected (customer) again
            "20,C,,3,2011-01-01 10:00:00,1.0,42,\n" +                    // 9  20/8
            "20,C,,3,2011-01-01 10:00:00,1.0,42,\n" +                    // 10 20/9 missing description and country equal: duplicate of line 9
            "21,A,Mug ,1,2011-01-01 10:00:00,1.5,42,France\n" +          // 11 21/1 another invoice: loaded
            "20,D,Pen,1,2011-01-01 10:00:00,0.5,42,France\n";            // 12 20/10
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var result = TransactionLoader.Load(warehouse, Write("dups.csv", text));

        Assert.Equal((11L, 6L, 5L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var rejects = warehouse.Connection.Query<(long Line, string? Column, string Reason, string? Raw)>(
            "SELECT \"SourceLineNumber\", \"ColumnName\", \"Reason\", \"RawRecord\" FROM \"Integration\".\"RejectedPurchase\" ORDER BY 1").ToList();
        var expected = new List<(long, string?, string)>
        {
            (4L, null, "duplicate of line 2"), (5L, null, "duplicate of line 2"),
            (7L, "CustomerID", "missing customer id"), (8L, "CustomerID", "missing customer id"),
            (10L, null, "duplicate of line 9"),
        };
        Assert.Equal(expected, rejects.Select(r => (r.Line, r.Column, r.Reason)));
        Assert.Equal("20,B,Cup,2,2011-01-01 10:00:00,2.5,,France", rejects[2].Raw);
        // A duplicate's RawRecord: its staged values as JSON (line 5 as parsed: trimmed, 42.0 → 42, description as given).
        using (var json = System.Text.Json.JsonDocument.Parse(rejects[1].Raw!))
        {
            var r = json.RootElement;
            Assert.Equal(("20", "A", "Mug ", 1, "42", "France", "GBP"), (r.GetProperty("InvoiceNo").GetString(), r.GetProperty("StockCode").GetString(),
                r.GetProperty("Description").GetString(), r.GetProperty("Quantity").GetInt32(), r.GetProperty("CrmCustomerId").GetString(),
                r.GetProperty("Country").GetString(), r.GetProperty("CurrencyCode").GetString()));
            Assert.Equal(1.5m, r.GetProperty("UnitPrice").GetDecimal());
        }

        using (var json = System.Text.Json.JsonDocument.Parse(rejects[4].Raw!))
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("Description").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("Country").ValueKind);
        }
        Assert.Equal(new[] { "20/1", "20/2", "20/5", "20/8", "21/1", "20/10" }, Facts(warehouse));
        Assert.Equal((11L, 6L, 5L), warehouse.Connection.QuerySingle<(long, long, long)>(
            "SELECT \"RowsRead\", \"RowsLoaded\", \"RowsRejected\" FROM \"Integration\".\"Lineage\" WHERE \"WasSuccessful\""));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE temporary"));

        // "Duplicates": "keep" loads them as lines of their own, with the same numbers.
        using var keeping = DuckDbWarehouse.Open(":memory:");
        var kept = TransactionLoader.Load(keeping, Write("dups-kept.csv", text), new TransactionMapping { Duplicates = "keep" });
        Assert.Equal((11L, 9L, 2L), (kept.RowsRead, kept.RowsLoaded, kept.RowsRejected));
        Assert.Equal(new[] { "20/1", "20/2", "20/3", "20/4", "20/5", "20/8", "20/9", "21/1", "20/10" }, Facts(keeping));
    }

    [Fact]
    public void The_duplicates_option_accepts_reject_or_keep_only()
    {
        var path = Write("m.json", """{ "Duplicates": "drop" }""");
        var error = Assert.Throws<InvalidDataException>(() => TransactionMapping.Load(path));
        Assert.Contains("Duplicates must be 'reject' or 'keep', not 'drop'", error.Message, StringComparison.Ordinal);
        Assert.False(TransactionMapping.Load(Write("k.json", """{ "Duplicates": "keep" }""")).RejectDuplicates);
        Assert.True(new TransactionMapping().RejectDuplicates);
    }

    [OnlineRetailFact]
    public void Online_retail_lines_keep_the_parsers_old_numbers()
    {
        var path = Path.Combine(TestPaths.OnlineRetailFolder, "online_retail.csv");
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        TransactionLoader.Load(warehouse, path, new TransactionMapping { Duplicates = "keep" });

        // Every Online Retail record has 8 fields and an invoice number (../shared/data/online-retail/README.md); some
        // descriptions are quoted, so the records are split by the CSV reader, the numbers counted here.
        var expected = new Dictionary<long, string>();
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var reader = new CsvRecordReader(File.OpenRead(path), "online_retail.csv"))
        {
            reader.Read();
            while (reader.Read())
            {
                var invoice = reader.GetString(0).Trim();
                counters[invoice] = counters.GetValueOrDefault(invoice) + 1;
                expected[reader.LineNumber] = $"{invoice}/{counters[invoice]}";
            }
        }

        Assert.Equal(541_909, expected.Count);
        var loaded = Loaded(warehouse);
        Assert.Equal(406_829, loaded.Count); // 541,909 rows − 135,080 without CustomerID (README of the data set)
        Assert.Equal(loaded.Select(line => expected[line]), Facts(warehouse));
    }

    /// <summary>The old numbering: a counter per invoice over the records whose invoice number could be read.</summary>
    private static Dictionary<long, string> OldNumbers(string text)
    {
        var numbers = new Dictionary<long, string>();
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].Split(',');
            var invoice = fields[0].Trim();
            if (fields.Length == 8 && invoice.Length is > 0 and <= 20)
            {
                counters[invoice] = counters.GetValueOrDefault(invoice) + 1;
                numbers[i + 1] = $"{invoice}/{counters[invoice]}";
            }
        }

        return numbers;
    }

    /// <summary>Source lines of the loaded facts in key order: the lines not in the reject table (keys follow file order).</summary>
    private static List<long> Loaded(DuckDbWarehouse warehouse)
    {
        var rejected = warehouse.Connection.Query<long>("SELECT \"SourceLineNumber\" FROM \"Integration\".\"RejectedPurchase\"").ToHashSet();
        var read = warehouse.Connection.ExecuteScalar<long>("SELECT max(\"RowsRead\") FROM \"Integration\".\"Lineage\"");
        var lines = new List<long>();
        for (long line = 2; line < read + 2; line++)
        {
            if (!rejected.Contains(line))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static List<string> Facts(DuckDbWarehouse warehouse) => warehouse.Connection.Query<string>(
        "SELECT \"InvoiceNo\" || '/' || \"InvoiceLineNumber\" FROM \"Fact\".\"Purchase\" ORDER BY \"PurchaseKey\"").ToList();

}
