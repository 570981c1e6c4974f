using Dapper;

namespace Warehouse.Reports.Tests.Views;

/// <summary>
/// The Reports.* views (T-SQL source translated for DuckDB) on the synthetic warehouse, checked against a direct
/// computation over the values the generator wrote (<see cref="SyntheticWarehouse.Customers"/>).
/// </summary>
public sealed class ReportsViewTests : IDisposable
{
    private readonly SyntheticWarehouse _data = SyntheticWarehouse.Create();

    public void Dispose() => _data.Dispose();

    private static readonly (string Name, Func<SyntheticCustomer, double?> Value)[] Features =
    [
        ("RecencyDays", c => c.RecencyDays),
        ("Frequency", c => c.Frequency),
        ("MonetaryValue", c => (double)c.MonetaryValue),
        ("AverageOrderValue", c => (double)c.AverageOrderValue),
        ("TenureDays", c => c.TenureDays),
        ("CancellationRate", c => c.CancellationRate),
        ("CustomerLifetimeValue", c => (double?)c.CustomerLifetimeValue),
        ("WebSessions", c => c.WebSessions),
        ("WebEngagement", c => c.WebEngagement),
        ("WebConversionRate", c => c.WebConversionRate),
        ("SocialComments", c => c.SocialComments),
        ("SocialSentiment", c => c.SocialSentiment),
        ("Age", c => c.Age),
        ("SocialNegativeShare", c => c.SocialNegativeShare),
    ];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Fact]
    public void Segment_comparison_matches_a_direct_computation_for_every_segment_and_feature()
    {
        var rows = _data.Warehouse.Connection.Query("SELECT * FROM Reports.SegmentComparison").ToList();
        Assert.Equal(3 * Features.Length, rows.Count);
        foreach (var (name, value) in Features)
        {
            var all = _data.Customers.Select(value).Where(v => v.HasValue).Select(v => v!.Value).ToArray();
            var overallMean = all.Average();
            var overallStd = Math.Sqrt(all.Select(v => (v - overallMean) * (v - overallMean)).Average());
            for (var segment = 1; segment <= 3; segment++)
            {
                var values = _data.Customers.Where(c => c.SegmentKey == segment).Select(value).Where(v => v.HasValue).Select(v => v!.Value).ToArray();
                var row = rows.Single(r => (string)r.FeatureName == name && (int)r.SegmentKey == segment);
                var what = $"{name} segment {segment}";
                Assert.Equal(values.Length, (int)(long)row.CustomerCount);
                Near(values.Average(), (double)row.Mean, what + " mean");
                Near(Median(values), (double)row.Median, what + " median");
                Near(values.Min(), (double)row.Minimum, what + " min");
                Near(Median(all), (double)row.OverallMedian, what + " overall median");
                Near(overallStd, (double)row.OverallStandardDeviation, what + " overall sd");
                Near(100 * values.Average() / overallMean, (double)row.MeanIndex, what + " index");
                Near((values.Average() - overallMean) / overallStd, (double)row.StandardizedMean, what + " z");
            }
        }
    }

    [Fact]
    public void Segment_profile_has_sizes_shares_means_medians_and_indexes()
    {
        var rows = _data.Warehouse.Connection.Query("SELECT * FROM Reports.SegmentProfile ORDER BY SegmentKey").ToList();
        Assert.Equal(3, rows.Count);
        for (var segment = 1; segment <= 3; segment++)
        {
            var members = _data.Customers.Where(c => c.SegmentKey == segment).ToList();
            var row = rows[segment - 1];
            Assert.Equal(SyntheticWarehouse.SegmentNames[segment - 1], (string)row.SegmentName);
            Assert.Equal(members.Count, (int)(long)row.CustomerCount);
            Near((double)members.Count / _data.Customers.Count, (double)row.Share, "share");
            Near(members.Average(c => c.RecencyDays), (double)row.MeanRecencyDays, "mean recency");
            Near(Median(members.Select(c => (double)c.Frequency)), (double)row.MedianFrequency, "median frequency");
            var clv = members.Where(c => c.CustomerLifetimeValue.HasValue).Average(c => (double)c.CustomerLifetimeValue!.Value);
            Near(clv, (double)row.MeanCustomerLifetimeValue, "mean CLV (customers without CLV left out)");
            var overallMonetary = _data.Customers.Average(c => (double)c.MonetaryValue);
            Near(100 * members.Average(c => (double)c.MonetaryValue) / overallMonetary, (double)row.MonetaryValueIndex, "monetary index");
            Assert.Null(row.RulePredicate);
        }

        // The planted high-value segment indexes above 100 on value and below on recency.
        Assert.True((double)rows[0].MonetaryValueIndex > 150);
        Assert.True((double)rows[0].RecencyDaysIndex < 50);
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_two_middle_values()
    {
        // Hand case: segment 1 reduced to four members with frequencies 1, 2, 10, 20 → median 6, mean 8.25.
        var db = _data.Warehouse.Connection;
        db.Execute("DELETE FROM Segmentation.CustomerSegment WHERE SegmentKey = 1 AND CustomerKey > 4");
        db.Execute("UPDATE Segmentation.CustomerFeature SET Frequency = CASE CustomerKey WHEN 1 THEN 20 WHEN 2 THEN 1 WHEN 3 THEN 10 ELSE 2 END WHERE CustomerKey <= 4");
        var row = db.QuerySingle("SELECT Mean, Median, Minimum, Maximum FROM Reports.SegmentComparison WHERE SegmentKey = 1 AND FeatureName = 'Frequency'");
        Assert.Equal(8.25, (double)row.Mean, 12);
        Assert.Equal(6.0, (double)row.Median, 12);
        Assert.Equal(1.0, (double)row.Minimum);
        Assert.Equal(20.0, (double)row.Maximum);
        db.Execute("DELETE FROM Segmentation.CustomerSegment WHERE SegmentKey = 1 AND CustomerKey = 4");
        Assert.Equal(10.0, (double)db.QuerySingle<double>("SELECT Median FROM Reports.SegmentComparison WHERE SegmentKey = 1 AND FeatureName = 'Frequency'"), 12);
    }

    [Fact]
    public void Top_products_and_channels_rank_revenue_and_index_it_against_all_customers()
    {
        var db = _data.Warehouse.Connection;
        var products = db.Query("SELECT * FROM Reports.SegmentTopProduct").ToList();
        var total = _data.Lines.Sum(l => (double)l.Amount);
        foreach (var segment in new[] { 1, 2, 3 })
        {
            var lines = _data.Lines.Where(l => _data.Customers[l.CustomerKey - 1].SegmentKey == segment).ToList();
            var segmentTotal = lines.Sum(l => (double)l.Amount);
            var expected = lines.GroupBy(l => l.ProductKey)
                .Select(g => (Product: g.Key, Revenue: g.Sum(l => (double)l.Amount), Customers: g.Select(l => l.CustomerKey).Distinct().Count()))
                .OrderByDescending(p => p.Revenue).ThenBy(p => p.Product).ToList();
            var actual = products.Where(p => (int)p.SegmentKey == segment).OrderBy(p => (long)p.RevenueRank).ToList();
            Assert.Equal(expected.Select(e => e.Product), actual.Select(a => (int)a.ProductKey));
            for (var i = 0; i < expected.Count; i++)
            {
                Near(expected[i].Revenue, (double)actual[i].Revenue, "revenue");
                Assert.Equal(expected[i].Customers, (int)(long)actual[i].Customers);
                var overallShare = _data.Lines.Where(l => l.ProductKey == expected[i].Product).Sum(l => (double)l.Amount) / total;
                Near(100 * (expected[i].Revenue / segmentTotal) / overallShare, (double)actual[i].ShareIndex, "product index");
            }

            // Planted: segment s buys mostly products 3s-2..3s.
            Assert.InRange((int)actual[0].ProductKey, 3 * segment - 2, 3 * segment);
        }

        var channels = db.Query("SELECT * FROM Reports.SegmentTopChannel WHERE RevenueRank = 1 ORDER BY SegmentKey").ToList();
        Assert.Equal([1, 2, 3], channels.Select(c => (int)c.ChannelKey));
        Assert.Equal("Web shop", (string)channels[0].ChannelName);
    }

    [Fact]
    public void Top_countries_count_members_and_index_against_all_customers()
    {
        var rows = _data.Warehouse.Connection.Query("SELECT * FROM Reports.SegmentTopCountry").ToList();
        foreach (var group in _data.Customers.GroupBy(c => (c.SegmentKey, c.Country)))
        {
            var row = rows.Single(r => (int)r.SegmentKey == group.Key.SegmentKey && (string)r.Country == group.Key.Country);
            Assert.Equal(group.Count(), (int)(long)row.Customers);
            var segmentShare = (double)group.Count() / _data.Customers.Count(c => c.SegmentKey == group.Key.SegmentKey);
            var overallShare = (double)_data.Customers.Count(c => c.Country == group.Key.Country) / _data.Customers.Count;
            Near(100 * segmentShare / overallShare, (double)row.ShareIndex, "country index");
        }

        Assert.Equal(_data.Customers.GroupBy(c => (c.SegmentKey, c.Country)).Count(), rows.Count);
    }

    [Fact]
    public void Model_quality_size_history_and_drill_down_read_the_run()
    {
        var db = _data.Warehouse.Connection;
        var quality = db.QuerySingle("SELECT * FROM Reports.ModelQuality");
        Assert.Equal(1, (int)quality.IsLatest);
        Assert.Equal(0.61, (double)quality.Silhouette, 12);
        var history = db.Query("SELECT * FROM Reports.SegmentSizeHistory ORDER BY SegmentKey").ToList();
        Assert.Equal(3, history.Count);
        Assert.All(history, h => Assert.Equal(1, (int)h.IsNewSegment));
        var customer = db.QuerySingle("SELECT * FROM Reports.CustomerDrillDown WHERE CustomerKey = 5");
        var expected = _data.Customers[4];
        Assert.Equal("C5", (string)customer.CrmCustomerId);
        Assert.Equal(expected.Country, (string)customer.Country);
        Assert.Equal(expected.RecencyDays, (int)customer.RecencyDays);
        Assert.Equal(SyntheticWarehouse.SegmentNames[expected.SegmentKey - 1], (string)customer.SegmentName);
        Assert.Equal(_data.Customers.Count, db.QuerySingle<long>("SELECT COUNT(*) FROM Reports.CustomerDrillDown"));
    }

    [Fact]
    public void A_later_failed_run_does_not_replace_the_latest_successful_run()
    {
        var db = _data.Warehouse.Connection;
        db.Execute("""
            INSERT INTO Segmentation.ModelRun (ModelRunKey, ConfigurationName, Algorithm, Parameters, Features, ScalingMethod, Seed, NumberOfSegments, NumberOfCustomers, AsOfDateKey, ConsentBasis, Host, StartedAt, Status)
            VALUES (2, 'default', 'kmeans', '{}', 'RecencyDays', 'standard', 1, 3, 0, 20111211, 'x', 'host-duckdb', TIMESTAMP '2011-12-11', 'failed')
            """);
        Assert.Equal(1, db.QuerySingle<int>("SELECT ModelRunKey FROM Reports.LatestModelRun"));
        Assert.Equal(3, db.QuerySingle<long>("SELECT COUNT(*) FROM Reports.SegmentProfile"));
        Assert.Equal(1, db.QuerySingle<long>("SELECT COUNT(*) FROM Reports.ModelQuality"));
    }
}
