using Dapper;

namespace Warehouse.Data;

/// <summary>One segment of the latest run of a configuration, as Reports.SegmentProfile shows it.</summary>
/// <param name="ConfigurationName">Configuration.</param>
/// <param name="ModelRunKey">The run.</param>
/// <param name="SegmentKey">Persistent segment key.</param>
/// <param name="SegmentName">Current name.</param>
/// <param name="CustomerCount">Members.</param>
/// <param name="Share">Share of the run's customers.</param>
/// <param name="MeanRecencyDays">Mean recency (days).</param>
/// <param name="MeanFrequency">Mean number of orders.</param>
/// <param name="MeanAverageOrderValue">Mean average order value.</param>
/// <param name="MeanMonetaryValue">Mean monetary value.</param>
public sealed record SegmentProfile(string ConfigurationName, int ModelRunKey, int SegmentKey, string SegmentName, long CustomerCount, double Share,
    double MeanRecencyDays, double MeanFrequency, double MeanAverageOrderValue, double MeanMonetaryValue);

/// <summary>
/// Reads <c>Reports.SegmentProfile</c> (<c>segment list</c>, and the demo's summary on SQL Server): the same statement on
/// both engines, in the common subset (unquoted schema-qualified names, explicit casts so both return the same types).
/// </summary>
public static class SegmentProfiles
{
    /// <summary>The statement; no parameters (it reads the Reports surface only).</summary>
    public const string Sql = """
        SELECT ConfigurationName, CAST(ModelRunKey AS INT) AS ModelRunKey, CAST(SegmentKey AS INT) AS SegmentKey, SegmentName,
               CAST(CustomerCount AS BIGINT) AS CustomerCount,
               CAST(COALESCE(Share, 0) AS DOUBLE PRECISION) AS Share,
               CAST(COALESCE(MeanRecencyDays, 0) AS DOUBLE PRECISION) AS MeanRecencyDays,
               CAST(COALESCE(MeanFrequency, 0) AS DOUBLE PRECISION) AS MeanFrequency,
               CAST(COALESCE(MeanAverageOrderValue, 0) AS DOUBLE PRECISION) AS MeanAverageOrderValue,
               CAST(COALESCE(MeanMonetaryValue, 0) AS DOUBLE PRECISION) AS MeanMonetaryValue
        FROM Reports.SegmentProfile
        ORDER BY ConfigurationName, MeanMonetaryValue DESC
        """;

    /// <summary>The segments of the latest run of every configuration (or of <paramref name="configurationName"/>).</summary>
    /// <param name="warehouse">Either engine.</param>
    /// <param name="configurationName">Only this configuration, or null for all.</param>
    public static IReadOnlyList<SegmentProfile> Read(IWarehouse warehouse, string? configurationName = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return warehouse.Connection.Query<SegmentProfile>(warehouse.Sql(Sql))
            .Where(p => configurationName is null || string.Equals(p.ConfigurationName, configurationName, StringComparison.Ordinal))
            .ToList();
    }
}
