using System.Data;
using Dapper;
using Microsoft.Data.SqlClient;
using Warehouse.Data.Loading;

namespace Warehouse.Data.SqlServer;

/// <summary>
/// One load into SQL Server, the way the ETL loader role is allowed to do it: <c>Integration.GetLineageKey</c> starts
/// it, SqlBulkCopy streams staged and rejected rows (with CheckConstraints, so no ALTER permission is needed), the
/// target's Integration procedure migrates staging into dimensions and facts in one transaction and completes the
/// lineage. Rejected rows go to <see cref="StagingTarget.RejectStagingTable"/> and the procedure moves them into the
/// target's reject table in the same transaction. Disposing a session that was not migrated removes its staged and
/// staged rejected rows and marks the lineage failed, so a failed load leaves nothing but the failed lineage row.
/// Every statement is parameterized; object names are constants. Rejected rows wait in a <see cref="RejectSpool"/> (a
/// temporary file, deleted when the session ends, also after a failure) until the staged rows are copied (one bulk copy
/// at a time per connection), then stream from it into the bulk copy: the host's memory stays flat however many rows
/// are rejected.
/// </summary>
public sealed class SqlServerLoadSession : ISourceLoad
{
    /// <summary>Finds an earlier successful load of the same content (rerun = no change).</summary>
    public const string FindSuccessfulLoadSql =
        "SELECT MAX([LineageKey]) FROM [Integration].[Lineage] WHERE [SourceSystem] = @SourceSystem AND [TableName] = @TableName AND [SourceHash] = @SourceHash AND [WasSuccessful] = 1;";

    /// <summary>The procedure that starts a load.</summary>
    public const string GetLineageKeyProcedure = "Integration.GetLineageKey";

    /// <summary>The text parameters the host sends to <see cref="GetLineageKeyProcedure"/>, with the NVARCHAR lengths it declares (tests check them against the model).</summary>
    public static IReadOnlyList<(string Name, int Length)> LineageKeyTextParameters { get; } =
        [("@SourceSystem", 50), ("@SourceName", 400), ("@TableName", 128), ("@SourceHash", 64)];

    /// <summary>
    /// The procedure that cleans up after loads whose connection was lost: their staged rows are deleted and their lineage
    /// marked failed with a reason, for every incomplete lineage whose load lock (taken by GetLineageKey for the load's
    /// session) it can take at once; a load still running holds its lock and is left alone.
    /// </summary>
    public const string CleanupAbandonedLoadsProcedure = "Integration.CleanupAbandonedLoads";

    /// <summary>The procedure that ends the load's hold on its lock (the session's end would too).</summary>
    public const string ReleaseLoadLockProcedure = "Integration.ReleaseLoadLock";

    /// <summary>The procedure that marks a load failed (with a reason in Integration.Lineage.FailureReason).</summary>
    public const string FailLineageProcedure = "Integration.FailLineage";

    /// <summary>The FailureReason the host records for a load that ended before its migration ran.</summary>
    public const string EndedBeforeMigrationReason = "the load ended before its migration (an error in the host or a cancellation); its staged rows were removed";

    /// <summary>Reads the counts the Integration procedure recorded for the load.</summary>
    public const string LineageCountsSql =
        "SELECT [RowsLoaded], [RowsRejected] FROM [Integration].[Lineage] WHERE [LineageKey] = @LineageKey AND [WasSuccessful] = 1;";

    private readonly SqlServerWarehouse _warehouse;
    private readonly Action<string>? _checkpoint;
    private RejectSpool? _rejects;
    private bool _migrated;
    private bool _disposed;

    /// <summary>A session of an existing lineage row (<see cref="Begin"/>; tests build one without a server).</summary>
    internal SqlServerLoadSession(SqlServerWarehouse warehouse, StagingTarget target, int lineageKey, string sourceName, Action<string>? checkpoint)
    {
        _warehouse = warehouse;
        Target = target;
        LineageKey = lineageKey;
        SourceName = sourceName;
        _checkpoint = checkpoint;
    }

    /// <summary>Lineage of this load.</summary>
    public int LineageKey { get; }

    /// <summary>Source file name.</summary>
    public string SourceName { get; }

    /// <summary>Where the rows go.</summary>
    public StagingTarget Target { get; }

    /// <inheritdoc />
    public long RowsRejected { get; private set; }

    /// <summary>Where the reject spool file goes (default: the user's temporary directory; tests).</summary>
    internal string? SpoolDirectory { get; init; }

    /// <summary>The rejected rows waiting for the bulk copy, or null before the first reject and after the copy (tests).</summary>
    internal RejectSpool? Spool => _rejects;

    /// <summary>The lineage key of an earlier successful load with the same content hash, if any.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="sourceSystem">Source system.</param>
    /// <param name="target">Load target.</param>
    /// <param name="sourceHash">Content hash.</param>
    public static int? FindSuccessfulLoad(SqlServerWarehouse warehouse, string sourceSystem, StagingTarget target, string sourceHash)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(target);
        return warehouse.Connection.ExecuteScalar<int?>(FindSuccessfulLoadSql,
            new { SourceSystem = sourceSystem, TableName = target.FactTable, SourceHash = sourceHash });
    }

    /// <summary>
    /// Runs <see cref="CleanupAbandonedLoadsProcedure"/>: removes the staged rows of loads whose session ended before they
    /// completed or cleaned up and marks their lineage failed with a reason. Returns how many loads it cleaned.
    /// </summary>
    /// <param name="warehouse">The warehouse.</param>
    public static int CleanupAbandonedLoads(SqlServerWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var parameters = new DynamicParameters();
        parameters.Add("@Cleaned", dbType: DbType.Int32, direction: ParameterDirection.Output);
        warehouse.Connection.Execute(CleanupAbandonedLoadsProcedure, parameters, commandType: CommandType.StoredProcedure, commandTimeout: 0);
        return parameters.Get<int?>("@Cleaned") ?? 0;
    }

    /// <summary>Abandoned loads of other sessions cleaned up when this load began (see <see cref="CleanupAbandonedLoads"/>).</summary>
    public int AbandonedLoadsCleaned { get; private init; }

    /// <summary>
    /// Starts a load: first cleans up after abandoned loads (<see cref="CleanupAbandonedLoads"/>), then a new lineage row
    /// via Integration.GetLineageKey, which also takes the load's lock for this session until <see cref="Dispose"/>.
    /// </summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="target">Load target.</param>
    /// <param name="sourceSystem">Source system, e.g. transactions.</param>
    /// <param name="sourceName">Source file name.</param>
    /// <param name="sourceHash">Content hash, or null.</param>
    /// <param name="checkpoint">Called at named checkpoints; throwing from it simulates a crash (tests, drills).</param>
    public static SqlServerLoadSession Begin(SqlServerWarehouse warehouse, StagingTarget target, string sourceSystem, string sourceName, string? sourceHash,
        Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(target);
        var cleaned = CleanupAbandonedLoads(warehouse);
        var parameters = new DynamicParameters();
        string?[] values = [sourceSystem, sourceName, target.FactTable, sourceHash];
        for (var i = 0; i < values.Length; i++)
        {
            parameters.Add(LineageKeyTextParameters[i].Name, values[i], DbType.String, size: LineageKeyTextParameters[i].Length);
        }

        parameters.Add("@LineageKey", dbType: DbType.Int32, direction: ParameterDirection.Output);
        warehouse.Connection.Execute(GetLineageKeyProcedure, parameters, commandType: CommandType.StoredProcedure);
        return new SqlServerLoadSession(warehouse, target, parameters.Get<int>("@LineageKey"), sourceName, checkpoint) { AbandonedLoadsCleaned = cleaned };
    }

    /// <inheritdoc />
    public void Reject(long sourceLineNumber, long sourceRecordNumber, string? columnName, string reason, string? rawRecord)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _rejects ??= new RejectSpool(SpoolDirectory);
        _rejects.Add(sourceLineNumber, sourceRecordNumber, columnName, reason.Length > 400 ? reason[..400] : reason, rawRecord);
        RowsRejected++;
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="CustomerMatchStagingRow"/> rows (the identities the host resolved) go to the target's
    /// <see cref="StagingTarget.ResolutionTable"/>; every other row type to its staging table.
    /// </remarks>
    public long Stage<T>(IEnumerable<T> rows)
        where T : class
    {
        if (typeof(T) == typeof(CustomerMatchStagingRow))
        {
            return Copy(Target.ResolutionTable ?? throw new NotSupportedException($"{Target.Entity} loads take no resolved identities."), rows);
        }

        return CopyStaged(rows);
    }

    /// <inheritdoc />
    public void Checkpoint(string name) => _checkpoint?.Invoke(name);

    /// <inheritdoc />
    /// <remarks>
    /// The host-side migration is not used: <see cref="StagingTarget.MigrateProcedure"/> migrates, rejects what the
    /// database cannot resolve, completes the lineage and moves the cutoff in one transaction; the final counts are
    /// read back from the lineage row.
    /// </remarks>
    public LoadCounts Migrate(long rowsRead, long rowsAccepted, string? cutoffSystem, HostMigration hostMigration)
    {
        if (rowsRead != rowsAccepted + RowsRejected)
        {
            throw new InvalidOperationException($"Row counts do not balance: read {rowsRead} ≠ loaded {rowsAccepted} + rejected {RowsRejected}.");
        }

        if (_rejects is not null)
        {
            CopyRejected(_rejects.Read(LineageKey, SourceName));
            _rejects.Dispose();
            _rejects = null;
        }

        Checkpoint("staged");
        Migrate();
        // The procedure's own counts (web: events, as the host counts them), so a unit mismatch shows as read ≠ the host's read.
        var (migrated, rejected) = _warehouse.Connection.QuerySingle<(long RowsLoaded, long RowsRejected)>(LineageCountsSql, new { LineageKey });
        return new LoadCounts(migrated + rejected, migrated, rejected,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{migrated:N0} rows loaded by {Target.MigrateProcedure}"));
    }

    /// <summary>Bulk-copies staged rows (public properties named like the staging columns) into the target's staging table.</summary>
    /// <typeparam name="T">Staging row type.</typeparam>
    /// <param name="rows">Rows, streamed.</param>
    /// <returns>Rows copied.</returns>
    public long CopyStaged<T>(IEnumerable<T> rows) => Copy(Target.StagingTable, rows);

    /// <summary>Bulk-copies rejected rows into <see cref="StagingTarget.RejectStagingTable"/> (the migration moves them into the target's reject table).</summary>
    /// <typeparam name="T">Reject row type.</typeparam>
    /// <param name="rows">Rows, streamed.</param>
    /// <returns>Rows copied.</returns>
    public long CopyRejected<T>(IEnumerable<T> rows) => Copy(StagingTarget.RejectStagingTable, rows);

    /// <summary>
    /// Arguments of <see cref="StagingTarget.MigrateProcedure"/> besides @LineageKey (name without @ → value), e.g.
    /// RejectDuplicates for purchases; null or empty: the procedure's defaults.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? ProcedureArguments { get; set; }

    /// <summary>BIGINT OUTPUT parameters of <see cref="StagingTarget.MigrateProcedure"/> (names without @) to read back into
    /// <see cref="ProcedureResults"/>, e.g. the purchase procedure's invoice counts; null: none.</summary>
    public IReadOnlyList<string>? ProcedureOutputs { get; set; }

    /// <summary>The values of <see cref="ProcedureOutputs"/> after <see cref="Migrate()"/> (a NULL output reads as 0).</summary>
    public IReadOnlyDictionary<string, long> ProcedureResults { get; private set; } = new Dictionary<string, long>();

    /// <summary>Runs the target's Integration procedure: migration, lineage completion and cutoff in one transaction.</summary>
    public void Migrate()
    {
        var parameters = new DynamicParameters(new { LineageKey });
        foreach (var (name, value) in ProcedureArguments ?? new Dictionary<string, object?>())
        {
            parameters.Add(name, value);
        }

        foreach (var name in ProcedureOutputs ?? [])
        {
            parameters.Add(name, dbType: DbType.Int64, direction: ParameterDirection.Output);
        }

        _warehouse.Connection.Execute(Target.MigrateProcedure, parameters, commandType: CommandType.StoredProcedure, commandTimeout: 0);
        _migrated = true;
        ProcedureResults = (ProcedureOutputs ?? []).ToDictionary(name => name, name => parameters.Get<long?>(name) ?? 0, StringComparer.Ordinal);
    }

    /// <summary>The SqlBulkCopy settings used for every copy.</summary>
    public static SqlBulkCopyOptions BulkCopyOptions => SqlBulkCopyOptions.CheckConstraints | SqlBulkCopyOptions.FireTriggers;

    /// <inheritdoc />
    /// <remarks>
    /// A load that did not migrate deletes its rows from the tables the host wrote and marks its lineage failed; then the
    /// load's lock is released. When the connection is gone, the session's end released the lock and the next load's
    /// <see cref="CleanupAbandonedLoads"/> removes the rows. The reject spool is deleted whatever happens.
    /// </remarks>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            EndOnServer();
        }
        finally
        {
            _rejects?.Dispose();
            _rejects = null;
        }
    }

    private void EndOnServer()
    {
        if (!_migrated)
        {
            try
            {
                foreach (var sql in Target.FailedLoadCleanupSql)
                {
                    _warehouse.Connection.Execute(sql, new { LineageKey });
                }

                _warehouse.Connection.Execute(FailLineageProcedure, new { LineageKey, Reason = EndedBeforeMigrationReason }, commandType: CommandType.StoredProcedure);
            }
            catch (SqlException)
            {
                // The connection may be gone; the staged rows carry the lineage key (only in staging tables), the lineage
                // row stays incomplete and the next load's cleanup takes it.
            }
        }

        try
        {
            _warehouse.Connection.Execute(ReleaseLoadLockProcedure, new { LineageKey }, commandType: CommandType.StoredProcedure);
        }
        catch (Exception e) when (e is SqlException or InvalidOperationException)
        {
            // No connection, no session: the lock ended with it.
        }
    }

    private long Copy<T>(string table, IEnumerable<T> rows)
    {
        using var reader = new ObjectDataReader<T>(rows);
        using var bulk = new SqlBulkCopy(_warehouse.SqlConnection, BulkCopyOptions, externalTransaction: null)
        {
            DestinationTableName = StagingTarget.Bracket(table),
            BatchSize = 50_000,
            BulkCopyTimeout = 0,
            EnableStreaming = true,
        };
        foreach (var column in ObjectDataReader<T>.ColumnNames)
        {
            bulk.ColumnMappings.Add(column, column);
        }

        bulk.WriteToServer(reader);
        return reader.RowsRead;
    }
}
