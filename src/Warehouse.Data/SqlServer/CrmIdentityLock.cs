using System.Data;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Warehouse.Data.SqlServer;

/// <summary>
/// The CRM identity lock on SQL Server: a CRM load reads the known customers, resolves its rows in the host and stages the
/// answer; two such loads at the same time could both create a customer for the same new person. The load takes this
/// exclusive, session-owned application lock (<c>Integration.AcquireCrmIdentityLock</c>, resource
/// <see cref="Resource"/>) before it reads the identities and releases it (<see cref="Dispose"/>) after the migration
/// committed or failed; <c>Integration.MigrateStagedCustomerData</c> refuses to run without it and
/// <c>MigrateStagedPurchaseData</c>, which creates customers too, takes it for its transaction. A lost connection releases
/// it with the session. DuckDB needs none: one process writes the file at a time.
/// </summary>
public sealed class CrmIdentityLock : IDisposable
{
    /// <summary>The procedure that takes the lock (waits up to <c>@TimeoutSeconds</c>, then error 50090).</summary>
    public const string AcquireProcedure = "Integration.AcquireCrmIdentityLock";

    /// <summary>The procedure that releases it (nothing when the session does not hold it).</summary>
    public const string ReleaseProcedure = "Integration.ReleaseCrmIdentityLock";

    /// <summary>The application lock's resource name (sp_getapplock).</summary>
    public const string Resource = "Warehouse.CrmIdentity";

    /// <summary>How long a load waits for another CRM or purchase load to finish.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(10);

    private readonly SqlServerWarehouse _warehouse;
    private bool _released;

    private CrmIdentityLock(SqlServerWarehouse warehouse) => _warehouse = warehouse;

    /// <summary>Takes the lock for the warehouse's session, waiting up to <paramref name="timeout"/>.</summary>
    /// <param name="warehouse">The SQL Server warehouse (its connection is the session that holds the lock).</param>
    /// <param name="timeout">How long to wait; <see cref="DefaultTimeout"/> when null.</param>
    /// <exception cref="InvalidOperationException">Another load held the lock for the whole wait (retry later).</exception>
    public static CrmIdentityLock Acquire(SqlServerWarehouse warehouse, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var seconds = (int)Math.Ceiling((timeout ?? DefaultTimeout).TotalSeconds);
        try
        {
            warehouse.Connection.Execute(AcquireProcedure, new { TimeoutSeconds = seconds }, commandType: CommandType.StoredProcedure, commandTimeout: 0);
        }
        catch (SqlException e) when (Describe(e.Number, e.Message) is { } message)
        {
            throw new InvalidOperationException(message, e);
        }

        return new CrmIdentityLock(warehouse);
    }

    /// <summary>
    /// The host's message for a SQL Server error of the CRM identity lock: 50090 (another load held it for the whole
    /// wait), 50091 (a CRM migration called without it); null for any other error.
    /// </summary>
    /// <param name="number">SqlException.Number.</param>
    /// <param name="message">The server's message.</param>
    public static string? Describe(int number, string message) => number switch
    {
        50090 => $"{message} (CRM loads and purchase loads that create customers run one at a time on SQL Server.)",
        50091 => $"{message} (The host takes this lock before it reads the known customers; any other caller of the procedure must too.)",
        _ => null,
    };

    /// <summary>Releases the lock; a failure to do so is ignored (the session's end releases it).</summary>
    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        try
        {
            _warehouse.Connection.Execute(ReleaseProcedure, commandType: CommandType.StoredProcedure);
        }
        catch (SqlException)
        {
            // The connection may be gone, and the lock with it.
        }
        catch (InvalidOperationException)
        {
            // A closed connection: the lock ended with the session.
        }
    }
}
