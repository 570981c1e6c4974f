using Warehouse.Data.SqlServer;

namespace Warehouse.Data.Loading;

/// <summary>
/// One atomic load of one source file, whatever the engine: a lineage row, staged rows, rejected rows with reasons,
/// and a migration into the star schema that completes the lineage. The loaders in the host produce the rows once;
/// the engine decides how they travel (DuckDB: the column-wise appender inside one transaction, the migration run by the
/// host; SQL Server: SqlBulkCopy into staging, the migration run by the target's Integration procedure).
/// Disposing a load that was not migrated leaves the warehouse as it was.
/// </summary>
public interface ISourceLoad : IDisposable
{
    /// <summary>Key of the load's lineage row.</summary>
    int LineageKey { get; }

    /// <summary>Source (file) name recorded with every staged and rejected row.</summary>
    string SourceName { get; }

    /// <summary>Staging table, reject table and migration of the load.</summary>
    StagingTarget Target { get; }

    /// <summary>Rows rejected so far by <see cref="Reject(long, long, string?, string, string?)"/>.</summary>
    long RowsRejected { get; }

    /// <summary>Rejects one source row into the target's reject table.</summary>
    /// <param name="sourceLineNumber">Line in the source where the record starts.</param>
    /// <param name="sourceRecordNumber">1-based ordinal of the record in the source: the reject's key, since several records
    /// can start on one line (a JSON array written on one line).</param>
    /// <param name="columnName">Column at fault, or null.</param>
    /// <param name="reason">Why (cut to 400 characters).</param>
    /// <param name="rawRecord">The record as read.</param>
    void Reject(long sourceLineNumber, long sourceRecordNumber, string? columnName, string reason, string? rawRecord);

    /// <summary>
    /// Rejects one row of a source with one record per line start (CSV transactions: a record, even one with a quoted line
    /// break, starts on a line of its own), whose line number is therefore a record key too.
    /// </summary>
    /// <param name="sourceLineNumber">Line in the source.</param>
    /// <param name="columnName">Column at fault, or null.</param>
    /// <param name="reason">Why (cut to 400 characters).</param>
    /// <param name="rawRecord">The record as read.</param>
    void Reject(long sourceLineNumber, string? columnName, string reason, string? rawRecord) =>
        Reject(sourceLineNumber, sourceLineNumber, columnName, reason, rawRecord);

    /// <summary>Streams rows into the target's staging table; returns the rows staged.</summary>
    /// <typeparam name="T">A staging row type of <c>Warehouse.Data.Loading</c> whose properties are the staging columns.</typeparam>
    /// <param name="rows">Rows, enumerated once (they may reuse one object).</param>
    long Stage<T>(IEnumerable<T> rows)
        where T : class;

    /// <summary>A named point of the load where a failure can be injected (tests, drills).</summary>
    void Checkpoint(string name);

    /// <summary>
    /// Moves the staged rows into the star schema and completes the lineage (counts, success, cutoff) atomically.
    /// </summary>
    /// <param name="rowsRead">Source rows read (read = accepted + rejected).</param>
    /// <param name="rowsAccepted">Rows the host accepted.</param>
    /// <param name="cutoffSystem">Source system whose cutoff moves, or null.</param>
    /// <param name="hostMigration">The migration of the embedded engine (run in the host); SQL Server runs <see cref="StagingTarget.MigrateProcedure"/> instead.</param>
    /// <returns>Final counts (rows the migration rejects, e.g. unknown customers, move from loaded to rejected) and what changed.</returns>
    LoadCounts Migrate(long rowsRead, long rowsAccepted, string? cutoffSystem, HostMigration hostMigration);
}

/// <summary>The migration of one load on the embedded engine, run inside the load's transaction.</summary>
/// <param name="session">The DuckDB load.</param>
public delegate MigrationOutcome HostMigration(DuckDbLoadSession session);

/// <summary>What a host-side migration did.</summary>
/// <param name="UnknownRejected">Accepted rows the migration rejected (written to the reject table with the reason).</param>
/// <param name="Cutoff">Latest source time in the load (the new cutoff), or null.</param>
/// <param name="Detail">What changed in the star schema, in words.</param>
public sealed record MigrationOutcome(long UnknownRejected, DateTime? Cutoff, string Detail);

/// <summary>Final counts of a load, as recorded in its lineage.</summary>
/// <param name="RowsRead">Source rows read.</param>
/// <param name="RowsLoaded">Rows loaded.</param>
/// <param name="RowsRejected">Rows rejected, with reasons in the reject table.</param>
/// <param name="Detail">What changed, in words.</param>
public sealed record LoadCounts(long RowsRead, long RowsLoaded, long RowsRejected, string Detail);
