using Dapper;
using Warehouse.Data;

namespace Warehouse.Reports.Explanation;

/// <summary>
/// Explains each segment of a configuration's latest run as SQL: a <see cref="SurrogateTree"/> per segment (one
/// against the rest) on the run's features, read back as a predicate, then run in the warehouse against the real
/// assignment to measure precision and coverage; the result replaces the run's rows in Segmentation.SegmentRule
/// (<see cref="SegmentStore.ReplaceRules"/>: the procedure Segmentation.ReplaceSegmentRules on SQL Server). Learning and
/// measuring read only Reports views (Reports.Segment, Reports.CustomerDrillDown, Reports.CustomerFeature,
/// Reports.SegmentMember), so a SegmentReader login can learn and SegmentationOperator stores. Features with missing values among the members (for example CLV before it is computed) are left out, so the SQL
/// three-valued logic of NULL never disagrees with the tree.
/// </summary>
public static class SegmentExplainer
{
    /// <summary>Default depth: at most 8 leaves, predicates a person can read.</summary>
    public const int DefaultDepth = 3;

    /// <summary>Learns, measures and stores the rules of the latest run of <paramref name="configurationName"/>.</summary>
    /// <param name="warehouse">The warehouse (DuckDB or SQL Server).</param>
    /// <param name="configurationName">Configuration whose latest successful run is explained.</param>
    /// <param name="maxDepth">Depth of the surrogate trees, 1..6.</param>
    /// <returns>One rule per segment, in segment key order.</returns>
    public static IReadOnlyList<SegmentRule> Explain(IWarehouse warehouse, string configurationName, int maxDepth = DefaultDepth)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var data = RunData.Load(warehouse, configurationName);
        return Explain(warehouse, data, maxDepth);
    }

    /// <summary>As <see cref="Explain(IWarehouse, string, int)"/> with the run already loaded.</summary>
    public static IReadOnlyList<SegmentRule> Explain(IWarehouse warehouse, RunData data, int maxDepth = DefaultDepth)
    {
        var rules = Learn(warehouse, data, maxDepth);
        if (rules.Count > 0)
        {
            Store(warehouse, data.ModelRunKey, rules);
        }

        return rules;
    }

    /// <summary>Learns and measures the rules of a loaded run without storing them (reads the Reports views only).</summary>
    /// <param name="warehouse">The warehouse (DuckDB or SQL Server).</param>
    /// <param name="data">The run.</param>
    /// <param name="maxDepth">Depth of the surrogate trees, 1..6.</param>
    /// <returns>One rule per segment, in segment key order; none when the run has no members.</returns>
    public static IReadOnlyList<SegmentRule> Learn(IWarehouse warehouse, RunData data, int maxDepth = DefaultDepth)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Values.Count == 0)
        {
            return [];
        }

        var usable = Enumerable.Range(0, data.Features.Count).Where(j => data.Values.All(r => !double.IsNaN(r[j]))).ToArray();
        if (usable.Length == 0)
        {
            throw new InvalidOperationException($"Run {data.ModelRunKey}: every feature has missing values; no rule can be learned.");
        }

        var names = usable.Select(j => data.Features[j]).ToArray();
        var rows = data.Values.Select(r => usable.Select(j => r[j]).ToArray()).ToList();
        var minLeaf = Math.Max(3, data.Values.Count / 200);
        var rules = new List<SegmentRule>();
        foreach (var segment in data.Segments)
        {
            var target = data.SegmentKeys.Select(k => k == segment.SegmentKey).ToArray();
            var tree = SurrogateTree.Fit(rows, target, names, maxDepth, minLeaf);
            var (predicate, conditions) = tree.ToSql();
            var predicted = rows.Select(tree.Predict).ToArray();
            var hits = predicted.Where((p, i) => p && target[i]).Count();
            var selected = predicted.Count(p => p);
            var (matched, truePositives) = Measure(warehouse, data, segment.SegmentKey, predicate);
            rules.Add(new SegmentRule(data.ModelRunKey, segment.SegmentKey, predicate, maxDepth, conditions, segment.CustomerCount,
                matched, truePositives, selected == 0 ? 0 : (double)hits / selected));
        }

        return rules;
    }

    /// <summary>
    /// Runs <paramref name="predicate"/> as a WHERE clause on the run's feature snapshot and counts the customers of the
    /// run it selects, and how many of them the model put in <paramref name="segmentKey"/>.
    /// </summary>
    public static (int Matched, int TruePositives) Measure(IWarehouse warehouse, RunData data, int segmentKey, string predicate)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(predicate);
        // The predicate is generated from catalogue column names and numbers (SurrogateTree.ToSql), not user text.
        var sql = $"""
            SELECT CAST(COUNT(*) AS BIGINT) AS Matched,
                   CAST(COALESCE(SUM(CASE WHEN m.SegmentKey = @segmentKey THEN 1 ELSE 0 END), 0) AS BIGINT) AS TruePositives
            FROM (SELECT CustomerKey FROM Reports.CustomerFeature WHERE AsOfDateKey = @asOfDateKey AND ({predicate})) AS f
            INNER JOIN Reports.SegmentMember AS m ON m.CustomerKey = f.CustomerKey AND m.ConfigurationName = @configurationName
            """;
        var result = warehouse.Connection.QuerySingle<(long Matched, long TruePositives)>(warehouse.Sql(sql),
            new { segmentKey, asOfDateKey = data.AsOfDateKey, configurationName = data.ConfigurationName });
        return ((int)result.Matched, (int)result.TruePositives);
    }

    /// <summary>Replaces the stored rules of run <paramref name="modelRunKey"/> (Segmentation.ReplaceSegmentRules on SQL Server).</summary>
    /// <exception cref="UnauthorizedAccessException">SQL Server refused the call (the login lacks SegmentationOperator).</exception>
    public static void Store(IWarehouse warehouse, int modelRunKey, IReadOnlyList<SegmentRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        SegmentStore.ReplaceRules(warehouse, modelRunKey, rules.Select(r => new SegmentRuleRow(r.SegmentKey, r.Predicate, r.TreeDepth, r.ConditionCount,
            r.SegmentCustomerCount, r.MatchedCustomerCount, r.TruePositiveCount, r.MeasuredPrecision, r.MeasuredCoverage)).ToList());
    }
}
