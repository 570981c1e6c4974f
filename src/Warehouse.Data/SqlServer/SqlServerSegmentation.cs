using System.Data;
using Dapper;

namespace Warehouse.Data.SqlServer;

/// <summary>
/// <c>segment run --connection …</c>: runs a configuration inside SQL Server with the T-SQL procedures around the SQL CLR
/// clustering (Segmentation.RunConfiguration → CheckRunQuality → PublishRun), the same steps as the SQL Agent job.
/// Algorithm, features, k and seed come from the Segmentation.Configuration row, not from the command line.
/// </summary>
public static class SqlServerSegmentation
{
    /// <summary>Procedure that trains and records a run.</summary>
    public const string RunProcedure = "Segmentation.RunConfiguration";

    /// <summary>NVARCHAR length the host declares for @ConfigurationName (Segmentation.Configuration.ConfigurationName).</summary>
    public const int ConfigurationNameLength = 100;

    /// <summary>Procedure that checks a run against the configured thresholds.</summary>
    public const string QualityProcedure = "Segmentation.CheckRunQuality";

    /// <summary>Procedure that publishes a run's memberships.</summary>
    public const string PublishProcedure = "Segmentation.PublishRun";

    /// <summary>Reads the recorded run from the Reports surface (SegmentReader), not from Segmentation's tables (the operator role may only EXECUTE there).</summary>
    public const string RunSummarySql =
        "SELECT [ModelRunKey], [ConfigurationName], [Algorithm], [NumberOfSegments], [NumberOfCustomers], [AsOfDateKey], [Silhouette], [DaviesBouldin], [Inertia] FROM [Reports].[ModelQuality] WHERE [ModelRunKey] = @ModelRunKey;";

    /// <summary>A run as recorded in Segmentation.ModelRun.</summary>
    /// <param name="ModelRunKey">Run key.</param>
    /// <param name="ConfigurationName">Configuration.</param>
    /// <param name="Algorithm">Algorithm.</param>
    /// <param name="NumberOfSegments">Segments.</param>
    /// <param name="NumberOfCustomers">Customers clustered.</param>
    /// <param name="AsOfDateKey">As-of date.</param>
    /// <param name="Silhouette">Mean silhouette.</param>
    /// <param name="DaviesBouldin">Davies-Bouldin index.</param>
    /// <param name="Inertia">Within-cluster sum of squares (scaled space), when the algorithm has one.</param>
    public sealed record RunSummary(int ModelRunKey, string ConfigurationName, string Algorithm, int NumberOfSegments, int NumberOfCustomers,
        int AsOfDateKey, double? Silhouette, double? DaviesBouldin, double? Inertia);

    /// <summary>Runs, checks and (when the gate passes) publishes the configuration.</summary>
    /// <param name="warehouse">An open SQL Server warehouse with the CLR objects deployed.</param>
    /// <param name="configurationName">Row of Segmentation.Configuration.</param>
    /// <param name="publish">False to stop after the quality gate.</param>
    /// <exception cref="Microsoft.Data.SqlClient.SqlException">A procedure failed (unknown configuration, quality gate, CLR not deployed…); the message says which.</exception>
    public static RunSummary Run(SqlServerWarehouse warehouse, string configurationName, bool publish = true)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationName);
        var parameters = new DynamicParameters();
        parameters.Add("@ConfigurationName", configurationName, DbType.String, size: ConfigurationNameLength);
        parameters.Add("@ModelRunKey", dbType: DbType.Int32, direction: ParameterDirection.Output);
        warehouse.Connection.Execute(RunProcedure, parameters, commandType: CommandType.StoredProcedure, commandTimeout: 0);
        var modelRunKey = parameters.Get<int>("@ModelRunKey");
        warehouse.Connection.Execute(QualityProcedure, new { ConfigurationName = configurationName, ModelRunKey = modelRunKey }, commandType: CommandType.StoredProcedure);
        if (publish)
        {
            warehouse.Connection.Execute(PublishProcedure, new { ConfigurationName = configurationName, ModelRunKey = modelRunKey }, commandType: CommandType.StoredProcedure, commandTimeout: 0);
        }

        return warehouse.Connection.QuerySingle<RunSummary>(RunSummarySql, new { ModelRunKey = modelRunKey });
    }
}
