using Warehouse.Data.DuckDb;
using Warehouse.Data.SqlServer;

namespace Warehouse.Data.Loading;

/// <summary>Starts loads on either engine (see <see cref="ISourceLoad"/>).</summary>
public static class SourceLoad
{
    /// <summary>The lineage key of an earlier successful load of the same content into the same target, or null.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="sourceSystem">Source system, e.g. crm.</param>
    /// <param name="target">Load target.</param>
    /// <param name="sourceHash">SHA-256 of the content (hex).</param>
    public static int? FindSuccessfulLoad(IWarehouse warehouse, string sourceSystem, StagingTarget target, string sourceHash)
    {
        ArgumentNullException.ThrowIfNull(target);
        return warehouse switch
        {
            DuckDbWarehouse duckDb => DuckDbLoadSession.FindSuccessfulLoad(duckDb, sourceSystem, target.FactTable, sourceHash),
            SqlServerWarehouse sqlServer => SqlServerLoadSession.FindSuccessfulLoad(sqlServer, sourceSystem, target, sourceHash),
            _ => throw Unsupported(warehouse),
        };
    }

    /// <summary>Starts a load: a new lineage row (not yet successful).</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="target">Load target.</param>
    /// <param name="sourceSystem">Source system: crm, demographics, web, social, transactions.</param>
    /// <param name="sourceName">File name (without folder).</param>
    /// <param name="sourceHash">SHA-256 of the content (hex), or null.</param>
    /// <param name="checkpoint">Called at named checkpoints; throwing from it simulates a crash (tests, drills).</param>
    public static ISourceLoad Begin(IWarehouse warehouse, StagingTarget target, string sourceSystem, string sourceName, string? sourceHash,
        Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return warehouse switch
        {
            DuckDbWarehouse duckDb => new DuckDbSourceLoad(DuckDbLoadSession.Begin(duckDb, sourceSystem, sourceName, sourceHash, target.FactTable, checkpoint), target),
            SqlServerWarehouse sqlServer => SqlServerLoadSession.Begin(sqlServer, target, sourceSystem, sourceName, sourceHash, checkpoint),
            _ => throw Unsupported(warehouse),
        };
    }

    private static NotSupportedException Unsupported(IWarehouse warehouse) =>
        new($"No load path for the warehouse engine {warehouse?.Engine.ToString() ?? "(null)"}.");
}
