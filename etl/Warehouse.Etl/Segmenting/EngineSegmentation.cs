using System.Diagnostics;
using Warehouse.Data;
using Warehouse.Data.DuckDb;
using Warehouse.Data.SqlServer;

namespace Warehouse.Etl.Segmenting;

/// <summary>
/// <c>segment run</c> on either engine: the host's <see cref="SegmentationRunner"/> on the embedded warehouse; on SQL
/// Server the configuration's row runs in the database (Segmentation.RunConfiguration → CheckRunQuality → PublishRun,
/// the SQL CLR clustering, as the SQL Agent job runs it) and the summary is read back from the Reports views.
/// </summary>
public static class EngineSegmentation
{
    /// <summary><see cref="SegmentationResult.ExcludedForConsent"/> of a run whose count of profiling refusals is not known here.</summary>
    public const long NotReported = -1;

    /// <summary>Runs the configuration named in <paramref name="options"/>.</summary>
    /// <param name="warehouse">Either engine.</param>
    /// <param name="options">On SQL Server only the configuration name is used (algorithm, features, k and seed come from Segmentation.Configuration).</param>
    /// <param name="serverOverrides">On SQL Server, what the user gave explicitly (k, features, seed, restarts) to replace the configuration's values for this run.</param>
    public static SegmentationResult Run(IWarehouse warehouse, SegmentationOptions options, SqlServerSegmentation.RunOverrides? serverOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return warehouse switch
        {
            DuckDbWarehouse duckDb => SegmentationRunner.Run(duckDb, options),
            SqlServerWarehouse sqlServer => RunInDatabase(sqlServer, options.ConfigurationName, serverOverrides),
            _ => throw new NotSupportedException($"No segmentation path for the warehouse engine {warehouse?.Engine.ToString() ?? "(null)"}."),
        };
    }

    /// <summary>A row of Reports.SegmentProfile as a summary line (segment list, demo, server runs).</summary>
    /// <param name="profile">The profile row.</param>
    public static SegmentSummary Summary(SegmentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new SegmentSummary(profile.SegmentKey, false, profile.SegmentName, (int)profile.CustomerCount, profile.Share, profile.MeanRecencyDays,
            profile.MeanFrequency, profile.MeanAverageOrderValue, profile.MeanMonetaryValue);
    }

    private static SegmentationResult RunInDatabase(SqlServerWarehouse warehouse, string configurationName, SqlServerSegmentation.RunOverrides? overrides)
    {
        var clock = Stopwatch.StartNew();
        var run = SqlServerSegmentation.Run(warehouse, configurationName, overrides: overrides);
        var segments = SegmentProfiles.Read(warehouse, configurationName).Where(p => p.ModelRunKey == run.ModelRunKey).Select(Summary).ToList();
        // Refusals are left out in the database (Segmentation.RunConfiguration); their count is not on the Reports surface.
        return new SegmentationResult(run.ModelRunKey, run.ConfigurationName, run.NumberOfSegments, run.NumberOfCustomers, NotReported, run.AsOfDateKey,
            run.Silhouette ?? double.NaN, run.Inertia ?? double.NaN, segments, [], [], [], clock.Elapsed);
    }
}
