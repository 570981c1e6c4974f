using System.Diagnostics;
using System.Security.Cryptography;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// <c>load transactions</c>: a purchase transactions CSV into the warehouse in one atomic load — staging through the
/// mapped appender, rejects with reasons, set-based migration into the star schema, lineage with
/// read = loaded + rejected. A file whose content (SHA-256) was loaded before is skipped: a rerun changes nothing.
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
    /// <param name="RowsLoaded">Rows accepted.</param>
    /// <param name="RowsRejected">Rows rejected (see Integration.RejectedPurchase).</param>
    /// <param name="FactRowsInserted">Fact.Purchase rows inserted (new or changed lines).</param>
    /// <param name="StagingElapsed">Time to read, validate and stage the file.</param>
    /// <param name="TotalElapsed">Time of the whole load.</param>
    public sealed record Result(string SourceName, int LineageKey, bool Skipped, long RowsRead, long RowsLoaded, long RowsRejected,
        long FactRowsInserted, TimeSpan StagingElapsed, TimeSpan TotalElapsed)
    {
        /// <summary>Rows read per second from opening the file to the end of staging.</summary>
        public double StagingRowsPerSecond => StagingElapsed.TotalSeconds > 0 ? RowsRead / StagingElapsed.TotalSeconds : 0;
    }

    /// <summary>Loads one file.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="mapping">Column mapping (defaults: Online Retail).</param>
    /// <param name="checkpoint">Failure injection for tests: called at named checkpoints (staged, facts, before-commit).</param>
    /// <exception cref="CsvFormatException">The file is malformed; nothing was loaded.</exception>
    public static Result Load(DuckDbWarehouse warehouse, string path, TransactionMapping? mapping = null, Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(path);
        mapping ??= new TransactionMapping();
        mapping.Validate("column mapping");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The transactions file {path} does not exist.", path);
        }

        var total = Stopwatch.StartNew();
        var sourceName = Path.GetFileName(path);
        var hash = HashFile(path);
        var earlier = DuckDbLoadSession.FindSuccessfulLoad(warehouse, SourceSystem, "Fact.Purchase", hash);
        if (earlier is { } done)
        {
            return new Result(sourceName, done, true, 0, 0, 0, 0, TimeSpan.Zero, total.Elapsed);
        }

        using var session = DuckDbLoadSession.Begin(warehouse, SourceSystem, sourceName, hash, "Fact.Purchase", checkpoint);
        var staging = Stopwatch.StartNew();
        var parser = StageFile(session, path, mapping);
        staging.Stop();
        session.Checkpoint("staged");
        var migration = PurchaseMigration.Run(session);
        session.Complete(parser.RowsRead, parser.RowsAccepted, parser.RowsRejected, migration.LastInvoiceTime, SourceSystem);
        return new Result(sourceName, session.LineageKey, false, parser.RowsRead, parser.RowsAccepted, parser.RowsRejected,
            migration.Inserted, staging.Elapsed, total.Elapsed);
    }

    /// <summary>
    /// Reads, validates and stages one file inside <paramref name="session"/>: parsing on a background thread, the
    /// mapped appender on the caller's thread, rejects into Integration.RejectedPurchase. Returns the parser with its counts.
    /// </summary>
    /// <exception cref="CsvFormatException">The file is malformed.</exception>
    public static TransactionCsvParser StageFile(DuckDbLoadSession session, string path, TransactionMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(mapping);
        var sourceName = Path.GetFileName(path);
        var rejects = session.OpenRejects("RejectedPurchase");
        var parser = new TransactionCsvParser(mapping);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var reader = new CsvRecordReader(stream, sourceName, mapping.Delimiter[0]))
        {
            session.Append<PurchaseStagingRow, PurchaseStagingRowMap>("Integration", "Purchase_Staging", PipelinedStaging.Rows(
                onReject => parser.Parse(reader, sourceName, session.LineageKey, onReject),
                (line, column, reason, raw) => rejects.Add(line, column, reason, raw)));
        }

        rejects.Flush();
        return parser;
    }

    /// <summary>SHA-256 of the file content, lower-case hex.</summary>
    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
