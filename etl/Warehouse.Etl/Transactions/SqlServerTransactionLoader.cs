using System.Diagnostics;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// <c>load transactions --connection "Server=…"</c>: the same parsing and reject rules as the DuckDB load, into SQL
/// Server through <see cref="SqlServerLoadSession"/> (SqlBulkCopy into Integration.Purchase_Staging and
/// Integration.RejectedPurchase, then Integration.MigrateStagedPurchaseData, which migrates, completes the lineage and
/// moves the cutoff in one transaction). A file whose content was loaded before is skipped.
/// </summary>
public static class SqlServerTransactionLoader
{
    /// <summary>Loads one transactions file into SQL Server.</summary>
    /// <param name="warehouse">An open SQL Server warehouse.</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="mapping">Column mapping (defaults fit Online Retail).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TransactionLoader.Result Load(SqlServerWarehouse warehouse, string path, TransactionMapping? mapping = null)
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
        var hash = TransactionLoader.HashFile(path);
        if (SqlServerLoadSession.FindSuccessfulLoad(warehouse, TransactionLoader.SourceSystem, StagingTarget.Purchase, hash) is { } done)
        {
            return new TransactionLoader.Result(sourceName, done, true, 0, 0, 0, 0, TimeSpan.Zero, total.Elapsed);
        }

        using var session = SqlServerLoadSession.Begin(warehouse, StagingTarget.Purchase, TransactionLoader.SourceSystem, sourceName, hash);
        var staging = Stopwatch.StartNew();
        var rejects = new List<RejectedRow>();
        var parser = new TransactionCsvParser(mapping);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var reader = new CsvRecordReader(stream, sourceName, mapping.Delimiter[0]))
        {
            session.CopyStaged(parser.Parse(reader, sourceName, session.LineageKey, (line, column, reason, raw) => rejects.Add(new RejectedRow
            {
                LineageKey = session.LineageKey,
                SourceName = sourceName,
                SourceLineNumber = line,
                ColumnName = column,
                Reason = reason,
                RawRecord = raw,
            })));
        }

        session.CopyRejected(rejects);
        staging.Stop();
        if (parser.RowsRead != parser.RowsAccepted + parser.RowsRejected)
        {
            throw new InvalidOperationException($"Row counts do not balance: read {parser.RowsRead} ≠ loaded {parser.RowsAccepted} + rejected {parser.RowsRejected}.");
        }

        session.Migrate();
        return new TransactionLoader.Result(sourceName, session.LineageKey, false, parser.RowsRead, parser.RowsAccepted, parser.RowsRejected,
            parser.RowsAccepted, staging.Elapsed, total.Elapsed);
    }
}
