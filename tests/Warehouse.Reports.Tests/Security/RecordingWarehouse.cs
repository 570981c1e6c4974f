using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Warehouse.Data;
using Warehouse.Data.DuckDb;

namespace Warehouse.Reports.Tests.Security;

/// <summary>A statement as the host sent it: the text (in the engine's parameter style) and its command type.</summary>
public sealed record SentStatement(string Text, CommandType CommandType);

/// <summary>
/// The DuckDB warehouse behind a connection that records every command the host sends through it (Dapper and plain
/// ADO.NET alike), so tests can check what a verb reads and writes. With <paramref name="refuse"/> it also plays a
/// login's permissions: a command it names a reason for is not run and fails with UnauthorizedAccessException, as
/// the host reports SQL Server's permission errors.
/// </summary>
public sealed class RecordingWarehouse(DuckDbWarehouse inner, Func<SentStatement, string?>? refuse = null) : IWarehouse
{
    private readonly RecordingConnection _connection = new(inner.Connection, refuse);

    public IReadOnlyList<SentStatement> Sent => _connection.Sent;

    public WarehouseEngine Engine => inner.Engine;

    public string Location => inner.Location;

    public DbConnection Connection => _connection;

    public string Sql(string sql) => inner.Sql(sql);

    public DbTransaction BeginTransaction() => inner.BeginTransaction();

    public void Clear() => _connection.Sent.Clear();

    /// <summary>Does not close the wrapped warehouse (its owner does).</summary>
    public void Dispose()
    {
    }

    private sealed class RecordingConnection(DbConnection inner, Func<SentStatement, string?>? refuse) : DbConnection
    {
        public Func<SentStatement, string?>? Refuse => refuse;

        public List<SentStatement> Sent { get; } = [];

        [AllowNull]
        public override string ConnectionString
        {
            get => inner.ConnectionString;
            set => inner.ConnectionString = value;
        }

        public override string Database => inner.Database;

        public override string DataSource => inner.DataSource;

        public override string ServerVersion => inner.ServerVersion;

        public override ConnectionState State => inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

        public override void Close()
        {
            // The wrapped connection stays open for its owner.
        }

        public override void Open()
        {
            if (inner.State != ConnectionState.Open)
            {
                inner.Open();
            }
        }

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

        protected override DbCommand CreateDbCommand() => new RecordingCommand(inner.CreateCommand(), this);
    }

    private sealed class RecordingCommand(DbCommand inner, RecordingConnection owner) : DbCommand
    {
        [AllowNull]
        public override string CommandText
        {
            get => inner.CommandText;
            set => inner.CommandText = value;
        }

        public override int CommandTimeout
        {
            get => inner.CommandTimeout;
            set => inner.CommandTimeout = value;
        }

        public override CommandType CommandType
        {
            get => inner.CommandType;
            set => inner.CommandType = value;
        }

        public override bool DesignTimeVisible
        {
            get => inner.DesignTimeVisible;
            set => inner.DesignTimeVisible = value;
        }

        public override UpdateRowSource UpdatedRowSource
        {
            get => inner.UpdatedRowSource;
            set => inner.UpdatedRowSource = value;
        }

        protected override DbConnection? DbConnection
        {
            get => owner;
            set
            {
            }
        }

        protected override DbParameterCollection DbParameterCollection => inner.Parameters;

        protected override DbTransaction? DbTransaction
        {
            get => inner.Transaction;
            set => inner.Transaction = value;
        }

        public override void Cancel() => inner.Cancel();

        public override void Prepare() => inner.Prepare();

        public override int ExecuteNonQuery()
        {
            Record();
            return inner.ExecuteNonQuery();
        }

        public override object? ExecuteScalar()
        {
            Record();
            return inner.ExecuteScalar();
        }

        protected override DbParameter CreateDbParameter() => inner.CreateParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            Record();
            return inner.ExecuteReader(behavior);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Record()
        {
            var sent = new SentStatement(inner.CommandText, inner.CommandType);
            if (owner.Refuse?.Invoke(sent) is { } reason)
            {
                throw new UnauthorizedAccessException(reason);
            }

            owner.Sent.Add(sent);
        }
    }
}
