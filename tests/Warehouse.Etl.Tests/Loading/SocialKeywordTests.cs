using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Comment keywords as rows (Fact.SocialKeyword) and their roll-ups Reports.CustomerKeyword and Reports.SegmentKeyword.
/// Expected values are worked out by hand from the comments below. RAKE (KeywordExtractor) splits each text at stop words
/// and punctuation; none of the words used here is a stop word, so "Slow delivery. Great price." has exactly the keywords
/// "slow delivery" and "great price" (both score 4: two words of degree 2 and frequency 1).
/// <para>Customers (CRM): C1 a@example.com, C2 b@example.com, C3 c@example.com, C4 d@example.com (refused profiling),
/// C5 e@example.com (no comments).</para>
/// </summary>
public sealed class SocialKeywordTests : CustomerSeededTests
{
    private const string Crm = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n" +
        "C1,Ann A,a@example.com,,,,London,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "C2,Bob B,b@example.com,,,,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "C3,Cy C,c@example.com,,,,York,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "C4,Di D,d@example.com,,,,Bath,United Kingdom,,,false,2024-06-01 09:30:00\n" +
        "C5,Ed E,e@example.com,,,,Hull,United Kingdom,,,,2024-06-01 09:30:00\n";

    private static string Comment(string id, string handle, string? email, string day, string text) =>
        $$"""{"platform":"x","comment_id":"{{id}}","handle":"{{handle}}",{{(email is null ? "" : $"\"email\":\"{email}\",")}}"timestamp":"2024-{{day}}T10:00:00Z","text":"{{text}}"}""";

    private static string Json(params string[] comments) => "[" + string.Join(",\n", comments) + "]";

    // C1: k1, k2, k3, k4 (4 comments); C2: k5, k6; C3: k7 (May) and k8 (5 June, after the run's as-of date 1 June);
    // C4: k9 (refused profiling); @zed: z1, not linked (Unknown customer 0); @ann2: a1 anonymous, linked to C1 only by
    // the second file's a2 (handle stitching).
    private static readonly string[] First =
    [
        Comment("k1", "@ann", "a@example.com", "05-01", "Slow delivery. Great price."),
        Comment("k2", "@ann", "a@example.com", "05-02", "Slow delivery."),
        Comment("k3", "@ann", "a@example.com", "05-03", "Great price."),
        Comment("k4", "@ann", "a@example.com", "05-04", "Broken zipper."),
        Comment("k5", "@bob", "b@example.com", "05-05", "Broken zipper. Slow delivery."),
        Comment("k6", "@bob", "b@example.com", "05-06", "Broken zipper."),
        Comment("k7", "@cy", "c@example.com", "05-07", "Great price."),
        Comment("k8", "@cy", "c@example.com", "06-05", "Broken zipper."),
        Comment("k9", "@di", "d@example.com", "05-08", "Friendly staff."),
        Comment("z1", "@zed", null, "05-09", "Slow delivery."),
        Comment("a1", "@ann2", null, "05-10", "Friendly staff."),
    ];

    private static readonly string[] Second =
    [
        Comment("a2", "@ann2", "a@example.com", "05-11", "Friendly staff. Great price."),
    ];

    private DuckDbWarehouse Loaded(params string[][] files)
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm.csv", Crm));
        var n = 0;
        foreach (var file in files)
        {
            InteractionLoaders.LoadSocial(warehouse, Write($"social{++n}.json", Json(file)));
        }

        return warehouse;
    }

    private static List<(string CommentId, string Keyword)> KeywordRows(DuckDbWarehouse w) =>
        w.Connection.Query<(string, string)>("""
            SELECT f."CommentId", k."Keyword" FROM "Fact"."SocialKeyword" AS k
            JOIN "Fact"."SocialInteraction" AS f ON f."SocialInteractionKey" = k."SocialInteractionKey"
            ORDER BY 1, 2
            """).ToList();

    private static long Orphans(DuckDbWarehouse w) => w.Connection.ExecuteScalar<long>("""
        SELECT count(*) FROM "Fact"."SocialKeyword" AS k
        WHERE NOT EXISTS (SELECT 1 FROM "Fact"."SocialInteraction" AS f WHERE f."SocialInteractionKey" = k."SocialInteractionKey")
        """);

    private static List<(string? Crm, string Keyword, long Comments, long CustomerComments, double Share, long Rank)> CustomerKeywords(DuckDbWarehouse w) =>
        w.Connection.Query<(string?, string, long, long, double, long)>("""
            SELECT "CrmCustomerId", "Keyword", CAST("Comments" AS BIGINT), CAST("CustomerComments" AS BIGINT), "CommentShare", CAST("KeywordRank" AS BIGINT)
            FROM "Reports"."CustomerKeyword" ORDER BY 1, 6
            """).ToList();

    [Fact]
    public void Each_comment_keyword_is_a_row_of_the_bridge()
    {
        using var warehouse = Loaded(First);

        Assert.Equal(
        [
            ("a1", "friendly staff"),
            ("k1", "great price"), ("k1", "slow delivery"),
            ("k2", "slow delivery"), ("k3", "great price"), ("k4", "broken zipper"),
            ("k5", "broken zipper"), ("k5", "slow delivery"), ("k6", "broken zipper"),
            ("k7", "great price"), ("k8", "broken zipper"), ("k9", "friendly staff"), ("z1", "slow delivery"),
        ], KeywordRows(warehouse));
        var lineage = warehouse.Connection.ExecuteScalar<long>("""SELECT max("LineageKey") FROM "Fact"."SocialInteraction" """);
        Assert.Equal([lineage], warehouse.Connection.Query<long>("""SELECT DISTINCT "LineageKey" FROM "Fact"."SocialKeyword" """));
    }

    [Fact]
    public void Customer_keywords_count_comments_rank_ties_alphabetically_and_follow_a_relinked_comment()
    {
        using var warehouse = Loaded(First);

        // C1: slow delivery (k1, k2) and great price (k1, k3) in 2 of 4 comments: a tie, alphabetical; broken zipper (k4) 1.
        // C2: broken zipper (k5, k6) 2 of 2, slow delivery 1. C3: broken zipper (k8), great price (k7): 1 each of 2.
        // C4 refused profiling; z1 and a1 are on the Unknown customer.
        Assert.Equal(
        [
            ("C1", "great price", 2L, 4L, 0.5, 1L), ("C1", "slow delivery", 2L, 4L, 0.5, 2L), ("C1", "broken zipper", 1L, 4L, 0.25, 3L),
            ("C2", "broken zipper", 2L, 2L, 1.0, 1L), ("C2", "slow delivery", 1L, 2L, 0.5, 2L),
            ("C3", "broken zipper", 1L, 2L, 0.5, 1L), ("C3", "great price", 1L, 2L, 0.5, 2L),
        ], CustomerKeywords(warehouse));

        // a2 links @ann2 to C1 by e-mail, so a1 is re-linked (handle-stitch): C1 has 6 comments; great price k1, k3, a2;
        // slow delivery k1, k2; friendly staff a1, a2 (tie with slow delivery: alphabetical); broken zipper k4.
        InteractionLoaders.LoadSocial(warehouse, Write("second.json", Json(Second)));

        Assert.Equal("handle-stitch", warehouse.Connection.ExecuteScalar<string>("""SELECT "MatchRule" FROM "Fact"."SocialInteraction" WHERE "CommentId" = 'a1'"""));
        Assert.Equal(
        [
            ("C1", "great price", 3L, 6L, 0.5, 1L), ("C1", "friendly staff", 2L, 6L, 2.0 / 6, 2L), ("C1", "slow delivery", 2L, 6L, 2.0 / 6, 3L),
            ("C1", "broken zipper", 1L, 6L, 1.0 / 6, 4L),
        ], CustomerKeywords(warehouse).Where(r => r.Crm == "C1"));
    }

    [Fact]
    public void A_rerun_changes_no_keyword_row_and_a_changed_comment_replaces_its_keywords()
    {
        using var warehouse = Loaded(First, Second);
        var before = WarehouseSnapshot.Fingerprint(warehouse, "Fact", "SocialKeyword");
        var rows = KeywordRows(warehouse);

        InteractionLoaders.LoadSocial(warehouse, Write("again.json", Json([.. First, .. Second])));

        Assert.Equal(before, WarehouseSnapshot.Fingerprint(warehouse, "Fact", "SocialKeyword"));

        // k4 edited: "Broken zipper." becomes "Lovely colours. Fast shipping."; its keyword rows are replaced, nobody else's.
        var edited = First.Select(c => c.Contains("\"k4\"", StringComparison.Ordinal) ? Comment("k4", "@ann", "a@example.com", "05-04", "Lovely colours. Fast shipping.") : c).ToArray();
        InteractionLoaders.LoadSocial(warehouse, Write("edited.json", Json(edited)));

        var expected = rows.Where(r => r.CommentId != "k4").Append(("k4", "fast shipping")).Append(("k4", "lovely colours"))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, KeywordRows(warehouse));
        Assert.Equal(0, Orphans(warehouse));
    }

    [Fact]
    public void Comments_stored_without_keyword_rows_get_them_with_the_next_load()
    {
        // A warehouse whose comments predate Fact.SocialKeyword: the next social load fills in their rows.
        using var warehouse = Loaded(First);
        var rows = KeywordRows(warehouse);
        warehouse.Connection.Execute("""DELETE FROM "Fact"."SocialKeyword" """);

        InteractionLoaders.LoadSocial(warehouse, Write("second.json", Json(Second)));

        Assert.Equal(rows.Append(("a2", "friendly staff")).Append(("a2", "great price"))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal), KeywordRows(warehouse));
    }

    [Fact]
    public void The_procedures_keyword_split_run_on_duckdb_gives_the_rows_the_host_wrote()
    {
        // Integration.MigrateStagedSocialInteractionData's #Keyword statement (CROSS APPLY STRING_SPLIT, LTRIM) on the
        // comments the host stored, with the bridge emptied so every comment lacks rows, as in the procedure before its INSERT.
        using var warehouse = Loaded(First, Second);
        var host = warehouse.Connection.Query<(long, string)>("""SELECT "SocialInteractionKey", "Keyword" FROM "Fact"."SocialKeyword" ORDER BY 1, 2""").ToList();
        warehouse.Connection.Execute("""DELETE FROM "Fact"."SocialKeyword" """);
        var procedure = File.ReadAllText(RepositoryPaths.Of("database/Warehouse.Database/Integration/Stored Procedures/MigrateStagedSocialInteractionData.sql"));

        warehouse.Connection.Execute(ProcedureOnDuckDb.SelectIntoStatements(procedure, "#Keyword").Single());

        var split = warehouse.Connection.Query<(long, string)>("""SELECT DISTINCT "SocialInteractionKey", "Keyword" FROM "#Keyword" WHERE "Keyword" <> '' ORDER BY 1, 2""").ToList();
        Assert.Equal(15, host.Count);
        Assert.Equal(host, split);
    }

    [Fact]
    public void Segment_keywords_give_shares_of_the_segments_commenters_and_lift_against_the_run()
    {
        using var warehouse = Loaded(First, Second);
        Segments(warehouse);

        // Run as of 2024-06-01; segment 1 = C1, C2; segment 2 = C3, C5 (C5 has no comments, so is no commenter).
        // Commenters: segment 1 C1, C2 (2); segment 2 C3 (k8 is dated after the as-of date, k7 counts) (1); run 3.
        // Customers naming each keyword over the run: broken zipper C1, C2 (C3's k8 is too late) 2; slow delivery C1, C2 2;
        // great price C1, C3 2; friendly staff C1 (a1, a2) 1.
        // Segment 1: broken zipper 2/2 = 1 vs 2/3: lift 1.5, comments k4, k5, k6; slow delivery 2 (k1, k2, k5) likewise;
        // friendly staff 1/2 vs 1/3: lift 1.5, comments a1, a2; great price 1/2 vs 2/3: lift 0.75, comments k1, k3, a2.
        // Segment 2: great price 1/1 vs 2/3: lift 1.5.
        var rows = warehouse.Connection.Query<(int Segment, string Keyword, long Customers, long Comments, long Commenters, double Share, double Overall, double Lift, long Rank)>("""
            SELECT CAST("SegmentKey" AS INTEGER), "Keyword", CAST("Customers" AS BIGINT), CAST("Comments" AS BIGINT), CAST("SegmentCommenters" AS BIGINT),
                   "Share", "OverallShare", "Lift", CAST("KeywordRank" AS BIGINT)
            FROM "Reports"."SegmentKeyword" ORDER BY 1, 9
            """).ToList();

        Assert.Equal(
        [
            (1, "broken zipper", 2L, 3L, 2L), (1, "slow delivery", 2L, 3L, 2L), (1, "friendly staff", 1L, 2L, 2L), (1, "great price", 1L, 3L, 2L),
            (2, "great price", 1L, 1L, 1L),
        ], rows.Select(r => (r.Segment, r.Keyword, r.Customers, r.Comments, r.Commenters)));
        Assert.Equal([1L, 2L, 3L, 4L, 1L], rows.Select(r => r.Rank));
        double[] share = [1, 1, 0.5, 0.5, 1];
        double[] overall = [2.0 / 3, 2.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3];
        double[] lift = [1.5, 1.5, 1.5, 0.75, 1.5];
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(share[i], rows[i].Share, 12);
            Assert.Equal(overall[i], rows[i].Overall, 12);
            Assert.Equal(lift[i], rows[i].Lift, 12);
        }
    }

    /// <summary>One succeeded run of "default" as of 2024-06-01: segment 1 = C1, C2; segment 2 = C3, C5; feature rows for them.</summary>
    private static void Segments(DuckDbWarehouse warehouse)
    {
        var db = warehouse.Connection;
        db.Execute("""
            INSERT INTO "Segmentation"."ModelRun" ("ModelRunKey", "ConfigurationName", "Algorithm", "Parameters", "Features", "ScalingMethod", "Seed",
                "NumberOfSegments", "NumberOfCustomers", "AsOfDateKey", "ConsentBasis", "Host", "StartedAt", "CompletedAt", "Status")
            VALUES (1, 'default', 'kmeans', '{"k":2}', 'RecencyDays', 'standard', 1, 2, 4, 20240601, 'profiling consent not refused', 'host-duckdb',
                TIMESTAMP '2024-06-01 01:00', TIMESTAMP '2024-06-01 01:01', 'succeeded')
            """);
        db.Execute("""
            INSERT INTO "Segmentation"."Segment" ("SegmentKey", "ConfigurationName", "SegmentName", "GeneratedName", "IsRenamed", "FirstModelRunKey", "LastModelRunKey")
            VALUES (1, 'default', 'One', 'One', false, 1, 1), (2, 'default', 'Two', 'Two', false, 1, 1)
            """);
        foreach (var (crm, segment) in new[] { ("C1", 1), ("C2", 1), ("C3", 2), ("C5", 2) })
        {
            var key = db.ExecuteScalar<int>("""SELECT "CustomerKey" FROM "Dimension"."Customer" WHERE "CrmCustomerId" = $crm AND "ValidTo" = TIMESTAMP '9999-12-31'""", new { crm });
            db.Execute("""
                INSERT INTO "Segmentation"."CustomerSegment" ("CustomerKey", "ConfigurationName", "ValidFrom", "SegmentKey", "ModelRunKey", "Distance")
                VALUES ($key, 'default', TIMESTAMP '2024-06-01 01:01', $segment, 1, 0.5)
                """, new { key, segment });
            db.Execute("""
                INSERT INTO "Segmentation"."CustomerFeature" ("CustomerKey", "AsOfDateKey", "RecencyDays", "Frequency", "MonetaryValue", "AverageOrderValue", "TenureDays", "CancellationRate")
                VALUES ($key, 20240601, 1, 1, 10, 10, 1, 0)
                """, new { key });
        }
    }
}
