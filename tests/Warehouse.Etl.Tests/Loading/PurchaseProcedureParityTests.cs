using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Integration.MigrateStagedPurchaseData numbers invoice lines and finds duplicates in its <c>SELECT … INTO #Line</c> and
/// <c>#Staged</c> statements; they run here on DuckDB (<see cref="ProcedureOnDuckDb"/>) over the rows the host would
/// bulk-copy into Integration.Purchase_Staging (the parser's accepted lines and rejected lines' placeholders), and must
/// give the lines, numbers and duplicates of the DuckDB migration (<see cref="PurchaseMigration"/>) on the same file.
/// </summary>
public sealed class PurchaseProcedureParityTests : IDisposable
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    private const string Lines = Header +
        "20,A,Mug ,1,2011-01-01 10:00:00,1.5,42,France\n" +
        "21,B,Cup,2,2011-01-01 10:00:00,2.5,42,France\n" +
        "20,A,Mug ,1,2011-01-01 10:00:00,1.5,42,France\n" +
        " 20 , A ,Mug ,1, 2011-01-01 10:00:00 ,1.50,42.0, France \n" +
        "20,A,Mug,1,2011-01-01 10:00:00,1.5,42,France\n" +
        "20,a,Mug ,1,2011-01-01 10:00:00,1.5,42,France\n" +
        "20,B,Cup,x,2011-01-01 10:00:00,2.5,42,France\n" +
        "20,B,Cup,2,2011-01-01 10:00:00,2.5,,France\n" +
        "20,E,e,1,2011-01-01 10:00:00,1.5,42,France,extra\n" +
        "c20,C,,3,2011-01-01 10:00:00,1.0,42,\n" +
        "20,C,,3,2011-01-01 10:00:00,1.0,42,\n" +
        "20,C,,3,2011-01-01 10:00:00,1.0,42,\n" +
        "21,B,Cup,2,2011-01-01 10:00:00,2.5,42,France\n" +
        "20,D,Pen,1,2011-01-01 10:00:00,0.5,42,France\n";

    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_procedure_numbers_and_rejects_the_lines_the_duckdb_migration_does(bool rejectDuplicates)
    {
        var path = Path.Combine(_folder, "lines.csv");
        File.WriteAllText(path, Lines);
        var (staged, duplicates) = Compare(path, rejectDuplicates);
        // Accepted: lines 2-7 and 11-15 (8 and 9 rejected, 10 has nine fields); repeats: 4 and 5 of 2 (5 after trimming and
        // parsing), 13 of 12 (no description, no country), 14 of 3. Line 6 (no trailing space) and 7 (stock code "a") differ.
        Assert.Equal(rejectDuplicates ? 7 : 11, staged.Count);
        Assert.Equal(rejectDuplicates ? new[] { "4:duplicate of line 2", "5:duplicate of line 2", "13:duplicate of line 12", "14:duplicate of line 3" } : [], duplicates);
        Assert.Equal(rejectDuplicates ? new[] { "20/1", "21/1", "20/4", "20/5", "c20/1", "20/8", "20/10" } : ["20/1", "21/1", "20/2", "20/3", "20/4", "20/5", "c20/1", "20/8", "20/9", "21/2", "20/10"], staged);
    }

    [OnlineRetailFact]
    public void Online_retail_gives_the_same_lines_numbers_and_duplicates_on_both_engines()
    {
        var (staged, duplicates) = Compare(Path.Combine(TestPaths.OnlineRetailFolder, "online_retail.csv"), rejectDuplicates: true);
        Assert.Equal(401_604, staged.Count);
        Assert.Equal(5_225, duplicates.Count);
    }

    /// <summary>Loads the file on DuckDB and runs the procedure's statements on the staged rows; asserts they agree and returns the procedure's lines and duplicates.</summary>
    private static (List<string> Staged, List<string> Duplicates) Compare(string path, bool rejectDuplicates)
    {
        var mapping = new TransactionMapping { Duplicates = rejectDuplicates ? "reject" : "keep" };
        using var host = DuckDbWarehouse.Open(":memory:");
        TransactionLoader.Load(host, path, mapping);
        var facts = host.Connection.Query<string>("SELECT \"InvoiceNo\" || '/' || \"InvoiceLineNumber\" FROM \"Fact\".\"Purchase\" ORDER BY \"PurchaseKey\"").ToList();
        var rejected = host.Connection.Query<string>("""
            SELECT "SourceLineNumber" || ':' || "Reason" FROM "Integration"."RejectedPurchase" WHERE "Reason" LIKE 'duplicate of line %' ORDER BY "SourceLineNumber"
            """).ToList();

        using var server = DuckDbWarehouse.Open(":memory:");
        var procedure = File.ReadAllText(RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedPurchaseData.sql"));
        using var session = DuckDbLoadSession.Begin(server, TransactionLoader.SourceSystem, Path.GetFileName(path), null, StagingTarget.Purchase.FactTable);
        var parser = new TransactionCsvParser(mapping);
        using (var reader = new CsvRecordReader(File.OpenRead(path), Path.GetFileName(path)))
        {
            session.Append<PurchaseStagingRow, PurchaseStagingRowMap>("Integration", "Purchase_Staging",
                parser.Parse(reader, Path.GetFileName(path), session.LineageKey, (_, _, _, _) => { }));
        }

        foreach (var sql in ProcedureOnDuckDb.SelectIntoStatements(procedure, "#Line", "#Staged"))
        {
            server.Connection.Execute(sql, new { session.LineageKey, RejectDuplicates = rejectDuplicates }, session.Transaction);
        }

        var staged = server.Connection.Query<string>("SELECT \"InvoiceNo\" || '/' || \"InvoiceLineNumber\" FROM \"#Staged\" ORDER BY \"SourceLineNumber\"", transaction: session.Transaction).ToList();
        // The procedure's reject insert: accepted lines (IsRejected = 0) after the first line with the same values.
        var duplicates = rejectDuplicates
            ? server.Connection.Query<string>("""
                SELECT "SourceLineNumber" || ':duplicate of line ' || "FirstLine" FROM "#Line"
                WHERE NOT "IsRejected" AND "FirstLine" < "SourceLineNumber" ORDER BY "SourceLineNumber"
                """, transaction: session.Transaction).ToList()
            : [];
        Assert.Equal(facts, staged);
        Assert.Equal(rejected, duplicates);
        return (staged, duplicates);
    }
}
