using Warehouse.Data.SqlServer;

namespace Warehouse.Data.Loading;

/// <summary>
/// <see cref="ISourceLoad"/> on the embedded engine: a <see cref="DuckDbLoadSession"/> (one transaction, the mapped
/// appender; purchases and rejects: the column-wise <see cref="DuckDb.DuckDbChunkAppender"/>) with the target's reject sink; the migration runs in the host and the session completes the lineage.
/// Every source stages into temporary tables of the load (no key or index to maintain, gone with the transaction):
/// CRM rows, survey answers, purchases, web sessions and social comments.
/// </summary>
public sealed class DuckDbSourceLoad : ISourceLoad
{
    private readonly DuckDbLoadSession.RejectSink _rejects;

    /// <summary>Wraps a started session.</summary>
    /// <param name="session">The load (owned: disposed with this object).</param>
    /// <param name="target">Staging and reject tables.</param>
    public DuckDbSourceLoad(DuckDbLoadSession session, StagingTarget target)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(target);
        Session = session;
        Target = target;
        _rejects = session.OpenRejects(target.RejectTable.Split('.')[1]);
    }

    /// <summary>The DuckDB session (for the host-side migration).</summary>
    public DuckDbLoadSession Session { get; }

    /// <inheritdoc />
    public int LineageKey => Session.LineageKey;

    /// <inheritdoc />
    public string SourceName => Session.SourceName;

    /// <inheritdoc />
    public StagingTarget Target { get; }

    /// <inheritdoc />
    public long RowsRejected => _rejects.Count;

    /// <inheritdoc />
    public void Reject(long sourceLineNumber, long sourceRecordNumber, string? columnName, string reason, string? rawRecord) =>
        _rejects.Add(sourceLineNumber, sourceRecordNumber, columnName, reason, rawRecord);

    /// <inheritdoc />
    public long Stage<T>(IEnumerable<T> rows)
        where T : class
    {
        var staged = rows switch
        {
            // CRM rows and survey answers go into temporary tables of the load with their staging table's columns
            // (see CustomerMigration, DemographicsMigration).
            IEnumerable<CustomerStagingRow> r => CustomerMigration.Stage(Session, r),
            IEnumerable<DemographicsStagingRow> r => DemographicsMigration.Stage(Session, r),
            // Purchases are staged dictionary-coded in temporary tables of the load (no index to maintain; see PurchaseMigration).
            IEnumerable<PurchaseStagingRow> r => PurchaseMigration.Stage(Session, r),
            // Web sessions and comments too, in a temporary table with the staging table's columns (see InteractionMigration).
            IEnumerable<WebSessionStagingRow> r => InteractionMigration.StageWeb(Session, r),
            IEnumerable<SocialStagingRow> r => InteractionMigration.StageSocial(Session, r),
            _ => throw new NotSupportedException($"{typeof(T).Name} is not a staging row type."),
        };

        // The rejects met while staging are in the sink's temporary tables of the load; Migrate writes them into the reject table.
        return staged;
    }

    /// <inheritdoc />
    public void Checkpoint(string name) => Session.Checkpoint(name);

    /// <inheritdoc />
    public LoadCounts Migrate(long rowsRead, long rowsAccepted, string? cutoffSystem, HostMigration hostMigration)
    {
        ArgumentNullException.ThrowIfNull(hostMigration);
        _rejects.Flush();
        Session.Checkpoint("staged");
        var outcome = hostMigration(Session);
        // The last step of every migration: flag the load's unusual fact rows (kept, never dropped) and record why.
        OutlierFlagging.Run(Session, Target.FactTable);
        Session.Checkpoint("outliers");
        var loaded = rowsAccepted - outcome.UnknownRejected;
        var rejected = _rejects.Count + outcome.UnknownRejected;
        Session.Complete(rowsRead, loaded, rejected, outcome.Cutoff, cutoffSystem);
        return new LoadCounts(rowsRead, loaded, rejected, outcome.Detail);
    }

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();
}
