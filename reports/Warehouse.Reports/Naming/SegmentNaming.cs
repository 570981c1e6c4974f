using Dapper;
using Warehouse.Data;

namespace Warehouse.Reports.Naming;

/// <summary>
/// Keeps Segmentation.Segment names in step with the profiles. After each run, <see cref="ApplyGeneratedNames"/> stores
/// the generated name of every segment of the run in GeneratedName, and in SegmentName too unless a user renamed the
/// segment (IsRenamed = 1): a rename survives later runs because SegmentKey is persistent and renamed names are never
/// overwritten. <see cref="Rename"/> is the user's side; in T-SQL the same is
/// <c>EXEC Segmentation.RenameSegment @SegmentKey = …, @SegmentName = N'…'</c>.
/// </summary>
public static class SegmentNaming
{
    /// <summary>
    /// Generates names for the segments of the latest successful run of <paramref name="configurationName"/> from
    /// Reports.SegmentComparison (standardised means of the features the run clustered on) and stores them with a
    /// description of the strongest differences. Call it after the run's memberships are written. No verb calls it (the
    /// host's runner names segments with <see cref="SegmentNamer"/> as it records the run, Segmentation.RunConfiguration
    /// does on SQL Server); it writes Segmentation.Segment directly, so on SQL Server it needs table rights no role grants.
    /// </summary>
    /// <returns>Segment key → generated name.</returns>
    public static IReadOnlyDictionary<int, string> ApplyGeneratedNames(IWarehouse warehouse, string configurationName)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentException.ThrowIfNullOrEmpty(configurationName);
        var db = warehouse.Connection;
        // Names describe what the model clustered on: only the run's features count.
        var features = FeatureCatalog.Parse(db.QuerySingleOrDefault<string>(
            warehouse.Sql("SELECT Features FROM Reports.LatestModelRun WHERE ConfigurationName = @configurationName"), new { configurationName }))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var rows = db.Query<(int SegmentKey, string FeatureName, double StandardizedMean, double Mean, double MeanIndex)>(
            warehouse.Sql("""
                SELECT SegmentKey, FeatureName, StandardizedMean, Mean, COALESCE(MeanIndex, 0) AS MeanIndex
                FROM Reports.SegmentComparison WHERE ConfigurationName = @configurationName
                """), new { configurationName }).Where(r => features.Contains(r.FeatureName)).ToList();
        var profiles = rows.GroupBy(r => r.SegmentKey).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, double>)g.ToDictionary(r => r.FeatureName, r => r.StandardizedMean, StringComparer.OrdinalIgnoreCase));
        var names = SegmentNamer.GenerateUnique(profiles);
        using var transaction = warehouse.BeginTransaction();
        foreach (var (segmentKey, name) in names)
        {
            var description = Describe(rows.Where(r => r.SegmentKey == segmentKey).Select(r => (r.FeatureName, r.StandardizedMean, r.Mean, r.MeanIndex)));
            db.Execute(warehouse.Sql("""
                UPDATE Segmentation.Segment
                SET GeneratedName = @name,
                    SegmentName = CASE WHEN IsRenamed = 1 THEN SegmentName ELSE @name END,
                    Description = @description
                WHERE SegmentKey = @segmentKey
                """), new { name, description, segmentKey }, transaction);
        }

        transaction.Commit();
        return names;
    }

    /// <summary>
    /// Sets a user's name for a segment; it then survives new runs. A null or blank name restores the generated one.
    /// Goes through Segmentation.RenameSegment on SQL Server (<see cref="SegmentStore.Rename"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The name is longer than 100 characters.</exception>
    /// <exception cref="InvalidOperationException">No segment has the key.</exception>
    public static void Rename(IWarehouse warehouse, int segmentKey, string? name) => SegmentStore.Rename(warehouse, segmentKey, name);

    /// <summary>A sentence on the strongest differences, e.g. "RecencyDays 12.3 (index 25); Frequency 14.1 (index 310)".</summary>
    private static string Describe(IEnumerable<(string Feature, double Z, double Mean, double Index)> figures)
    {
        var parts = figures.OrderByDescending(f => Math.Abs(f.Z)).Take(4)
            .Select(f => FormattableString.Invariant($"{f.Feature} {f.Mean:0.##} (index {f.Index:0})"));
        var text = "Mean vs all customers: " + string.Join("; ", parts);
        return text.Length <= 400 ? text : text[..400];
    }
}
