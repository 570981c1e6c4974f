namespace Warehouse.Data;

/// <summary>The database engine behind a warehouse.</summary>
public enum WarehouseEngine
{
    /// <summary>Embedded DuckDB file (the default: nothing to install).</summary>
    DuckDb,

    /// <summary>SQL Server 2019 or later (production).</summary>
    SqlServer,
}
