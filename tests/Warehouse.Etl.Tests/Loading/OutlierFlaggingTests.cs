using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Outliers are flagged, never dropped (README "Loading rules", FORMATS.md "Outlier flags"): the modified z-score of
/// Iglewicz and Hoaglin on y = log10(1 + |x|) over the stored facts, threshold 3.5, upper side only. Expected values are
/// hand calculations (the logarithms with a calculator, Python's math.log10), written out beside each assertion.
/// </summary>
public sealed class OutlierFlaggingTests : CustomerSeededTests
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    // Lines 2-9 are ordinary; line 10 is Online Retail's 80,995-unit line, line 11 its 38,970 unit price ("Manual").
    private const string Small = Header +
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n" +     // 2
        "536365,71053,LANTERN,2,2010-12-01 08:26:00,3.39,17850,United Kingdom\n" +    // 3
        "536366,22633,WARMER,12,2010-12-01 08:28:00,1.25,17850,United Kingdom\n" +    // 4
        "536366,22632,WARMER,4,2010-12-01 08:28:00,0.85,17850,United Kingdom\n" +     // 5
        "536367,84879,BIRD,24,2010-12-01 08:34:00,0.42,13047,United Kingdom\n" +      // 6
        "536367,22745,POPPY,3,2010-12-01 08:34:00,4.95,13047,United Kingdom\n" +      // 7
        "536367,22748,POPPY,8,2010-12-01 08:34:00,2.10,13047,United Kingdom\n" +      // 8
        "536368,22960,JAM,1,2010-12-01 08:35:00,1.65,13047,United Kingdom\n" +        // 9
        "581483,23843,BIRDIE,80995,2011-12-09 09:15:00,2.08,16446,United Kingdom\n" + // 10
        "556444,22502,BASKET,1,2011-06-10 15:28:00,38970,15098,United Kingdom\n";     // 11

    private const double Threshold = 3.5;

    [Fact]
    public void Median_mad_and_bounds_are_the_hand_calculation_and_only_the_planted_lines_are_flagged()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var result = TransactionLoader.Load(warehouse, Write("small.csv", Small));
        Assert.Equal(10, result.RowsLoaded);

        var stats = OutlierFlagging.Read(warehouse, result.LineageKey);
        Assert.Equal(["Quantity", "UnitPrice", "Amount"], stats.Select(s => s.MeasureName));
        Assert.Equal([1, 2, 4], stats.Select(s => s.FlagBit));
        Assert.All(stats, s => Assert.Equal(("Fact.Purchase", Threshold, 10L, 10L), (s.TableName, s.Threshold, s.RowsInStatistics, s.RowsEvaluated)));

        // Quantity: y = log10(1 + q) sorted 0.30103 (1), 0.30103 (1), 0.47712 (2), 0.60206 (3), 0.69897 (4), 0.84510 (6),
        // 0.95424 (8), 1.11394 (12), 1.39794 (24), 4.90846 (80995). Median = (log10 5 + log10 7) / 2 = log10(35) / 2 = 0.7720340.
        // |y - median| sorted: 0.07306, 0.07306, 0.16997, 0.18221, 0.29491, 0.34179, 0.47100, 0.47100, 0.62591, 4.13643;
        // MAD = (0.29491 + 0.34179) / 2 = 0.3184110; mean = 0.6839476. Bound = 10^(0.7720340 + 3.5 × 0.3184110 / 0.6745) − 1 = 264.6306.
        var quantity = stats[0];
        Assert.Equal(Math.Log10(35) / 2, quantity.Median!.Value, 12);
        Assert.Equal(0.31841104879358717, quantity.MedianAbsoluteDeviation!.Value, 12);
        Assert.Equal(0.6839476240428853, quantity.MeanAbsoluteDeviation!.Value, 12);
        Assert.Equal(264.63063454393904, quantity.UpperBound!.Value, 8);
        Assert.Equal(1, quantity.RowsFlagged); // 80,995: M = 0.6745 × (4.90846 − 0.77203) / 0.31841 = 8.76

        // Unit price: y sorted 0.15229 (0.42), 0.26717 (0.85), 0.35218 (1.25), 0.42325 (1.65), 0.48855 (2.08), 0.49136 (2.10),
        // 0.55023 (2.55), 0.64246 (3.39), 0.77452 (4.95), 4.59074 (38970): median 0.4899562, MAD 0.1451410, bound 16.50238.
        var price = stats[1];
        Assert.Equal(0.4899562051673585, price.Median!.Value, 12);
        Assert.Equal(0.14514100106537947, price.MedianAbsoluteDeviation!.Value, 12);
        Assert.Equal(16.502377865924863, price.UpperBound!.Value, 8);
        Assert.Equal(1, price.RowsFlagged); // 38,970: M = 19.06

        // Amount = Quantity × UnitPrice: 15.30, 6.78, 15.00, 3.40, 10.08, 14.85, 16.80, 1.65, 168,469.60, 38,970:
        // median 1.2020746, MAD 0.2343149, bound 260.7831; both planted lines exceed it (M = 11.59 and 9.76).
        var amount = stats[2];
        Assert.Equal(1.2020746246048475, amount.Median!.Value, 12);
        Assert.Equal(0.23431494591379753, amount.MedianAbsoluteDeviation!.Value, 12);
        Assert.Equal(260.7831282163465, amount.UpperBound!.Value, 8);
        Assert.Equal(2, amount.RowsFlagged);

        // Flagged lines stay loaded: line 10 Quantity + Amount (1 + 4), line 11 UnitPrice + Amount (2 + 4), the rest 0.
        Assert.Equal([("536365", 0), ("536365", 0), ("536366", 0), ("536366", 0), ("536367", 0), ("536367", 0), ("536367", 0), ("536368", 0),
            ("581483", 5), ("556444", 6)], Flags(warehouse));
        Assert.Equal(10, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        // Reports see the load's figures (BI tools read only the Reports schema).
        Assert.Equal([("small.csv", "Quantity", 1L, 0.1), ("small.csv", "UnitPrice", 1L, 0.1), ("small.csv", "Amount", 2L, 0.2)],
            warehouse.Connection.Query<(string, string, long, double)>(
                "SELECT \"SourceName\", \"MeasureName\", \"RowsFlagged\", \"FlaggedShare\" FROM \"Reports\".\"LoadOutlier\" ORDER BY \"FlagBit\""));
        Assert.StartsWith("outliers flagged (modified z > 3.5 on log10(1 + |x|), rows kept) of 10: Quantity 1 (> 264.63), UnitPrice 1 (> 16.5), Amount 2 (> 260.78)",
            OutlierFlagging.Describe(stats), StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_load_is_judged_against_every_stored_line_and_leaves_earlier_flags_alone_and_a_rerun_changes_nothing()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = TransactionLoader.Load(warehouse, Write("small.csv", Small));
        var before = Flags(warehouse);

        // Two more lines, judged against all 12 stored lines: quantity median (0.84510 + 0.84510) / 2 = log10 7 (two 6-unit lines in
        // the middle); |y − median| sorted 0, 0, 0.10914, 0.14613, 0.24304, 0.26885, 0.36798, 0.54407, 0.54407, 0.55284, 1.63347,
        // 4.06337, MAD = (0.26885 + 0.36798) / 2 = 0.3184110, bound 10^(0.8450980 + 3.5 × 0.3184110 / 0.6745) − 1 = 313.298.
        // 300 units: M = 0.6745 × (2.47857 − 0.84510) / 0.31841 = 3.46, not flagged; its amount 300.00 is (bound 284.47, M = 3.56).
        var second = TransactionLoader.Load(warehouse, Write("more.csv", Header +
            "581500,85123A,HEART,6,2011-12-10 08:00:00,2.55,17850,United Kingdom\n" +
            "581500,22633,WARMER,300,2011-12-10 08:00:00,1.00,17850,United Kingdom\n"));
        var stats = OutlierFlagging.Read(warehouse, second.LineageKey);
        Assert.All(stats, s => Assert.Equal((12L, 2L), (s.RowsInStatistics, s.RowsEvaluated)));
        Assert.Equal(Math.Log10(7), stats[0].Median!.Value, 12);
        Assert.Equal(0.31841104879358717, stats[0].MedianAbsoluteDeviation!.Value, 12);
        Assert.Equal(313.2984053594641, stats[0].UpperBound!.Value, 8);
        Assert.Equal(284.47350370169084, stats[2].UpperBound!.Value, 8);
        Assert.Equal([0L, 0L, 1L], stats.Select(s => s.RowsFlagged));
        var after = Flags(warehouse);
        Assert.Equal(before, after.Take(10).ToList()); // the first load's flags are its own
        Assert.Equal([("581500", 0), ("581500", 4)], after.Skip(10));

        // The same content again: skipped by content hash, no statistics added, no flag changed.
        var statisticsRows = warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"OutlierStatistic\"");
        var again = TransactionLoader.Load(warehouse, Write("more-again.csv", Header +
            "581500,85123A,HEART,6,2011-12-10 08:00:00,2.55,17850,United Kingdom\n" +
            "581500,22633,WARMER,300,2011-12-10 08:00:00,1.00,17850,United Kingdom\n"));
        Assert.True(again.Skipped);
        Assert.Equal(statisticsRows, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"OutlierStatistic\""));
        Assert.Equal(6, statisticsRows);
        Assert.Equal(3, OutlierFlagging.Read(warehouse, first.LineageKey).Count);

    }

    [Fact]
    public void The_threshold_comes_from_application_setting_and_a_bad_value_fails_the_load_leaving_nothing()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        warehouse.Connection.Execute("""
            INSERT INTO "Application"."Setting" ("SettingName", "SettingValue", "Description") VALUES ('Outliers.Threshold', '0.5', 'test')
            """);
        var loaded = TransactionLoader.Load(warehouse, Write("small.csv", Small));
        var quantity = OutlierFlagging.Read(warehouse, loaded.LineageKey)[0];
        Assert.Equal(0.5, quantity.Threshold);
        // Bound 10^(0.7720340 + 0.5 × 0.3184110 / 0.6745) − 1 = 9.19: 12, 24 and 80,995 units exceed it.
        Assert.Equal(Math.Pow(10, Math.Log10(35) / 2 + 0.5 * 0.31841104879358717 / 0.6745) - 1, quantity.UpperBound!.Value, 8);
        Assert.Equal(3, quantity.RowsFlagged);

        warehouse.Connection.Execute("UPDATE \"Application\".\"Setting\" SET \"SettingValue\" = 'three' WHERE \"SettingName\" = 'Outliers.Threshold'");
        var facts = warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\"");
        var e = Assert.Throws<InvalidOperationException>(() => TransactionLoader.Load(warehouse, Write("more.csv", Header +
            "581500,85123A,HEART,6,2011-12-10 08:00:00,2.55,17850,United Kingdom\n")));
        Assert.Contains("Outliers.Threshold = 'three' is not a number > 0", e.Message, StringComparison.Ordinal);
        Assert.Equal(facts, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(3, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"OutlierStatistic\""));
    }

    [Fact]
    public void A_load_failing_after_its_flags_leaves_no_flag_and_no_statistic_and_the_retry_completes()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("small.csv", Small);
        Assert.Throws<IOException>(() => TransactionLoader.Load(warehouse, path, checkpoint: name =>
        {
            if (name == "outliers")
            {
                Assert.Equal(2, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\" WHERE \"OutlierFlags\" <> 0"));
                throw new IOException("injected after flagging");
            }
        }));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"OutlierStatistic\""));

        var retry = TransactionLoader.Load(warehouse, path);
        Assert.False(retry.Skipped);
        Assert.Equal([1L, 1L, 2L], OutlierFlagging.Read(warehouse, retry.LineageKey).Select(s => s.RowsFlagged));
    }

    [Fact]
    public void The_procedures_statements_run_on_duckdb_give_the_statistics_and_flags_the_host_recorded()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var first = TransactionLoader.Load(warehouse, Write("small.csv", Small));
        Compare(warehouse, first.LineageKey);
        var second = TransactionLoader.Load(warehouse, Write("more.csv", Header +
            "581500,85123A,HEART,6,2011-12-10 08:00:00,2.55,17850,United Kingdom\n" +
            "581500,22633,WARMER,300,2011-12-10 08:00:00,1.00,17850,United Kingdom\n"));
        Compare(warehouse, second.LineageKey);
    }

    /// <summary>
    /// Runs Integration.FlagPurchaseOutliers' SELECT … INTO statements (#Center, #Spread, #Bound, #Flag) on the warehouse
    /// after the host's load and compares them with what the host recorded and flagged.
    /// </summary>
    internal static void Compare(DuckDbWarehouse warehouse, int lineageKey, string table = "Purchase", string key = "PurchaseKey")
    {
        var procedure = File.ReadAllText(RepositoryPaths.Of($"database/Warehouse.Database/Integration/Stored Procedures/Flag{table}Outliers.sql"));
        foreach (var sql in ProcedureOnDuckDb.SelectIntoStatements(procedure, "#Center", "#Spread", "#Bound", "#Flag"))
        {
            warehouse.Connection.Execute(sql, new { LineageKey = lineageKey, Threshold });
        }

        var bounds = warehouse.Connection.Query<(string Measure, int Bit, long Rows, double? Median, double? Mad, double? MeanAd, double? Bound)>("""
            SELECT "MeasureName", CAST("FlagBit" AS INTEGER), "RowsInStatistics", "Median", "MedianAbsoluteDeviation", "MeanAbsoluteDeviation", "UpperBound"
            FROM "#Bound" ORDER BY 2
            """).ToList();
        var recorded = OutlierFlagging.Read(warehouse, lineageKey);
        Assert.Equal(recorded.Select(r => (r.MeasureName, r.FlagBit, r.RowsInStatistics)), bounds.Select(b => (b.Measure, b.Bit, b.Rows)));
        foreach (var (b, r) in bounds.Zip(recorded))
        {
            Assert.Equal(r.Median!.Value, b.Median!.Value, 12);
            Assert.Equal(r.MedianAbsoluteDeviation!.Value, b.Mad!.Value, 12);
            Assert.Equal(r.MeanAbsoluteDeviation!.Value, b.MeanAd!.Value, 12);
            Assert.Equal(r.UpperBound!.Value, b.Bound!.Value, 6);
        }

        var procedureFlags = warehouse.Connection.Query<(long Key, int Flags)>($"SELECT \"{key}\", CAST(\"OutlierFlags\" AS INTEGER) FROM \"#Flag\" WHERE \"OutlierFlags\" <> 0 ORDER BY 1").ToList();
        var hostFlags = warehouse.Connection.Query<(long Key, int Flags)>(
            $"SELECT \"{key}\", CAST(\"OutlierFlags\" AS INTEGER) FROM \"Fact\".\"{table}\" WHERE \"LineageKey\" = $k AND \"OutlierFlags\" <> 0 ORDER BY 1", new { k = lineageKey }).ToList();
        Assert.NotEmpty(hostFlags);
        Assert.Equal(hostFlags, procedureFlags);
        Assert.Equal(recorded.Select(r => r.RowsFlagged), recorded.Select(r => (long)procedureFlags.Count(f => (f.Flags & r.FlagBit) != 0)));
        foreach (var temp in new[] { "#Flag", "#Bound", "#Spread", "#Center" })
        {
            warehouse.Connection.Execute($"DROP TABLE \"{temp}\"");
        }
    }

    private static List<(string Invoice, int Flags)> Flags(DuckDbWarehouse warehouse) => warehouse.Connection.Query<(string, int)>(
        "SELECT \"InvoiceNo\", CAST(\"OutlierFlags\" AS INTEGER) FROM \"Fact\".\"Purchase\" ORDER BY \"PurchaseKey\"").ToList();
}

/// <summary>Web sessions: a bot-like session (300 page views over five hours) among nine ordinary ones is flagged on both measures.</summary>
public sealed class WebSessionOutlierTests : CustomerSeededTests
{
    [Fact]
    public void A_bot_like_session_is_flagged_for_duration_and_page_views_and_ordinary_sessions_are_not()
    {
        using var warehouse = WithCustomers();
        // Nine ordinary sessions of 1, 2, 3 page views (one a minute: 0, 60, 120 s), three of each; the bot: a page a minute
        // from 10:00 to 14:59 (300 pages, 17,940 s).
        var events = new List<string>();
        for (var s = 0; s < 9; s++)
        {
            for (var page = 0; page <= s % 3; page++)
            {
                events.Add(WebSessionSplitTests.E($"w{s}", $"s{s}", $"0{s}:{page:00}", "page_view"));
            }
        }

        for (var minute = 0; minute < 300; minute++)
        {
            events.Add(WebSessionSplitTests.E("bot", "sb", $"{10 + minute / 60}:{minute % 60:00}", "page_view"));
        }

        var result = InteractionLoaders.LoadWeb(warehouse, Write("web.jsonl", string.Join("\n", events) + "\n"));
        var stats = OutlierFlagging.Read(warehouse, result.LineageKey);
        Assert.Equal(["DurationSeconds", "PageViews"], stats.Select(s => s.MeasureName));
        Assert.All(stats, s => Assert.Equal((10L, 10L, 1L), (s.RowsInStatistics, s.RowsEvaluated, s.RowsFlagged)));

        // Durations: y = 0 ×3, log10 61 ×3, log10 121 ×3, log10 17941; median log10 61; |y − median| sorted 0 ×3,
        // log10(121/61) ×3, log10 61 ×3, log10(17941/61): MAD = log10(121/61) = 0.29746; bound 10^(log10 61 + 3.5 MAD / 0.6745) − 1.
        var mad = Math.Log10(121.0 / 61);
        Assert.Equal(Math.Log10(61), stats[0].Median!.Value, 12);
        Assert.Equal(mad, stats[0].MedianAbsoluteDeviation!.Value, 12);
        Assert.Equal(Math.Pow(10, Math.Log10(61) + 3.5 * mad / 0.6745) - 1, stats[0].UpperBound!.Value, 6); // 2,130.6 s
        // Page views: y = log10 2 ×3, log10 3 ×3, log10 4 ×3, log10 301: median log10 3, MAD log10(4/3) = 0.12494.
        Assert.Equal(Math.Log10(3), stats[1].Median!.Value, 12);
        Assert.Equal(Math.Log10(4.0 / 3), stats[1].MedianAbsoluteDeviation!.Value, 12);
        Assert.Equal(Math.Pow(10, Math.Log10(3) + 3.5 * Math.Log10(4.0 / 3) / 0.6745) - 1, stats[1].UpperBound!.Value, 6); // 13.6 pages

        var flags = warehouse.Connection.Query<(string Session, int Flags)>(
            "SELECT \"SessionId\", CAST(\"OutlierFlags\" AS INTEGER) FROM \"Fact\".\"WebSession\" ORDER BY 1").ToList();
        Assert.Equal(10, flags.Count);
        Assert.Equal([("sb", 3)], flags.Where(f => f.Flags != 0));
        OutlierFlaggingTests.Compare(warehouse, result.LineageKey, "WebSession", "WebSessionKey");
    }
}

/// <summary>Social comments: a comment with 5,000 likes among ordinary ones (0 – 5 likes) is flagged.</summary>
public sealed class SocialOutlierTests : CustomerSeededTests
{
    [Fact]
    public void A_comment_with_far_more_likes_than_the_others_is_flagged()
    {
        using var warehouse = WithCustomers();
        int[] likes = [0, 0, 0, 1, 1, 2, 3, 5, 5000];
        var json = "[" + string.Join(",\n", likes.Select((l, i) =>
            $$"""{"platform":"x","comment_id":"c{{i}}","handle":"@h{{i}}","timestamp":"2024-05-02T18:{{i:00}}:00Z","text":"Nice mugs","likes":{{l}}}""")) + "]";
        var result = InteractionLoaders.LoadSocial(warehouse, Write("social.json", json));

        // y = log10(1 + likes): 0 ×3, log10 2 ×2, log10 3, log10 4, log10 6, log10 5001; median log10 2 (the 5th of 9);
        // |y − median| sorted 0, 0, log10(3/2), log10 2 ×4, log10 3, log10 2500.5: MAD = log10 2.
        // Bound 10^(log10 2 + 3.5 · log10 2 / 0.6745) − 1 = 2^(1 + 3.5 / 0.6745) − 1 = 71.96 likes.
        var stat = Assert.Single(OutlierFlagging.Read(warehouse, result.LineageKey));
        Assert.Equal(("Fact.SocialInteraction", "Likes", 1, 9L, 9L, 1L), (stat.TableName, stat.MeasureName, stat.FlagBit, stat.RowsInStatistics, stat.RowsEvaluated, stat.RowsFlagged));
        Assert.Equal(Math.Log10(2), stat.Median!.Value, 12);
        Assert.Equal(Math.Log10(2), stat.MedianAbsoluteDeviation!.Value, 12);
        Assert.Equal(Math.Pow(2, 1 + 3.5 / 0.6745) - 1, stat.UpperBound!.Value, 8);
        Assert.Equal([("c8", 1)], warehouse.Connection.Query<(string, int)>(
            "SELECT \"CommentId\", CAST(\"OutlierFlags\" AS INTEGER) FROM \"Fact\".\"SocialInteraction\" WHERE \"OutlierFlags\" <> 0"));
        Assert.Equal(9, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"SocialInteraction\""));
        OutlierFlaggingTests.Compare(warehouse, result.LineageKey, "SocialInteraction", "SocialInteractionKey");
    }

    [Fact]
    public void Without_spread_nothing_is_flagged_and_the_bound_is_recorded_as_null()
    {
        // Regression: a table whose values are all equal (here one comment) gave an infinite bound that DuckDB could not
        // compare with an INT column. MAD = 0 and mean absolute deviation = 0: no scale, no bound, nothing flagged.
        using var warehouse = WithCustomers();
        var result = InteractionLoaders.LoadSocial(warehouse, Write("one.json",
            """[{"platform":"x","comment_id":"c1","handle":"@a","timestamp":"2024-05-02T18:22:00Z","text":"Nice","likes":7}]"""));
        var stat = Assert.Single(OutlierFlagging.Read(warehouse, result.LineageKey));
        Assert.Equal((Math.Log10(8), 0.0, 0.0, (double?)null, 0L), (stat.Median!.Value, stat.MedianAbsoluteDeviation!.Value, stat.MeanAbsoluteDeviation!.Value, stat.UpperBound, stat.RowsFlagged));
        Assert.EndsWith("Likes 0 (no spread)", OutlierFlagging.Describe([stat]), StringComparison.Ordinal);
    }
}
