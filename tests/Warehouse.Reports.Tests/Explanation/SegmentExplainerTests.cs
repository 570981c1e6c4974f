using Dapper;
using Warehouse.Reports.Explanation;

namespace Warehouse.Reports.Tests.Explanation;

/// <summary>Rules learned on the synthetic warehouse, stored in Segmentation.SegmentRule, and run back as SQL on DuckDB.</summary>
public sealed class SegmentExplainerTests : IDisposable
{
    private readonly SyntheticWarehouse _data = SyntheticWarehouse.Create();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Rules_run_as_where_clauses_and_reach_the_reported_precision_and_coverage()
    {
        var rules = SegmentExplainer.Explain(_data.Warehouse, SyntheticWarehouse.Configuration);
        Assert.Equal(3, rules.Count);
        var db = _data.Warehouse.Connection;
        foreach (var rule in rules)
        {
            // Independent check: run the stored predicate ourselves and compare with the planted assignment.
            var stored = db.QuerySingle<string>("SELECT Predicate FROM Segmentation.SegmentRule WHERE ModelRunKey = 1 AND SegmentKey = $k", new { k = rule.SegmentKey });
            Assert.Equal(rule.Predicate, stored);
            var selected = db.Query<int>($"SELECT CustomerKey FROM Segmentation.CustomerFeature WHERE AsOfDateKey = 20111210 AND ({stored})").ToHashSet();
            var members = _data.Customers.Where(c => c.SegmentKey == rule.SegmentKey).Select(c => c.CustomerKey).ToHashSet();
            var hits = selected.Count(members.Contains);
            Assert.Equal(selected.Count, rule.MatchedCustomerCount);
            Assert.Equal(hits, rule.TruePositiveCount);
            Assert.Equal((double)hits / selected.Count, rule.MeasuredPrecision, 12);
            Assert.Equal((double)hits / members.Count, rule.MeasuredCoverage, 12);
            // The SQL engine reaches exactly the precision the tree had in memory.
            Assert.Equal(rule.TrainingPrecision, rule.MeasuredPrecision, 12);
            // Planted segments are well separated: a depth-3 tree explains them almost perfectly.
            Assert.True(rule.MeasuredPrecision >= 0.95, $"precision {rule.MeasuredPrecision} for {rule.Predicate}");
            Assert.True(rule.MeasuredCoverage >= 0.95, $"coverage {rule.MeasuredCoverage} for {rule.Predicate}");
            Assert.InRange(rule.ConditionCount, 1, 8);
        }

        var profile = db.Query("SELECT SegmentKey, RulePredicate, RulePrecision FROM Reports.SegmentProfile ORDER BY SegmentKey").ToList();
        Assert.All(profile, p => Assert.NotNull(p.RulePredicate));
        Assert.Equal(3, db.QuerySingle<long>("SELECT COUNT(*) FROM Reports.SegmentExplanation WHERE IsLatest = 1"));
    }

    [Fact]
    public void Explaining_again_replaces_the_run_rules_and_features_with_missing_values_are_left_out()
    {
        SegmentExplainer.Explain(_data.Warehouse, SyntheticWarehouse.Configuration);
        var rules = SegmentExplainer.Explain(_data.Warehouse, SyntheticWarehouse.Configuration, maxDepth: 1);
        var db = _data.Warehouse.Connection;
        Assert.Equal(3, db.QuerySingle<long>("SELECT COUNT(*) FROM Segmentation.SegmentRule"));
        Assert.All(rules, r => Assert.Equal(1, r.TreeDepth));
        Assert.All(rules, r => Assert.True(r.ConditionCount <= 1));
        // The run lists CLV and Age nowhere, but the table has NULLs there; neither may appear in a rule.
        Assert.DoesNotContain(rules, r => r.Predicate.Contains("Age", StringComparison.Ordinal) || r.Predicate.Contains("Lifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void A_segment_with_overlapping_members_reports_the_precision_the_sql_really_reaches()
    {
        // Move ten random-looking members of segment 1 to segment 2 without changing features: no rule can be exact.
        var db = _data.Warehouse.Connection;
        db.Execute("UPDATE Segmentation.CustomerSegment SET SegmentKey = 2 WHERE CustomerKey IN (3, 9, 14, 22, 27, 33, 41, 47, 52, 58)");
        var rules = SegmentExplainer.Explain(_data.Warehouse, SyntheticWarehouse.Configuration);
        var first = rules.Single(r => r.SegmentKey == 1);
        Assert.Equal(50, first.SegmentCustomerCount);
        Assert.True(first.MeasuredPrecision < 1.0);
        Assert.Equal(first.TrainingPrecision, first.MeasuredPrecision, 12);
    }
}
