using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Warehouse.Data;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// <c>load transactions</c>: a purchase transactions CSV into the warehouse in one atomic load — staging through
/// DuckDB's data-chunk appender (dictionary-coded lines, see <see cref="PurchaseMigration"/>), rejects with reasons, set-based migration into the star schema, lineage with
/// read = loaded + rejected. A file whose content (SHA-256) was loaded before is skipped: a rerun changes nothing.
/// The same code loads SQL Server (<c>--connection</c>): SqlBulkCopy into Integration.Purchase_Staging and
/// Integration.RejectedPurchase, then Integration.MigrateStagedPurchaseData (see <see cref="ISourceLoad"/>).
/// </summary>
public static class TransactionLoader
{
    /// <summary>Source system name recorded in the lineage and cutoff tables.</summary>
    public const string SourceSystem = "transactions";

    /// <summary>What a load did.</summary>
    /// <param name="SourceName">File name.</param>
    /// <param name="LineageKey">The load (or the earlier load of the same content when skipped).</param>
    /// <param name="Skipped">True when the same content had been loaded before; nothing changed.</param>
    /// <param name="RowsRead">Data rows read.</param>
    /// <param name="RowsLoaded">Rows loaded (accepted and not rejected as duplicates).</param>
    /// <param name="RowsRejected">Rows rejected, duplicates included (see Integration.RejectedPurchase).</param>
    /// <param name="FactRowsInserted">Fact.Purchase rows inserted (new or changed lines).</param>
    /// <param name="StagingElapsed">Time to read, validate and stage the file.</param>
    /// <param name="TotalElapsed">Time of the whole load.</param>
    public sealed record Result(string SourceName, int LineageKey, bool Skipped, long RowsRead, long RowsLoaded, long RowsRejected,
        long FactRowsInserted, TimeSpan StagingElapsed, TimeSpan TotalElapsed)
    {
        /// <summary>Invoices of earlier loads whose stored lines this file's lines replaced (mapping <c>InvoiceUpdates</c>: replace).</summary>
        public long InvoicesReplaced { get; init; }

        /// <summary>Stored lines of those invoices removed (the file did not repeat them with the same number and values).</summary>
        public long StoredLinesRemoved { get; init; }

        /// <summary>Invoices of earlier loads this file's lines were appended to (<c>InvoiceUpdates</c>: append).</summary>
        public long InvoicesExtended { get; init; }

        /// <summary>Lines rejected as repeats of a stored line of their invoice (append; counted in <see cref="RowsRejected"/>).</summary>
        public long StoredRepeatsRejected { get; init; }

        /// <summary>Rows read per second from opening the file to the end of staging.</summary>
        public double StagingRowsPerSecond => StagingElapsed.TotalSeconds > 0 ? RowsRead / StagingElapsed.TotalSeconds : 0;
    }

    /// <summary>Loads one file.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="mapping">Column mapping (defaults: Online Retail).</param>
    /// <param name="checkpoint">Failure injection for tests: called at named checkpoints (staged, facts, before-commit).</param>
    /// <param name="window">Plausible invoice times; null: the default window taken when the load starts (1990-01-01 to now + 1 day).
    /// Another earliest time or distance after now is part of the load's identity, as the mapping is: a file whose old invoice
    /// dates the default window rejected is read again with an earlier one, not skipped as already loaded.</param>
    /// <exception cref="CsvFormatException">The file is malformed; nothing was loaded.</exception>
    public static Result Load(IWarehouse warehouse, string path, TransactionMapping? mapping = null, Action<string>? checkpoint = null,
        PlausibleTimeWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        mapping ??= new TransactionMapping();
        mapping.Validate("column mapping");
        _ = Prewarm();
        var (total, sourceName, hash, earlier) = SourceFile.Prepare(warehouse, path, "transactions", SourceSystem, StagingTarget.Purchase,
            SourceFile.Reading(mapping, window));
        if (earlier is { } done)
        {
            return new Result(sourceName, done, true, 0, 0, 0, 0, TimeSpan.Zero, total.Elapsed);
        }

        using var session = SourceLoad.Begin(warehouse, StagingTarget.Purchase, SourceSystem, sourceName, hash, checkpoint);
        if (session is SqlServerLoadSession sqlServer)
        {
            sqlServer.ProcedureArguments = new Dictionary<string, object?>
            {
                [PurchaseMigration.RejectDuplicatesArgument] = mapping.RejectDuplicates,
                [PurchaseMigration.AppendInvoiceLinesArgument] = mapping.AppendInvoiceLines,
            };
            sqlServer.ProcedureOutputs = PurchaseMigration.OutputArguments;
        }

        var staging = Stopwatch.StartNew();
        var parser = StageFile(session, path, mapping, window);
        staging.Stop();
        long[] outputs = [0, 0, 0, 0, 0];
        var counts = session.Migrate(parser.RowsRead, parser.RowsAccepted, SourceSystem, duckDb =>
        {
            var migration = PurchaseMigration.Run(duckDb, mapping.RejectDuplicates, mapping.AppendInvoiceLines);
            outputs = [migration.InvoicesReplaced, migration.Replaced, migration.InvoicesExtended, migration.StoredRepeatsRejected, migration.Inserted];
            return new MigrationOutcome(migration.DuplicatesRejected, migration.LastInvoiceTime, string.Empty);
        });
        if (session is SqlServerLoadSession server)
        {
            outputs = ProcedureCounts(server.ProcedureResults);
        }

        return new Result(sourceName, session.LineageKey, false, counts.RowsRead, counts.RowsLoaded, counts.RowsRejected,
            outputs[4], staging.Elapsed, total.Elapsed)
        {
            InvoicesReplaced = outputs[0],
            StoredLinesRemoved = outputs[1],
            InvoicesExtended = outputs[2],
            StoredRepeatsRejected = outputs[3],
        };
    }

    /// <summary>
    /// The counts Integration.MigrateStagedPurchaseData sent back (<see cref="SqlServerLoadSession.ProcedureResults"/>), in the
    /// order of <see cref="PurchaseMigration.OutputArguments"/>: invoices replaced, stored lines removed, invoices extended,
    /// stored repeats rejected, fact rows inserted (the INSERT's @@ROWCOUNT: a line left alone in replace mode is loaded but
    /// not inserted, so a full-overlap reload inserts 0 as on DuckDB; before, SQL Server reported every loaded line).
    /// </summary>
    /// <exception cref="KeyNotFoundException">An output was not read back (the session's ProcedureOutputs lacks it).</exception>
    internal static long[] ProcedureCounts(IReadOnlyDictionary<string, long> results) =>
        [.. PurchaseMigration.OutputArguments.Select(name => results[name])];

    /// <summary>
    /// Reads, validates and stages one file inside <paramref name="session"/>: parsing on a background thread, the
    /// engine's bulk path (column-wise appender into the load's temporary, dictionary-coded staging tables, see
    /// <see cref="PurchaseMigration.CreateStaging"/>, or SqlBulkCopy) on the caller's thread, rejects into
    /// Integration.RejectedPurchase (written by the time this returns). Returns the parser with its counts.
    /// </summary>
    /// <exception cref="CsvFormatException">The file is malformed.</exception>
    /// <param name="session">The load.</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="mapping">Column mapping.</param>
    /// <param name="window">Plausible invoice times; null: the default window taken now.</param>
    public static TransactionCsvParser StageFile(ISourceLoad session, string path, TransactionMapping mapping, PlausibleTimeWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(mapping);
        var sourceName = Path.GetFileName(path);
        var parser = new TransactionCsvParser(mapping, window);
        using (var stream = SourceFile.Open(path))
        using (var reader = new CsvRecordReader(stream, sourceName, mapping.Delimiter[0]))
        {
            session.Stage(PipelinedStaging.Rows(
                onReject => parser.Parse(reader, sourceName, session.LineageKey, onReject),
                session.Reject));
        }

        return parser;
    }

    /// <summary>
    /// Starts, once per process, on a thread-pool thread, what a fresh process's first staging would otherwise do on its
    /// clock: the parser's and appender's hot loops compiled (<see cref="HotPaths"/>), and synthetic lines read and parsed
    /// (the framework generics the parser instantiates) and appended in a throwaway in-memory database
    /// (<see cref="PurchaseMigration.WarmUp"/>: DuckDB's append code paged in). Touches no warehouse; <see cref="Load"/>
    /// calls it, and the CLI calls it before opening the warehouse so that both overlap.
    /// </summary>
    /// <returns>The warm-up (DuckDB's failures are swallowed: a failed warm-up changes only timings).</returns>
    public static Task Prewarm() => Warming.Value;

    private static readonly Lazy<Task> Warming = new(() => Task.Run(WarmUp));

    private static void WarmUp()
    {
        HotPaths.Prepare(typeof(CsvRecordReader), typeof(TransactionCsvParser), typeof(FastParse));
        try
        {
            PurchaseMigration.WarmUp(SyntheticLines(4096));
        }
        catch (Exception e) when (e is DuckDB.NET.Data.DuckDBException or DllNotFoundException or IOException or InvalidOperationException)
        {
            // Only timings depend on the warm-up; the load reports any real problem of DuckDB itself.
        }
    }

    /// <summary>
    /// <paramref name="lines"/> synthetic Online Retail lines through the reader and parser, as a load reads a file: quoted
    /// descriptions, cancellations, repeated invoices and products, and every 8th line's quantity invalid (a rejected line's
    /// placeholder), so that the parser's and the staging's reject paths run too. More than one DuckDB vector (2,048 rows).
    /// </summary>
    internal static IEnumerable<PurchaseStagingRow> SyntheticLines(int lines)
    {
        var text = new StringBuilder("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
        for (var i = 1; i <= lines; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{(i % 11 == 0 ? "C" : "")}{500000 + i / 4},S{i % 97},\"item, {i % 97}\",{(i % 8 == 0 ? "x" : (i % 12 + 1).ToString(CultureInfo.InvariantCulture))},2020-01-0{i % 9 + 1} 10:{i % 60:00}:00,{i % 7}.25,{17000 + i % 53},United Kingdom\n");
        }

        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), "warm-up.csv");
        foreach (var row in new TransactionCsvParser(new TransactionMapping()).Parse(reader, "warm-up.csv", 0, static (_, _, _, _) => { }))
        {
            yield return row;
        }
    }

    /// <summary>SHA-256 of the file content, lower-case hex.</summary>
    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
