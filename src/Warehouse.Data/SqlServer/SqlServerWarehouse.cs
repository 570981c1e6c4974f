using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Warehouse.Data.SqlServer;

/// <summary>
/// The production warehouse: a SQL Server 2019/2022 database deployed from Warehouse.dacpac (the schema is not created
/// here; a missing schema is a clear error). SQL written with <c>@name</c> parameters runs unchanged; loads go through
/// <see cref="SqlServerLoadSession"/> (SqlBulkCopy into staging, then the Integration procedures).
/// </summary>
public sealed class SqlServerWarehouse : IWarehouse
{
    /// <summary>
    /// Checks that the database was deployed: an object of the warehouse is visible. OBJECT_ID sees only objects the
    /// login has some permission on, so the check names one object per role (EtlLoader, SegmentationOperator,
    /// SegmentReader); a login in any of them passes, a database without the warehouse schema does not.
    /// </summary>
    public const string SchemaCheckSql =
        "SELECT CASE WHEN OBJECT_ID(N'Integration.GetLineageKey', N'P') IS NOT NULL OR OBJECT_ID(N'Segmentation.RunConfiguration', N'P') IS NOT NULL OR OBJECT_ID(N'Reports.LatestModelRun', N'V') IS NOT NULL THEN 1 ELSE 0 END";

    private readonly SqlConnection _connection;

    /// <summary>Wraps a connection as it is (<see cref="Open"/> connects and checks it; tests build one that never connects).</summary>
    internal SqlServerWarehouse(SqlConnection connection, string location)
    {
        _connection = connection;
        Location = location;
    }

    /// <inheritdoc />
    public WarehouseEngine Engine => WarehouseEngine.SqlServer;

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public DbConnection Connection => _connection;

    /// <summary>The SQL Server connection, for SqlBulkCopy.</summary>
    public SqlConnection SqlConnection => _connection;

    /// <summary>True when <paramref name="value"/> looks like a SQL Server connection string rather than a file path.</summary>
    /// <param name="value">The --connection or --warehouse value.</param>
    public static bool IsConnectionString(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Contains('=', StringComparison.Ordinal) &&
        (value.Contains("Server", StringComparison.OrdinalIgnoreCase) || value.Contains("Data Source", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Parses and checks a connection string without connecting: a server and a database are required (the
    /// warehouse is never master).
    /// </summary>
    /// <param name="connectionString">SQL Server connection string.</param>
    /// <exception cref="ArgumentException">Malformed, no server, no database, or a system database.</exception>
    public static SqlConnectionStringBuilder ParseConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"--connection is not a valid SQL Server connection string: {e.Message}", nameof(connectionString), e);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("--connection names no server (Server=…).", nameof(connectionString));
        }

        if (string.IsNullOrWhiteSpace(builder.InitialCatalog))
        {
            throw new ArgumentException("--connection names no database (Database=…): give the database Warehouse.dacpac was published to.", nameof(connectionString));
        }

        if (builder.InitialCatalog.ToUpperInvariant() is "MASTER" or "MSDB" or "MODEL" or "TEMPDB")
        {
            throw new ArgumentException($"--connection names the system database {builder.InitialCatalog}; give the warehouse database.", nameof(connectionString));
        }

        builder.ApplicationName = string.IsNullOrEmpty(builder.ApplicationName) || builder.ApplicationName == "Core Microsoft SqlClient Data Provider"
            ? "warehouse-segmentation"
            : builder.ApplicationName;
        return builder;
    }

    /// <summary>Connects and checks that the warehouse schema is deployed.</summary>
    /// <param name="connectionString">SQL Server connection string with a database.</param>
    /// <exception cref="ArgumentException">The connection string is not usable.</exception>
    /// <exception cref="InvalidOperationException">The server cannot be reached or the database lacks the warehouse schema.</exception>
    public static SqlServerWarehouse Open(string connectionString)
    {
        var builder = ParseConnectionString(connectionString);
        var connection = new SqlConnection(builder.ConnectionString);
        var location = $"{builder.DataSource}/{builder.InitialCatalog}";
        try
        {
            connection.Open();
            if (connection.ExecuteScalar<int>(SchemaCheckSql) != 1)
            {
                throw new InvalidOperationException($"The database {location} has no warehouse schema this login can see: publish Warehouse.dacpac first, and add the login to EtlLoader, SegmentationOperator or SegmentReader (see README, SQL Server deployment).");
            }
        }
        catch (SqlException e)
        {
            connection.Dispose();
            throw new InvalidOperationException($"Connecting to SQL Server {location} failed: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new SqlServerWarehouse(connection, location);
    }

    /// <inheritdoc />
    public string Sql(string sql) => sql;

    /// <inheritdoc />
    public DbTransaction BeginTransaction() => _connection.BeginTransaction(IsolationLevel.ReadCommitted);

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();
}
