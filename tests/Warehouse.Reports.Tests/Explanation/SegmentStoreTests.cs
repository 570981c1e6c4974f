using Dapper;
using Warehouse.Data;
using Warehouse.Reports.Explanation;
using Warehouse.Reports.Naming;

namespace Warehouse.Reports.Tests.Explanation;

/// <summary>
/// The DuckDB side of Segmentation.ReplaceSegmentRules and Segmentation.RenameSegment (SegmentStore) and the Reports
/// views the learner and the report read instead of Segmentation's tables: same checks and messages as the
/// procedures, all or nothing, and the same rows as writing the tables directly did.
/// </summary>
public sealed class SegmentStoreTests : IDisposable
{
    private readonly SyntheticWarehouse _data = SyntheticWarehouse.Create(customersPerSegment: 40);

    public void Dispose() => _data.Dispose();

    private List<(int SegmentKey, string Predicate, int Matched)> StoredRules() =>
        _data.Warehouse.Connection.Query<(int, string, int)>(
            "SELECT SegmentKey, Predicate, MatchedCustomerCount FROM Segmentation.SegmentRule WHERE ModelRunKey = 1 ORDER BY SegmentKey").ToList();

    [Fact]
    public void A_rejected_replacement_leaves_the_run_rules_as_they_were()
    {
        var learned = SegmentExplainer.Explain(_data.Warehouse, SyntheticWarehouse.Configuration);
        var before = StoredRules();
        Assert.Equal(3, before.Count);
        SegmentRuleRow Row(int segmentKey, string predicate) => new(segmentKey, predicate, 1, 1, 40, 40, 40, 1, 1);

        var stranger = Assert.Throws<InvalidOperationException>(() =>
            SegmentStore.ReplaceRules(_data.Warehouse, 1, [Row(1, "Frequency > 1"), Row(99, "Frequency > 2")]));
        Assert.Contains("segment 99 is not a segment of run 1", stranger.Message, StringComparison.Ordinal);
        var noRun = Assert.Throws<InvalidOperationException>(() => SegmentStore.ReplaceRules(_data.Warehouse, 5, [Row(1, "Frequency > 1")]));
        Assert.Contains("no succeeded run 5", noRun.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SegmentStore.ReplaceRules(_data.Warehouse, 1, [Row(2, "Frequency > 1"), Row(2, "Frequency > 3")]));
        Assert.Throws<ArgumentException>(() => SegmentStore.ReplaceRules(_data.Warehouse, 1, [Row(2, " ")]));
        Assert.Equal(before, StoredRules());

        // A valid list replaces every rule of the run (segment 3 had one and now has none); an empty list removes them.
        SegmentStore.ReplaceRules(_data.Warehouse, 1, [Row(1, "Frequency > 1"), Row(2, "RecencyDays > 100")]);
        Assert.Equal([(1, "Frequency > 1", 40), (2, "RecencyDays > 100", 40)], StoredRules());
        SegmentStore.ReplaceRules(_data.Warehouse, 1, []);
        Assert.Empty(StoredRules());
        Assert.Equal(3, learned.Count);
    }

    [Fact]
    public void Stored_rules_read_back_through_the_reports_view_as_learned()
    {
        var learned = SegmentExplainer.Explain(_data.Warehouse, SyntheticWarehouse.Configuration);
        var shown = _data.Warehouse.Connection.Query<(int SegmentKey, string Predicate, int TreeDepth, int ConditionCount, int SegmentCustomerCount,
            int MatchedCustomerCount, int TruePositiveCount, double MeasuredPrecision, double MeasuredCoverage)>("""
            SELECT SegmentKey, Predicate, TreeDepth, ConditionCount, SegmentCustomerCount, MatchedCustomerCount, TruePositiveCount, MeasuredPrecision, MeasuredCoverage
            FROM Reports.SegmentExplanation WHERE ModelRunKey = 1 AND IsLatest = 1 ORDER BY SegmentKey
            """).ToList();
        Assert.Equal(
            learned.Select(r => (r.SegmentKey, r.Predicate, r.TreeDepth, r.ConditionCount, r.SegmentCustomerCount, r.MatchedCustomerCount, r.TruePositiveCount,
                r.MeasuredPrecision, r.MeasuredCoverage)),
            shown);
    }

    [Fact]
    public void Measuring_on_the_reports_views_counts_what_the_feature_table_query_counted()
    {
        var data = RunData.Load(_data.Warehouse, SyntheticWarehouse.Configuration);
        var rules = SegmentExplainer.Learn(_data.Warehouse, data);
        Assert.Empty(StoredRules()); // learning alone stores nothing
        foreach (var rule in rules)
        {
            // The measurement as it was written before the Reports views existed.
            var old = _data.Warehouse.Connection.QuerySingle<(long Matched, long TruePositives)>($"""
                SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN m.SegmentKey = $k THEN 1 ELSE 0 END), 0) AS BIGINT)
                FROM (SELECT CustomerKey FROM Segmentation.CustomerFeature WHERE AsOfDateKey = 20111210 AND ({rule.Predicate})) AS f
                INNER JOIN Reports.SegmentMember AS m ON m.CustomerKey = f.CustomerKey AND m.ConfigurationName = 'default'
                """, new { k = rule.SegmentKey });
            Assert.Equal(((int)old.Matched, (int)old.TruePositives), (rule.MatchedCustomerCount, rule.TruePositiveCount));
            Assert.True(rule.MatchedCustomerCount > 0);
        }
    }

    [Fact]
    public void Reports_customer_feature_leaves_out_customers_who_refused_profiling()
    {
        var db = _data.Warehouse.Connection;
        Assert.Equal(db.QuerySingle<long>("SELECT COUNT(*) FROM Segmentation.CustomerFeature"), db.QuerySingle<long>("SELECT COUNT(*) FROM Reports.CustomerFeature"));
        db.Execute("UPDATE Dimension.Customer SET ConsentProfiling = false WHERE CustomerKey IN (1, 2)");
        db.Execute("UPDATE Dimension.Customer SET ConsentProfiling = true WHERE CustomerKey = 3");
        var keys = db.Query<int>("SELECT CustomerKey FROM Reports.CustomerFeature").ToHashSet();
        Assert.DoesNotContain(1, keys);
        Assert.DoesNotContain(2, keys);
        Assert.Contains(3, keys);
        Assert.Equal(db.QuerySingle<long>("SELECT COUNT(*) FROM Segmentation.CustomerFeature") - 2, keys.Count);
    }

    [Fact]
    public void Rename_checks_the_name_and_the_key_before_changing_anything()
    {
        var db = _data.Warehouse.Connection;
        (string Name, bool IsRenamed) Segment(int key) => db.QuerySingle<(string, bool)>("SELECT SegmentName, IsRenamed FROM Reports.Segment WHERE SegmentKey = $key", new { key });

        Assert.Throws<ArgumentException>(() => SegmentNaming.Rename(_data.Warehouse, 1, new string('x', 101)));
        var unknown = Assert.Throws<InvalidOperationException>(() => SegmentNaming.Rename(_data.Warehouse, 42, "VIP"));
        Assert.Contains("no segment with SegmentKey 42", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(("Segment A", false), Segment(1));

        SegmentNaming.Rename(_data.Warehouse, 1, " \t" + new string('y', 100) + "  ");
        Assert.Equal((new string('y', 100), true), Segment(1));
        SegmentNaming.Rename(_data.Warehouse, 1, "   ");
        Assert.Equal(("Segment A", false), Segment(1));
        Assert.Equal(("Segment B", false), Segment(2));
    }
}
