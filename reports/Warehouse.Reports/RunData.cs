using Dapper;
using Warehouse.Data;

namespace Warehouse.Reports;

/// <summary>One segment of a run.</summary>
/// <param name="SegmentKey">Persistent key.</param>
/// <param name="SegmentName">Current display name.</param>
/// <param name="CustomerCount">Members in the run.</param>
public sealed record SegmentInfo(int SegmentKey, string SegmentName, int CustomerCount);

/// <summary>
/// The latest run of one configuration as the Reports views show it: its segments and every member's feature values
/// (read from Reports.CustomerDrillDown; a missing value is NaN).
/// </summary>
public sealed class RunData
{
    private RunData(string configurationName, int modelRunKey, int asOfDateKey, IReadOnlyList<string> features,
        IReadOnlyList<int> customerKeys, IReadOnlyList<int> segmentKeys, IReadOnlyList<double[]> values, IReadOnlyList<SegmentInfo> segments)
    {
        ConfigurationName = configurationName;
        ModelRunKey = modelRunKey;
        AsOfDateKey = asOfDateKey;
        Features = features;
        CustomerKeys = customerKeys;
        SegmentKeys = segmentKeys;
        Values = values;
        Segments = segments;
    }

    /// <summary>Segmentation configuration.</summary>
    public string ConfigurationName { get; }

    /// <summary>The run.</summary>
    public int ModelRunKey { get; }

    /// <summary>As-of date of the run's feature snapshot (yyyymmdd).</summary>
    public int AsOfDateKey { get; }

    /// <summary>Features the run clustered on (see <see cref="FeatureCatalog.Parse"/>).</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Customer of each row.</summary>
    public IReadOnlyList<int> CustomerKeys { get; }

    /// <summary>Segment of each row.</summary>
    public IReadOnlyList<int> SegmentKeys { get; }

    /// <summary>Feature values of each row, in <see cref="Features"/> order; NaN when missing.</summary>
    public IReadOnlyList<double[]> Values { get; }

    /// <summary>Segments by key.</summary>
    public IReadOnlyList<SegmentInfo> Segments { get; }

    /// <summary>The configurations <see cref="Configurations"/> reads.</summary>
    public const string ConfigurationsSql = "SELECT ConfigurationName FROM Reports.LatestModelRun ORDER BY ConfigurationName";

    /// <summary>Configurations that have a successful run, in name order.</summary>
    public static IReadOnlyList<string> Configurations(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return warehouse.Connection.Query<string>(warehouse.Sql(ConfigurationsSql)).ToList();
    }

    /// <summary>Loads the latest successful run of <paramref name="configurationName"/>.</summary>
    /// <exception cref="InvalidOperationException">The configuration has no successful run.</exception>
    public static RunData Load(IWarehouse warehouse, string configurationName)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentException.ThrowIfNullOrEmpty(configurationName);
        var db = warehouse.Connection;
        var run = db.QuerySingleOrDefault<(int ModelRunKey, int AsOfDateKey, string Features)?>(
            warehouse.Sql("SELECT ModelRunKey, AsOfDateKey, Features FROM Reports.LatestModelRun WHERE ConfigurationName = @configurationName"),
            new { configurationName });
        if (run is null)
        {
            throw new InvalidOperationException($"Configuration '{configurationName}' has no successful model run (Segmentation.ModelRun with Status 'succeeded'); run `segment run` first.");
        }

        var features = FeatureCatalog.Parse(run.Value.Features);
        // Column names come from the fixed catalogue, never from user input.
        var columns = string.Join(", ", features.Select(f => $"CAST({f} AS FLOAT) AS {f}"));
        var customerKeys = new List<int>();
        var segmentKeys = new List<int>();
        var values = new List<double[]>();
        using (var reader = db.ExecuteReader(warehouse.Sql(
                   $"SELECT CustomerKey, SegmentKey, {columns} FROM Reports.CustomerDrillDown WHERE ConfigurationName = @configurationName ORDER BY CustomerKey"),
                   new { configurationName }))
        {
            while (reader.Read())
            {
                customerKeys.Add(reader.GetInt32(0));
                segmentKeys.Add(reader.GetInt32(1));
                var row = new double[features.Count];
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = reader.IsDBNull(j + 2) ? double.NaN : reader.GetDouble(j + 2);
                }

                values.Add(row);
            }
        }

        var names = db.Query<(int SegmentKey, string SegmentName)>(
            warehouse.Sql("SELECT SegmentKey, SegmentName FROM Reports.Segment WHERE ConfigurationName = @configurationName"),
            new { configurationName }).ToDictionary(s => s.SegmentKey, s => s.SegmentName);
        var segments = segmentKeys.GroupBy(k => k).OrderBy(g => g.Key)
            .Select(g => new SegmentInfo(g.Key, names.GetValueOrDefault(g.Key, $"Segment {g.Key}"), g.Count())).ToList();
        return new RunData(configurationName, run.Value.ModelRunKey, run.Value.AsOfDateKey, features, customerKeys, segmentKeys, values, segments);
    }
}
