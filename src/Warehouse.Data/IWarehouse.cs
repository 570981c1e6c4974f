using System.Data.Common;

namespace Warehouse.Data;

/// <summary>
/// An open connection to the warehouse, whatever the engine. SQL is written once, in the T-SQL parameter style
/// (<c>@name</c>) and with schema-qualified names; <see cref="Sql"/> adapts it to the engine.
/// </summary>
public interface IWarehouse : IDisposable
{
    /// <summary>The engine behind this warehouse.</summary>
    WarehouseEngine Engine { get; }

    /// <summary>Where the warehouse is: the DuckDB file path, or the SQL Server data source and database.</summary>
    string Location { get; }

    /// <summary>The open connection. Use with Dapper; pass SQL through <see cref="Sql"/> first.</summary>
    DbConnection Connection { get; }

    /// <summary>Rewrites SQL written with <c>@name</c> parameters to the engine's parameter style.</summary>
    /// <param name="sql">SQL in the common subset with T-SQL style parameters.</param>
    string Sql(string sql);

    /// <summary>Starts a transaction on <see cref="Connection"/>.</summary>
    DbTransaction BeginTransaction();
}
