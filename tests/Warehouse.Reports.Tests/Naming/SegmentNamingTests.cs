using Dapper;
using Warehouse.Reports.Naming;

namespace Warehouse.Reports.Tests.Naming;

public sealed class SegmentNamingTests
{
    [Fact]
    public void Name_uses_the_strongest_differences_in_order_with_direction_words()
    {
        var name = SegmentNamer.Generate(new Dictionary<string, double>
        {
            ["MonetaryValue"] = 1.8, ["Frequency"] = 1.2, ["RecencyDays"] = -0.9, ["WebEngagement"] = 0.5, ["Age"] = 0.1,
        });
        Assert.Equal("high value, frequent, recent", name);
        Assert.Equal("average customers", SegmentNamer.Generate(new Dictionary<string, double> { ["Frequency"] = 0.1 }));
    }

    [Fact]
    public void Clashing_names_get_another_descriptor_then_a_number()
    {
        var names = SegmentNamer.GenerateUnique(new Dictionary<int, IReadOnlyDictionary<string, double>>
        {
            [1] = new Dictionary<string, double> { ["MonetaryValue"] = 2, ["Frequency"] = 1.5, ["RecencyDays"] = -1, ["Age"] = 0.8 },
            [2] = new Dictionary<string, double> { ["MonetaryValue"] = 2, ["Frequency"] = 1.5, ["RecencyDays"] = -1, ["Age"] = -0.8 },
            [3] = new Dictionary<string, double> { ["Frequency"] = 0.1 },
            [4] = new Dictionary<string, double> { ["Frequency"] = -0.2 },
        });
        Assert.Equal("high value, frequent, recent, older", names[1]);
        Assert.Equal("high value, frequent, recent, younger", names[2]);
        Assert.Equal("average customers (1)", names[3]);
        Assert.Equal("average customers (2)", names[4]);
    }

    [Fact]
    public void Generated_names_follow_the_profile_and_a_rename_survives_a_new_run()
    {
        using var data = SyntheticWarehouse.Create();
        var warehouse = data.Warehouse;
        var db = warehouse.Connection;
        var names = SegmentNaming.ApplyGeneratedNames(warehouse, SyntheticWarehouse.Configuration);
        // Planted: segment 1 recent, frequent, high value; segment 2 lapsed, infrequent; segment 3 web-engaged.
        Assert.DoesNotContain("CLV", names[1]); // not a feature of the run
        Assert.Contains("high value", names[1]);
        Assert.Contains("lapsed", names[2]);
        Assert.Contains("web-engaged", names[3]);
        Assert.Equal(names[1], db.QuerySingle<string>("SELECT SegmentName FROM Reports.SegmentProfile WHERE SegmentKey = 1"));

        SegmentNaming.Rename(warehouse, 1, "  VIP  ");
        Assert.Equal("VIP", db.QuerySingle<string>("SELECT SegmentName FROM Segmentation.Segment WHERE SegmentKey = 1"));

        // A new run of the same configuration keeps segment keys 1..3 (as the run's matching does) with new data:
        // segment 2's members now look like segment 3's old ones, so its generated name changes, the rename does not.
        db.Execute("""
            INSERT INTO Segmentation.ModelRun (ModelRunKey, ConfigurationName, Algorithm, Parameters, Features, ScalingMethod, Seed, NumberOfSegments, NumberOfCustomers, AsOfDateKey, ConsentBasis, Host, StartedAt, Status)
            VALUES (2, 'default', 'kmeans', '{}', 'RecencyDays,Frequency,MonetaryValue', 'standard', 1, 3, 180, 20111211, 'x', 'host-duckdb', TIMESTAMP '2011-12-11', 'succeeded');
            INSERT INTO Segmentation.CustomerFeature SELECT CustomerKey, 20111211, RecencyDays + 1, Frequency, MonetaryValue, AverageOrderValue, TenureDays + 1,
                CancellationRate, CustomerLifetimeValue, WebSessions, WebEngagement, WebConversionRate, SocialComments, SocialSentiment, Age, SocialNegativeShare
            FROM Segmentation.CustomerFeature WHERE AsOfDateKey = 20111210;
            UPDATE Segmentation.CustomerFeature SET MonetaryValue = MonetaryValue * 20, Frequency = Frequency * 10, RecencyDays = 1
            WHERE AsOfDateKey = 20111211 AND CustomerKey IN (SELECT CustomerKey FROM Segmentation.CustomerSegment WHERE SegmentKey = 2);
            UPDATE Segmentation.CustomerSegment SET ModelRunKey = 2;
            """);
        var second = SegmentNaming.ApplyGeneratedNames(warehouse, SyntheticWarehouse.Configuration);
        var segments = db.Query<(int SegmentKey, string SegmentName, string GeneratedName, bool IsRenamed)>(
            "SELECT SegmentKey, SegmentName, GeneratedName, IsRenamed FROM Segmentation.Segment ORDER BY SegmentKey").ToList();
        Assert.Equal(("VIP", true), (segments[0].SegmentName, segments[0].IsRenamed));
        Assert.Equal(second[1], segments[0].GeneratedName);
        Assert.NotEqual(names[2], second[2]);
        Assert.Equal(second[2], segments[1].SegmentName);
        Assert.Contains("frequent", second[2]);

        SegmentNaming.Rename(warehouse, 1, null);
        Assert.Equal(second[1], db.QuerySingle<string>("SELECT SegmentName FROM Segmentation.Segment WHERE SegmentKey = 1"));
        Assert.Throws<InvalidOperationException>(() => SegmentNaming.Rename(warehouse, 99, "x"));
    }
}
