using System.Data;
using Dapper;

namespace Warehouse.Data.SqlServer;

/// <summary>
/// <c>segment run --connection …</c>: runs a configuration inside SQL Server with the T-SQL procedures around the SQL CLR
/// clustering (Segmentation.RunConfiguration → CheckRunQuality → PublishRun), the same steps as the SQL Agent job.
/// Algorithm, features, k and seed come from the Segmentation.Configuration row; k, features, seed and restarts given on
/// the command line override it for one run (<see cref="RunOverrides"/>, recorded on the run by the procedure).
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

    /// <summary>NVARCHAR length the host declares for @FeatureList (Segmentation.Configuration.Features).</summary>
    public const int FeatureListLength = 1000;

    /// <summary>
    /// Values that replace the configuration's for one run; null leaves the configured value. The procedure records
    /// what the run used (ModelRun.Parameters, Features, Seed).
    /// </summary>
    /// <param name="K">Number of segments: the option k (1–1000).</param>
    /// <param name="Features">Feature columns, in order (each must be a feature of Segmentation.FeatureDefinition).</param>
    /// <param name="Seed">Random seed.</param>
    /// <param name="Restarts">k-means / mixture restarts: the option nInit (1–1000).</param>
    public sealed record RunOverrides(int? K = null, IReadOnlyList<string>? Features = null, int? Seed = null, int? Restarts = null)
    {
        /// <summary>No override: the configuration's row as it is.</summary>
        public static RunOverrides None { get; } = new();
    }

    /// <summary>The parameters <see cref="Run"/> sends to <see cref="RunProcedure"/>, in the procedure's order.</summary>
    /// <param name="configurationName">Row of Segmentation.Configuration.</param>
    /// <param name="overrides">Per-run overrides, or null.</param>
    public static DynamicParameters RunParameters(string configurationName, RunOverrides? overrides)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationName);
        var o = overrides ?? RunOverrides.None;
        var features = o.Features is { Count: > 0 } names ? string.Join(",", names.Select(n => n.Trim())) : null;
        if (features is { Length: > FeatureListLength })
        {
            throw new ArgumentException($"The feature list is {features.Length} characters; Segmentation.RunConfiguration takes at most {FeatureListLength}.", nameof(overrides));
        }

        var parameters = new DynamicParameters();
        parameters.Add("@ConfigurationName", configurationName, DbType.String, size: ConfigurationNameLength);
        parameters.Add("@ModelRunKey", dbType: DbType.Int32, direction: ParameterDirection.Output);
        parameters.Add("@K", o.K, DbType.Int32);
        parameters.Add("@FeatureList", features, DbType.String, size: FeatureListLength);
        parameters.Add("@RandomSeed", o.Seed, DbType.Int32);
        parameters.Add("@Restarts", o.Restarts, DbType.Int32);
        return parameters;
    }

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
    /// <param name="overrides">Per-run overrides of the configuration (k, features, seed, restarts), or null.</param>
    /// <exception cref="Microsoft.Data.SqlClient.SqlException">A procedure failed (unknown configuration, quality gate, CLR not deployed…); the message says which.</exception>
    public static RunSummary Run(SqlServerWarehouse warehouse, string configurationName, bool publish = true, RunOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var parameters = RunParameters(configurationName, overrides);
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
