using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Integration.MigrateStagedPurchaseData treats the invoice as the unit as the host's PurchaseMigration does (mapping
/// <c>InvoiceUpdates</c>, procedure argument @AppendInvoiceLines). Its statements that decide what happens to the lines of
/// stored invoices (<c>#Line</c>, <c>#Staged</c>, <c>#Stored</c>, <c>#Resent</c>, <c>#Same</c>, <c>#Appended</c>, written in
/// the SQL both engines accept) run on DuckDB inside a DuckDB load of the second file, at its <c>dimensions</c> checkpoint
/// (products, countries, customers and days in place, the facts not yet touched), on the rows SqlBulkCopy would stage.
/// The facts the procedure's DELETE and INSERT would leave (stored rows minus those it deletes, plus the staged lines it
/// inserts with their numbers) and the repeats it rejects must be what the DuckDB migration writes. The procedure's fact
/// INSERT … SELECT runs there too, counted: its @@ROWCOUNT goes to @FactRowsInserted, which the host prints on SQL Server as
/// DuckDB's fact rows inserted (review of 9961751: SQL Server printed the lines loaded, 401,604 for a full-overlap reload
/// that inserts none).
/// </summary>
public sealed class InvoiceUpdateProcedureParityTests : TempFolderTests
{
    private static readonly string Procedure = File.ReadAllText(
        RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedPurchaseData.sql"));

    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    // 100: a corrected re-export with fewer lines (a); 101: split across the files (b); 102: repeated whole, plus a
    // within-file duplicate and a rejected line in file 2; 103 only in file 1; 300 only in file 2 (a new customer too).
    private const string First = Header +
        "100,A,Mug,1,2011-01-01 10:00:00,1.5,42,France\n" +
        "100,B,Cup,2,2011-01-01 10:00:00,2.5,42,France\n" +
        "100,C,Pen,3,2011-01-01 10:00:00,0.5,42,France\n" +
        "101,A,Mug,1,2011-01-02 10:00:00,1.5,43,Spain\n" +
        "101,B,Cup,2,2011-01-02 10:00:00,2.5,43,Spain\n" +
        "102,A,Mug,4,2011-01-03 10:00:00,1.5,42,France\n" +
        "102,D,Jar,1,2011-01-03 10:00:00,3.0,42,France\n" +
        "103,A,Mug,9,2011-01-04 10:00:00,1.5,44,\n";

    private const string Second = Header +
        "102,A,Mug,4,2011-01-03 10:00:00,1.5,42,France\n" +
        "100,A,Mug,1,2011-01-01 10:00:00,1.5,42,France\n" +
        "100,B,Cup,5,2011-01-01 10:00:00,2.5,42,France\n" +
        "101,C,Pen,3,2011-01-02 10:00:00,0.5,43,Spain\n" +
        "102,D,Jar,1,2011-01-03 10:00:00,3.0,42,France\n" +
        "102,D,Jar,1,2011-01-03 10:00:00,3.0,42,France\n" +
        "102,E,Tin,x,2011-01-03 10:00:00,3.0,42,France\n" +
        "300,Y,Bag,1,2011-01-05 11:00:00,4.0,45,Italy\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_procedure_leaves_the_facts_and_rejects_the_duckdb_migration_writes(bool append)
    {
        var mapping = new TransactionMapping { InvoiceUpdates = append ? "append" : "replace" };
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = TransactionLoader.Load(warehouse, Write("1.csv", First), mapping).LineageKey;
        var path = Write("2.csv", Second);
        ProcedureOutcome? procedure = null;

        var host = TransactionLoader.Load(warehouse, path, mapping, checkpoint: point =>
        {
            if (point == "dimensions")
            {
                procedure = RunProcedure(warehouse, path, mapping);
            }
        });

        var expected = procedure ?? throw new InvalidOperationException("the load never reached its dimensions checkpoint");
        var repeats = warehouse.Connection.Query<string>("""
            SELECT "SourceLineNumber" || ':' || "Reason" FROM "Integration"."RejectedPurchase"
            WHERE "LineageKey" = $LineageKey AND "Reason" LIKE 'duplicate of invoice line %' ORDER BY "SourceLineNumber"
            """, new { host.LineageKey }).ToList();
        Assert.Equal(expected.Facts, Facts(warehouse));
        Assert.Equal(expected.Repeats, repeats);
        Assert.Equal((expected.Removed, expected.Extended), (host.StoredLinesRemoved, host.InvoicesExtended));
        Assert.Equal("@FactRowsInserted", expected.RowCountVariable);
        Assert.Equal(expected.Inserted, host.FactRowsInserted);

        // What the rules give, by hand (file 2's lines: 2 = 102 A, 3 = 100 A, 4 = 100 B5, 5 = 101 C, 6 = 102 D,
        // 7 = 102 D again (within-file duplicate of line 6), 8 = 102 E rejected (quantity), 9 = 300 Y).
        Assert.Equal(append
            ? ["100/1 A1", "100/2 B2", "100/3 C3", "100/4 B5", "101/1 A1", "101/2 B2", "101/3 C3", "102/1 A4", "102/2 D1", "103/1 A9", "300/1 Y1"]
            : ["100/1 A1", "100/2 B5", "101/1 C3", "102/1 A4", "102/2 D1", "103/1 A9", "300/1 Y1"],
            Facts(warehouse));
        Assert.Equal(append ? [$"2:duplicate of invoice line 1 of load {first}", $"3:duplicate of invoice line 1 of load {first}", $"6:duplicate of invoice line 2 of load {first}"] : [], repeats);
        Assert.Equal(append ? (0L, 0L, 2L) : (2L, 4L, 0L), (host.InvoicesReplaced, host.StoredLinesRemoved, host.InvoicesExtended));
        // Inserted: the 6 staged lines (2, 3, 4, 5, 6, 9) less the 3 with a stored twin (2 = 102/1 A4, 3 = 100/1 A1, 6 = 102/2 D1,
        // by number in replace, by occurrence in append): 100 B5, 101 C3 and 300 Y1, in both modes.
        Assert.Equal(3L, host.FactRowsInserted);
    }

    [Fact]
    public void A_full_overlap_reload_inserts_no_fact_row_on_either_engine()
    {
        // File 1 again with invoice 103 moved to the front (another content, so not skipped; every invoice's lines in the
        // same order, so the same line numbers): each of the 8 lines has its stored twin and is left alone (replace).
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var mapping = new TransactionMapping();
        TransactionLoader.Load(warehouse, Write("1.csv", First), mapping);
        var lines = First.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var path = Write("2.csv", string.Join('\n', [lines[0], lines[8], .. lines[1..8]]) + "\n");
        ProcedureOutcome? procedure = null;

        var host = TransactionLoader.Load(warehouse, path, mapping, checkpoint: point =>
        {
            if (point == "dimensions")
            {
                procedure = RunProcedure(warehouse, path, mapping);
            }
        });

        // Loaded 8, inserted 0 (DuckDB's summary); the procedure's INSERT selects no row either, and its @@ROWCOUNT is what
        // SQL Server's summary prints (before: @RowsLoaded, 8).
        var expected = procedure ?? throw new InvalidOperationException("the load never reached its dimensions checkpoint");
        Assert.Equal((8L, 0L, 0L, 0L), (host.RowsLoaded, host.FactRowsInserted, host.InvoicesReplaced, host.StoredLinesRemoved));
        Assert.Equal(("@FactRowsInserted", 0L), (expected.RowCountVariable, expected.Inserted));
        // The host reads the procedure's OUTPUT parameters by name, in PurchaseMigration.OutputArguments' order.
        var outputs = PurchaseMigration.OutputArguments.Select((name, i) => (name, value: 10L + i)).ToDictionary(o => o.name, o => o.value);
        Assert.Equal(10L + 4, outputs[PurchaseMigration.FactRowsInsertedArgument]);
        Assert.Equal(new long[] { 10, 11, 12, 13, 14 }, TransactionLoader.ProcedureCounts(outputs));
    }

    /// <summary>What the procedure's statements would do.</summary>
    /// <param name="Facts">The facts its DELETE and INSERT would leave.</param>
    /// <param name="Repeats">Its repeats' reject reasons.</param>
    /// <param name="Removed">The stored lines its DELETE removes.</param>
    /// <param name="Extended">The invoices it appends to.</param>
    /// <param name="Inserted">The rows its fact INSERT … SELECT selects (its @@ROWCOUNT).</param>
    /// <param name="RowCountVariable">The OUTPUT parameter set to @@ROWCOUNT right after that INSERT.</param>
    private sealed record ProcedureOutcome(List<string> Facts, List<string> Repeats, long Removed, long Extended, long Inserted, string? RowCountVariable);

    /// <summary>
    /// Stages the file as SqlBulkCopy would (accepted lines and rejected lines' placeholders) and runs the procedure's
    /// statements (see <see cref="ProcedureOutcome"/>). Leaves the load's transaction as it found it (temporary tables dropped,
    /// staged rows deleted).
    /// </summary>
    private static ProcedureOutcome RunProcedure(DuckDbWarehouse warehouse, string path, TransactionMapping mapping)
    {
        var lineageKey = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
        var name = Path.GetFileName(path);
        using (var reader = new CsvRecordReader(File.OpenRead(path), name))
        {
            foreach (var row in new TransactionCsvParser(mapping).Parse(reader, name, lineageKey, (_, _, _, _) => { }))
            {
                warehouse.Connection.Execute("""
                    INSERT INTO "Integration"."Purchase_Staging" ("SourceName", "SourceLineNumber", "InvoiceNo", "StockCode", "Description", "Quantity",
                        "InvoiceDateTime", "UnitPrice", "CrmCustomerId", "Country", "CurrencyCode", "IsCancellation", "LineageKey", "IsRejected")
                    VALUES ($SourceName, $SourceLineNumber, $InvoiceNo, $StockCode, $Description, $Quantity, $InvoiceDateTime, $UnitPrice, $CrmCustomerId,
                        $Country, $CurrencyCode, $IsCancellation, $LineageKey, $IsRejected)
                    """, row);
            }
        }

        string[] tables = ["#Line", "#Staged", "#Stored", "#Resent", "#Same", "#Appended"];
        foreach (var sql in ProcedureOnDuckDb.SelectIntoStatements(Procedure, tables))
        {
            warehouse.Connection.Execute(sql, new { LineageKey = lineageKey, RejectDuplicates = mapping.RejectDuplicates, AppendInvoiceLines = mapping.AppendInvoiceLines });
        }

        // The procedure's DELETE (replace only: stored lines of the staged invoices without a twin in #Same) and INSERT
        // (staged lines without a twin, numbered COALESCE(#Appended, #Staged)).
        var facts = warehouse.Connection.Query<string>("""
            SELECT x."Line" FROM (
                SELECT f."InvoiceNo", f."InvoiceLineNumber", f."InvoiceNo" || '/' || f."InvoiceLineNumber" || ' ' || p."StockCode" || f."Quantity" AS "Line"
                FROM "Fact"."Purchase" AS f JOIN "Dimension"."Product" AS p ON p."ProductKey" = f."ProductKey"
                WHERE $AppendInvoiceLines OR f."PurchaseKey" NOT IN (SELECT "PurchaseKey" FROM "#Stored")
                   OR f."PurchaseKey" IN (SELECT "PurchaseKey" FROM "#Same")
                UNION ALL
                SELECT s."InvoiceNo", COALESCE(a."InvoiceLineNumber", s."InvoiceLineNumber"),
                       s."InvoiceNo" || '/' || COALESCE(a."InvoiceLineNumber", s."InvoiceLineNumber") || ' ' || s."StockCode" || s."Quantity"
                FROM "#Staged" AS s LEFT JOIN "#Appended" AS a ON a."SourceLineNumber" = s."SourceLineNumber"
                WHERE s."SourceLineNumber" NOT IN (SELECT "SourceLineNumber" FROM "#Same")) AS x
            ORDER BY x."InvoiceNo", x."InvoiceLineNumber"
            """, new { mapping.AppendInvoiceLines }).ToList();
        var repeats = mapping.AppendInvoiceLines
            ? warehouse.Connection.Query<string>("""
                SELECT "SourceLineNumber" || ':duplicate of invoice line ' || "StoredLineNumber" || ' of load ' || "StoredLineageKey" FROM "#Same" ORDER BY "SourceLineNumber"
                """).ToList()
            : [];
        var removed = mapping.AppendInvoiceLines ? 0 : warehouse.Connection.ExecuteScalar<long>(
            "SELECT count(*) FROM \"#Stored\" WHERE \"PurchaseKey\" NOT IN (SELECT \"PurchaseKey\" FROM \"#Same\")");
        var extended = warehouse.Connection.ExecuteScalar<long>("SELECT count(DISTINCT \"InvoiceNo\") FROM \"#Appended\"");
        var (insert, rowCountVariable) = ProcedureOnDuckDb.InsertSelect(Procedure, "Fact.Purchase");
        var inserted = warehouse.Connection.ExecuteScalar<long>($"SELECT count(*) FROM ({insert}) AS x", new { LineageKey = lineageKey });
        foreach (var table in tables)
        {
            warehouse.Connection.Execute($"DROP TABLE \"{table}\"");
        }

        warehouse.Connection.Execute("DELETE FROM \"Integration\".\"Purchase_Staging\" WHERE \"LineageKey\" = $lineageKey", new { lineageKey });
        return new ProcedureOutcome(facts, repeats, removed, extended, inserted, rowCountVariable);
    }

    private static List<string> Facts(DuckDbWarehouse warehouse) => warehouse.Connection.Query<string>("""
        SELECT f."InvoiceNo" || '/' || f."InvoiceLineNumber" || ' ' || p."StockCode" || f."Quantity"
        FROM "Fact"."Purchase" AS f JOIN "Dimension"."Product" AS p ON p."ProductKey" = f."ProductKey"
        ORDER BY f."InvoiceNo", f."InvoiceLineNumber"
        """).ToList();
}
