using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cli;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// An invoice that appears in two transaction files (mapping option <c>InvoiceUpdates</c>). Before, a line was identified by
/// (InvoiceNo, InvoiceLineNumber) alone, the number being its position in its FILE: (a) a corrected re-export of invoice 100
/// with fewer lines (file 1: A, B, C; file 2: A, B corrected) left the stale third line C of file 1 beside the corrected two;
/// (b) an invoice split across two files (file 1: A, B; file 2: C) replaced line 1, so A was lost without a word. Now the
/// invoice is the unit: <c>replace</c> (default) makes the stored invoice the file's, and says so in the load summary;
/// <c>append</c> adds the file's lines after the stored ones and rejects repeats of stored lines.
/// Expected rows are written out by hand from those rules (the facts are listed as "invoice/line stock quantity").
/// </summary>
public sealed class InvoiceUpdatesTests : TempFolderTests
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
    private const string A = "100,A,Mug,1,2011-01-01 10:00:00,1.5,42,France\n";
    private const string B = "100,B,Cup,2,2011-01-01 10:00:00,2.5,42,France\n";
    private const string C = "100,C,Pen,3,2011-01-01 10:00:00,0.5,42,France\n";
    private const string BCorrected = "100,B,Cup,5,2011-01-01 10:00:00,2.5,42,France\n";
    private const string Other = "200,Z,Box,1,2011-01-01 11:00:00,9.0,43,France\n";
    private const string New = "300,Y,Bag,1,2011-01-02 11:00:00,4.0,43,France\n";

    private static readonly TransactionMapping Replace = new();

    private static TransactionMapping Append => new() { InvoiceUpdates = "append" };

    [Fact]
    public void Replace_a_corrected_reexport_with_fewer_lines_leaves_no_stale_line()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        TransactionLoader.Load(warehouse, Write("1.csv", Header + A + B + C + Other), Replace);
        var a = Keys(warehouse, "100", 1);

        var second = TransactionLoader.Load(warehouse, Write("2.csv", Header + A + BCorrected + New), Replace);

        // Invoice 100 is file 2's: A (same number and values, left as stored), B corrected; C of file 1 is gone (before: it
        // stayed as 100/3). Invoice 200 is not in file 2 and stays. Removed: B and C; inserted: B corrected and 300/1.
        Assert.Equal(["100/1 A1", "100/2 B5", "200/1 Z1", "300/1 Y1"], Facts(warehouse));
        Assert.Equal((1L, 2L, 2L), (second.InvoicesReplaced, second.StoredLinesRemoved, second.FactRowsInserted));
        Assert.Equal(a, Keys(warehouse, "100", 1));
        Assert.Equal((3L, 3L, 0L), (second.RowsRead, second.RowsLoaded, second.RowsRejected));
    }

    [Fact]
    public void Replace_makes_an_invoice_split_across_files_visible()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        TransactionLoader.Load(warehouse, Write("1.csv", Header + A + B), Replace);

        var second = TransactionLoader.Load(warehouse, Write("2.csv", Header + C), Replace);

        // The file's invoice 100 (one line, C) replaces the stored two lines: before, C replaced line 1 only and the stored
        // invoice became C, B with A silently lost. The summary names the replaced invoice and the two lines removed.
        Assert.Equal(["100/1 C3"], Facts(warehouse));
        Assert.Equal((1L, 2L), (second.InvoicesReplaced, second.StoredLinesRemoved));
        Assert.Equal(
            "  invoices of earlier loads replaced: 1 (2 stored lines removed; an invoice split across files needs the mapping's \"InvoiceUpdates\": \"append\").",
            WarehouseCli.InvoiceUpdates(second));
    }

    [Fact]
    public void Append_adds_a_split_invoices_lines_after_the_stored_ones()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        TransactionLoader.Load(warehouse, Write("1.csv", Header + A + B), Append);

        var second = TransactionLoader.Load(warehouse, Write("2.csv", Header + C), Append);

        // C is line 1 of invoice 100 in file 2; the invoice's highest stored number is 2, so it becomes 100/3.
        Assert.Equal(["100/1 A1", "100/2 B2", "100/3 C3"], Facts(warehouse));
        Assert.Equal((1L, 0L, 0L, 0L), (second.InvoicesExtended, second.StoredRepeatsRejected, second.InvoicesReplaced, second.StoredLinesRemoved));
        Assert.Equal("  invoices of earlier loads extended: 1; lines repeating a stored line rejected: 0.", WarehouseCli.InvoiceUpdates(second));
    }

    [Fact]
    public void Append_rejects_the_lines_a_second_file_repeats_and_appends_the_others()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = TransactionLoader.Load(warehouse, Write("1.csv", Header + A + B + C), Append);

        var second = TransactionLoader.Load(warehouse, Write("2.csv", Header + A + BCorrected), Append);

        // A equals stored 100/1 in every value: rejected naming that line and load. B corrected (quantity 5) equals no stored
        // line: appended after the highest stored number 3, as the first appended line: 100/4.
        Assert.Equal(["100/1 A1", "100/2 B2", "100/3 C3", "100/4 B5"], Facts(warehouse));
        Assert.Equal((2L, 1L, 1L), (second.RowsRead, second.RowsLoaded, second.RowsRejected));
        Assert.Equal([$"2:duplicate of invoice line 1 of load {first.LineageKey}"], Rejects(warehouse, second.LineageKey));
        Assert.Equal((1L, 1L, 1L), (second.InvoicesExtended, second.StoredRepeatsRejected, second.FactRowsInserted));
        AssertLineageBalances(warehouse, second.LineageKey);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_second_file_with_an_identical_invoice_changes_nothing(bool append)
    {
        var mapping = append ? Append : Replace;
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = TransactionLoader.Load(warehouse, Write("1.csv", Header + A + B + C), mapping);
        var before = StoredRows(warehouse);

        // Another extract (other bytes: one more invoice) that holds invoice 100 exactly as stored.
        var second = TransactionLoader.Load(warehouse, Write("2.csv", Header + A + B + C + New), mapping);

        // Invoice 100's rows are the same rows (keys, numbers, lineage); only 300/1 is new. Replace: every line has its
        // stored twin (same number and values), so nothing is removed or counted as replaced. Append: lines 2-4 repeat
        // stored lines 1-3 and are rejected.
        Assert.Equal(before, StoredRows(warehouse).Where(r => r.StartsWith("100/", StringComparison.Ordinal)));
        Assert.Equal(["100/1 A1", "100/2 B2", "100/3 C3", "300/1 Y1"], Facts(warehouse));
        Assert.Equal(1, second.FactRowsInserted);
        Assert.Equal((0L, 0L, 0L), (second.InvoicesReplaced, second.StoredLinesRemoved, second.InvoicesExtended));
        Assert.Equal(append ? "  invoices of earlier loads extended: 0; lines repeating a stored line rejected: 3." : null, WarehouseCli.InvoiceUpdates(second));
        Assert.Equal(append
            ? [$"2:duplicate of invoice line 1 of load {first.LineageKey}", $"3:duplicate of invoice line 2 of load {first.LineageKey}", $"4:duplicate of invoice line 3 of load {first.LineageKey}"]
            : [], Rejects(warehouse, second.LineageKey));
        AssertLineageBalances(warehouse, second.LineageKey);
    }

    [Fact]
    public void The_same_file_loaded_again_to_append_adds_nothing()
    {
        // A reload with other options reads the file again (not skipped: the mapping is part of the load's identity); every
        // line repeats a stored line of its invoice, so nothing is added twice.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("1.csv", Header + A + B + Other);
        TransactionLoader.Load(warehouse, path, Replace);
        var before = StoredRows(warehouse);

        var again = TransactionLoader.Load(warehouse, path, Append);

        Assert.False(again.Skipped);
        Assert.Equal((3L, 0L, 3L), (again.RowsRead, again.RowsLoaded, again.RowsRejected));
        Assert.Equal(before, StoredRows(warehouse));
        Assert.True(TransactionLoader.Load(warehouse, path, Append).Skipped);
    }

    [Fact]
    public void Append_with_duplicates_kept_matches_equal_lines_one_for_one()
    {
        // "Duplicates": "keep" loads equal lines of one file as purchases of their own; appending, the n-th equal line of
        // the file repeats the n-th equal stored line of its invoice, so a reload adds nothing and a third A is new.
        var mapping = new TransactionMapping { Duplicates = "keep", InvoiceUpdates = "append" };
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = TransactionLoader.Load(warehouse, Write("1.csv", Header + A + A + B), mapping);

        var second = TransactionLoader.Load(warehouse, Write("2.csv", Header + A + A + A + C), mapping);

        // Lines 2 and 3 of file 2 repeat stored 100/1 and 100/2; line 4 (third A) and line 5 (C) follow stored 100/3.
        Assert.Equal(["100/1 A1", "100/2 A1", "100/3 B2", "100/4 A1", "100/5 C3"], Facts(warehouse));
        Assert.Equal([$"2:duplicate of invoice line 1 of load {first.LineageKey}", $"3:duplicate of invoice line 2 of load {first.LineageKey}"],
            Rejects(warehouse, second.LineageKey));
    }

    [Fact]
    public void An_unknown_invoice_updates_value_names_the_mapping_file_and_option()
    {
        var path = Write("mapping.json", """{ "InvoiceUpdates": "merge" }""");

        var error = Assert.Throws<InvalidDataException>(() => TransactionMapping.Load(path));

        Assert.Equal($"{path}: InvoiceUpdates must be 'replace' or 'append', not 'merge'.", error.Message);
        Assert.True(TransactionMapping.Load(Write("append.json", """{ "InvoiceUpdates": "Append" }""")).AppendInvoiceLines);
        Assert.False(new TransactionMapping().AppendInvoiceLines);
        // The option is part of the reading (a file loaded to replace is read again to append); the default adds nothing.
        Assert.Null(SourceFile.Reading(new TransactionMapping { InvoiceUpdates = "replace" }));
        Assert.NotNull(SourceFile.Reading(Append));
    }

    private static List<string> Facts(DuckDbWarehouse warehouse) => warehouse.Connection.Query<string>("""
        SELECT f."InvoiceNo" || '/' || f."InvoiceLineNumber" || ' ' || p."StockCode" || f."Quantity"
        FROM "Fact"."Purchase" AS f JOIN "Dimension"."Product" AS p ON p."ProductKey" = f."ProductKey"
        ORDER BY f."InvoiceNo", f."InvoiceLineNumber"
        """).ToList();

    /// <summary>Every stored row with its keys and lineage, to see that a row was left alone rather than written again.</summary>
    private static List<string> StoredRows(DuckDbWarehouse warehouse) => warehouse.Connection.Query<string>("""
        SELECT f."InvoiceNo" || '/' || f."InvoiceLineNumber" || ' key ' || f."PurchaseKey" || ' load ' || f."LineageKey" || ' q ' || f."Quantity"
        FROM "Fact"."Purchase" AS f ORDER BY f."InvoiceNo", f."InvoiceLineNumber"
        """).ToList();

    private static (long PurchaseKey, int LineageKey) Keys(DuckDbWarehouse warehouse, string invoice, int line) =>
        warehouse.Connection.QuerySingle<(long, int)>(
            "SELECT \"PurchaseKey\", \"LineageKey\" FROM \"Fact\".\"Purchase\" WHERE \"InvoiceNo\" = $invoice AND \"InvoiceLineNumber\" = $line",
            new { invoice, line });

    private static List<string> Rejects(DuckDbWarehouse warehouse, int lineageKey) => warehouse.Connection.Query<string>("""
        SELECT "SourceLineNumber" || ':' || "Reason" FROM "Integration"."RejectedPurchase" WHERE "LineageKey" = $lineageKey ORDER BY "SourceLineNumber"
        """, new { lineageKey }).ToList();

    private static void AssertLineageBalances(DuckDbWarehouse warehouse, int lineageKey)
    {
        var (read, loaded, rejected, rows) = warehouse.Connection.QuerySingle<(long, long, long, long)>("""
            SELECT l."RowsRead", l."RowsLoaded", l."RowsRejected", (SELECT count(*) FROM "Integration"."RejectedPurchase" AS r WHERE r."LineageKey" = l."LineageKey")
            FROM "Integration"."Lineage" AS l WHERE l."LineageKey" = $lineageKey
            """, new { lineageKey });
        Assert.Equal(read, loaded + rejected);
        Assert.Equal(rejected, rows);
    }
}
