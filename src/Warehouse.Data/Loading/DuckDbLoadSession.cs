using Dapper;
using DuckDB.NET.Data;
using DuckDB.NET.Data.Mapping;
using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Loading;

/// <summary>
/// One atomic load of one source into the DuckDB warehouse: a transaction, a new <c>Integration.Lineage</c> row,
/// bulk staging through the mapped appender (purchases and rejects: the column-wise <see cref="DuckDbChunkAppender"/>),
/// rejects with reasons, and a commit that is verified.
/// Nothing is visible to other readers until <see cref="Complete"/>; disposing an incomplete session rolls
/// everything back (staging, rejects, dimension and fact changes, the lineage row), so a failed load leaves the
/// warehouse as it was.
/// </summary>
/// <remarks>
/// DuckDB's <c>Commit()</c> after a failed statement silently rolls back (../shared/FACTS.md), so the session
/// tracks failure itself: any exception marks it failed, and after the commit it reads the lineage row back; if
/// the commit did not persist, <see cref="Complete"/> throws.
/// </remarks>
public sealed class DuckDbLoadSession : IDisposable
{
    private readonly DuckDbWarehouse _warehouse;
    private readonly DuckDBTransaction _transaction;
    private readonly Action<string>? _checkpoint;
    private readonly List<RejectSink> _sinks = [];
    private bool _completed;
    private bool _failed;

    private DuckDbLoadSession(DuckDbWarehouse warehouse, DuckDBTransaction transaction, int lineageKey, string sourceName, Action<string>? checkpoint)
    {
        _warehouse = warehouse;
        _transaction = transaction;
        LineageKey = lineageKey;
        SourceName = sourceName;
        _checkpoint = checkpoint;
    }

    /// <summary>Key of the load's lineage row.</summary>
    public int LineageKey { get; }

    /// <summary>Source (file) name recorded with every staged and rejected row.</summary>
    public string SourceName { get; }

    /// <summary>The connection, inside the session's transaction.</summary>
    public DuckDBConnection Connection => _warehouse.DuckDbConnection;

    /// <summary>The open transaction (pass it to Dapper calls).</summary>
    public DuckDBTransaction Transaction => _transaction;

    /// <summary>
    /// Starts a load: opens the transaction and writes the lineage row (not yet successful).
    /// </summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="sourceSystem">Source kind: crm, demographics, web, social, transactions.</param>
    /// <param name="sourceName">File name (without folder).</param>
    /// <param name="sourceHash">SHA-256 of the content (hex), or null.</param>
    /// <param name="tableName">Destination table, e.g. Fact.Purchase.</param>
    /// <param name="checkpoint">Called at named checkpoints; throwing from it simulates a crash (tests, drills).</param>
    public static DuckDbLoadSession Begin(DuckDbWarehouse warehouse, string sourceSystem, string sourceName, string? sourceHash,
        string tableName, Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var connection = warehouse.DuckDbConnection;
        var transaction = connection.BeginTransaction();
        try
        {
            var lineageKey = connection.ExecuteScalar<int>("SELECT CAST(nextval('Sequences.LineageKey') AS INTEGER)", transaction: transaction);
            connection.Execute("""
                INSERT INTO "Integration"."Lineage" ("LineageKey", "SourceSystem", "SourceName", "SourceHash", "TableName", "LoadStarted", "WasSuccessful")
                VALUES ($LineageKey, $SourceSystem, $SourceName, $SourceHash, $TableName, now() AT TIME ZONE 'UTC', false)
                """, new { LineageKey = lineageKey, SourceSystem = sourceSystem, SourceName = sourceName, SourceHash = sourceHash, TableName = tableName },
                transaction);
            return new DuckDbLoadSession(warehouse, transaction, lineageKey, sourceName, checkpoint);
        }
        catch
        {
            transaction.Rollback();
            transaction.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The lineage key of an earlier successful load of the same content into the same table, or null.
    /// </summary>
    public static int? FindSuccessfulLoad(DuckDbWarehouse warehouse, string sourceSystem, string tableName, string sourceHash)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return warehouse.DuckDbConnection.QueryFirstOrDefault<int?>("""
            SELECT max("LineageKey") FROM "Integration"."Lineage"
            WHERE "SourceSystem" = $sourceSystem AND "TableName" = $tableName AND "SourceHash" = $sourceHash AND "WasSuccessful"
            """, new { sourceSystem, tableName, sourceHash });
    }

    /// <summary>Bulk-appends rows to a table with the mapped (type-checked) appender; returns the rows appended.</summary>
    /// <param name="schema">Schema of the table.</param>
    /// <param name="table">Table name.</param>
    /// <param name="rows">Rows, consumed once, streaming.</param>
    public long Append<T, TMap>(string schema, string table, IEnumerable<T> rows)
        where TMap : DuckDBAppenderMap<T>, new() =>
        AppendTo<T, TMap>(null, schema, table, rows);

    /// <summary>Bulk-appends rows to a temporary table of the session (catalog temp, schema main); returns the rows appended.</summary>
    /// <param name="table">Temporary table name.</param>
    /// <param name="rows">Rows, consumed once, streaming.</param>
    public long AppendTemporary<T, TMap>(string table, IEnumerable<T> rows)
        where TMap : DuckDBAppenderMap<T>, new() =>
        AppendTo<T, TMap>("temp", "main", table, rows);

    private long AppendTo<T, TMap>(string? catalog, string schema, string table, IEnumerable<T> rows)
        where TMap : DuckDBAppenderMap<T>, new()
    {
        return Guard(() =>
        {
            long count = 0;
            using var appender = catalog is null
                ? Connection.CreateAppender<T, TMap>(schema, table)
                : Connection.CreateAppender<T, TMap>(catalog, schema, table);
            appender.AppendRecords(Count(rows));
            appender.Close();
            return count;

            IEnumerable<T> Count(IEnumerable<T> source)
            {
                foreach (var row in source)
                {
                    count++;
                    yield return row;
                }
            }
        });
    }

    /// <summary>Opens a reject sink on a reject table; call <see cref="RejectSink.Flush"/> before <see cref="Complete"/>.</summary>
    /// <param name="rejectTable">Table in the Integration schema, e.g. RejectedPurchase.</param>
    public RejectSink OpenRejects(string rejectTable)
    {
        var sink = new RejectSink(this, rejectTable);
        _sinks.Add(sink);
        return sink;
    }

    /// <summary>Runs a statement inside the session; failure marks the session failed.</summary>
    public int Execute(string sql, object? parameters = null) =>
        Guard(() => Connection.Execute(_warehouse.Sql(sql), parameters, _transaction, commandTimeout: 0));

    /// <summary>Runs a scalar query inside the session.</summary>
    public T? Scalar<T>(string sql, object? parameters = null) =>
        Guard(() => Connection.ExecuteScalar<T>(_warehouse.Sql(sql), parameters, _transaction));

    /// <summary>Runs a query inside the session.</summary>
    public IReadOnlyList<T> Query<T>(string sql, object? parameters = null) =>
        Guard(() => Connection.Query<T>(_warehouse.Sql(sql), parameters, _transaction).AsList());

    /// <summary>A named point of the load where a failure can be injected.</summary>
    public void Checkpoint(string name) => Guard(() =>
    {
        _checkpoint?.Invoke(name);
        return 0;
    });

    /// <summary>
    /// Records the counts in the lineage row, optionally moves the source's cutoff, commits, and verifies the commit.
    /// </summary>
    /// <param name="rowsRead">Data rows read from the source.</param>
    /// <param name="rowsLoaded">Rows accepted.</param>
    /// <param name="rowsRejected">Rows rejected.</param>
    /// <param name="sourceCutoff">Latest source timestamp in this load, or null.</param>
    /// <param name="cutoffSystem">Source system whose cutoff moves to <paramref name="sourceCutoff"/>, or null.</param>
    /// <exception cref="InvalidOperationException">read ≠ loaded + rejected, the session failed before, or the commit did not persist.</exception>
    public void Complete(long rowsRead, long rowsLoaded, long rowsRejected, DateTime? sourceCutoff, string? cutoffSystem)
    {
        if (_failed)
        {
            throw new InvalidOperationException("The load failed earlier; it was rolled back.");
        }

        if (rowsRead != rowsLoaded + rowsRejected)
        {
            _failed = true;
            throw new InvalidOperationException($"Row counts do not balance: read {rowsRead} ≠ loaded {rowsLoaded} + rejected {rowsRejected}.");
        }

        Checkpoint("before-commit");
        Execute("""
            UPDATE "Integration"."Lineage"
            SET "RowsRead" = @rowsRead, "RowsLoaded" = @rowsLoaded, "RowsRejected" = @rowsRejected,
                "SourceCutoff" = @sourceCutoff, "WasSuccessful" = true, "LoadCompleted" = now() AT TIME ZONE 'UTC'
            WHERE "LineageKey" = @LineageKey
            """, new { rowsRead, rowsLoaded, rowsRejected, sourceCutoff, LineageKey });
        if (cutoffSystem is not null && sourceCutoff is not null)
        {
            Execute("""
                INSERT INTO "Integration"."EtlCutoff" ("SourceSystem", "CutoffTime", "LineageKey") VALUES (@cutoffSystem, @sourceCutoff, @LineageKey)
                ON CONFLICT ("SourceSystem") DO UPDATE SET "CutoffTime" = greatest("EtlCutoff"."CutoffTime", excluded."CutoffTime"), "LineageKey" = excluded."LineageKey"
                """, new { cutoffSystem, sourceCutoff, LineageKey });
        }

        _transaction.Commit();
        _completed = true;
        var persisted = Connection.ExecuteScalar<bool?>("SELECT \"WasSuccessful\" FROM \"Integration\".\"Lineage\" WHERE \"LineageKey\" = $LineageKey", new { LineageKey });
        if (persisted != true)
        {
            throw new InvalidOperationException($"The load of {SourceName} did not commit (DuckDB rolled the transaction back); the warehouse is unchanged.");
        }
    }

    /// <summary>Rolls back unless <see cref="Complete"/> succeeded.</summary>
    public void Dispose()
    {
        // Before the rollback: a sink's unflushed rows must be discarded inside the transaction, not appended after it.
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }

        if (!_completed)
        {
            try
            {
                _transaction.Rollback();
            }
            catch (DuckDBException)
            {
                // The transaction is already aborted: nothing was kept.
            }
        }

        _transaction.Dispose();
    }

    /// <summary>Runs <paramref name="action"/> inside the session; an exception marks the session failed.</summary>
    internal T Guard<T>(Func<T> action)
    {
        if (_failed)
        {
            throw new InvalidOperationException("The load failed earlier; it will be rolled back.");
        }

        try
        {
            return action();
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>
    /// Appends rejected rows to a reject table as they come, through one column-wise appender held for the load
    /// (see <see cref="DuckDbChunkAppender"/>), so memory stays flat and a reject costs a few native calls.
    /// </summary>
    public sealed class RejectSink : IDisposable
    {
        private static readonly DuckDbChunkAppender.Column[] Columns =
        [
            DuckDbChunkAppender.Column.Integer, DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.BigInt,
            DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar,
        ];

        private readonly DuckDbLoadSession _session;
        private readonly string _table;
        private DuckDbChunkAppender? _appender;

        internal RejectSink(DuckDbLoadSession session, string table)
        {
            _session = session;
            _table = table;
        }

        /// <summary>Rows rejected so far.</summary>
        public long Count { get; private set; }

        /// <summary>Rejects one row.</summary>
        /// <param name="sourceLineNumber">Line in the source.</param>
        /// <param name="columnName">Column at fault, or null.</param>
        /// <param name="reason">Why.</param>
        /// <param name="rawRecord">The record as read.</param>
        public void Add(long sourceLineNumber, string? columnName, string reason, string? rawRecord)
        {
            ArgumentNullException.ThrowIfNull(reason);
            _session.Guard(() =>
            {
                var a = _appender ??= new DuckDbChunkAppender(_session.Connection, null, "Integration", _table, Columns);
                a.SetInt32(0, _session.LineageKey);
                a.SetString(1, _session.SourceName);
                a.SetInt64(2, sourceLineNumber);
                a.SetString(3, columnName);
                a.SetString(4, reason.Length > 400 ? reason[..400] : reason);
                a.SetString(5, rawRecord);
                a.EndRow();
                return 0;
            });
            Count++;
        }

        /// <summary>Writes the rows rejected so far into the table (call before the migration reads it).</summary>
        public void Flush()
        {
            if (_appender is not { } appender)
            {
                return;
            }

            _appender = null;
            using (appender)
            {
                _session.Guard(() =>
                {
                    appender.Close();
                    return 0;
                });
            }
        }

        /// <summary>Discards rows not yet flushed (a load that fails writes nothing).</summary>
        public void Dispose()
        {
            _appender?.Dispose();
            _appender = null;
        }
    }
}
