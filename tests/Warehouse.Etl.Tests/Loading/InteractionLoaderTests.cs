using System.Text;
using System.Text.Json;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

public sealed class InteractionLoaderTests : CustomerSeededTests
{
    [Fact]
    public void Web_sessions_are_linked_by_crm_id_or_email_hash_and_counts_balance()
    {
        using var warehouse = WithCustomers();
        var bobHash = EmailRules.Sha256Hex("bob@example.com");
        var path = Write("web.jsonl", string.Join("\n",
            """{"visitor_id":"v1","customer_id":"C1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v1","customer_id":"C1","session_id":"s1","timestamp":"2024-05-01T10:05:00Z","page":"/p/1","event_type":"product_view","product":"1"}""",
            """{"visitor_id":"v1","customer_id":"C1","session_id":"s1","timestamp":"2024-05-01T10:06:00Z","page":"/checkout","event_type":"purchase"}""",
            $$"""{"visitor_id":"v2","email_hash":"{{bobHash}}","session_id":"s2","timestamp":"2024-05-01T11:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v3","session_id":"s3","timestamp":"2024-05-01T12:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v3","session_id":"s3","timestamp":"not a time","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v3","session_id":"s3","timestamp":"2024-05-01T12:01:00Z","event_type":"teleport"}""") + "\n");

        var result = InteractionLoaders.LoadWeb(warehouse, path);

        Assert.Equal((7L, 5L, 2L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var sessions = warehouse.Connection.Query<(string Session, string? Crm, int Pages, int Conversions, int Duration)>("""
            SELECT w."SessionId", c."CrmCustomerId", w."PageViews", w."Conversions", w."DurationSeconds"
            FROM "Fact"."WebSession" AS w LEFT JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = w."CustomerKey" AND c."CustomerKey" <> 0
            ORDER BY 1
            """).ToList();
        Assert.Equal(("s1", "C1", 2, 1, 360), sessions[0]);          // page + product view; 10:00 → 10:06
        Assert.Equal("C2", sessions[1].Crm);                          // linked through the e-mail hash
        Assert.Null(sessions[2].Crm);                                 // anonymous: Unknown customer
        Assert.Equal(2, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"RejectedWebEvent\""));
        Assert.True(InteractionLoaders.LoadWeb(warehouse, path).Skipped);
    }

    public static TheoryData<string> Hostile => new()
    {
        "Robert'); DROP TABLE \"Fact\".\"SocialInteraction\";--",
        "$name @name :name ? %s {0} \\N NULL",
        "<script>alert('x')</script> ' OR 1=1 --",
        "emoji 😀, quotes \" ' `, tab\tand new\nline, nul \u0000 and odd \u2028 separators",
        "   leading and trailing spaces   ",
        "",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Comment_text_is_stored_exactly_as_given_and_gets_a_sentiment(string text)
    {
        using var warehouse = WithCustomers();
        var json = JsonSerializer.Serialize(new[]
        {
            new Dictionary<string, object> { ["platform"] = "x", ["comment_id"] = "c1", ["handle"] = "@anna", ["email"] = "Anna.Smith@Example.com", ["timestamp"] = "2024-05-02T18:22:00Z", ["text"] = text, ["likes"] = 3 },
        });

        var result = InteractionLoaders.LoadSocial(warehouse, Write("social.json", json));

        Assert.Equal((1L, 1L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var stored = warehouse.Connection.QuerySingle<(string Text, string Label, string? Crm)>("""
            SELECT s."CommentText", s."SentimentLabel", c."CrmCustomerId"
            FROM "Fact"."SocialInteraction" AS s JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = s."CustomerKey"
            """);
        Assert.Equal(text, stored.Text);
        Assert.Contains(stored.Label, new[] { "positive", "neutral", "negative" });
        Assert.Equal("C1", stored.Crm); // e-mail normalised before matching
    }

    [Fact]
    public void Sentiment_follows_the_text()
    {
        using var warehouse = WithCustomers();
        var json = """
            [{"platform":"x","comment_id":"a","handle":"@a","timestamp":"2024-05-02T18:22:00Z","text":"Love it, great quality and brilliant service!"},
             {"platform":"x","comment_id":"b","handle":"@b","timestamp":"2024-05-02T18:23:00Z","text":"Terrible. Arrived broken, very disappointed."}]
            """;
        InteractionLoaders.LoadSocial(warehouse, Write("s.json", json));
        var labels = warehouse.Connection.Query<(string Id, string Label, double Score)>(
            "SELECT \"CommentId\", \"SentimentLabel\", \"SentimentScore\" FROM \"Fact\".\"SocialInteraction\" ORDER BY 1").ToList();
        Assert.Equal(("positive", "negative"), (labels[0].Label, labels[1].Label));
        Assert.True(labels[0].Score > 0 && labels[1].Score < 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_or_truncated_bytes_give_an_error_or_rejects_never_a_partial_load(int seed)
    {
        using var warehouse = WithCustomers();
        var before = WarehouseSnapshot.Counts(warehouse);
        var good = Encoding.UTF8.GetBytes("""
            [{"platform":"x","comment_id":"a","handle":"@a","timestamp":"2024-05-02T18:22:00Z","text":"Love it"},
             {"platform":"x","comment_id":"b","handle":"@b","timestamp":"2024-05-02T18:23:00Z","text":"Hate it"}]
            """);
        var random = new Random(seed);
        var bytes = seed switch
        {
            0 => good[..(good.Length / 2)],                                  // truncated
            1 => Enumerable.Range(0, 500).Select(_ => (byte)random.Next(256)).ToArray(), // noise
            _ => good.Select(b => random.NextDouble() < 0.02 ? (byte)random.Next(256) : b).ToArray(), // mutated
        };
        var path = Path.Combine(Folder, "fuzz.json");
        File.WriteAllBytes(path, bytes);

        try
        {
            var result = InteractionLoaders.LoadSocial(warehouse, path);
            Assert.Equal(result.RowsRead, result.RowsLoaded + result.RowsRejected);
            Assert.Equal(before["Fact.SocialInteraction"] + result.RowsLoaded, WarehouseSnapshot.Counts(warehouse)["Fact.SocialInteraction"]);
        }
        catch (SourceFormatException e)
        {
            Assert.Equal("fuzz.json", e.SourceName);
            Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
        }
    }

    [Theory]
    [InlineData("staged")]
    [InlineData("facts")]
    [InlineData("before-commit")]
    public void A_failed_web_load_leaves_the_warehouse_as_it_was(string failAt)
    {
        using var warehouse = WithCustomers();
        var before = WarehouseSnapshot.Counts(warehouse);
        var prints = before.Keys.ToDictionary(t => t, t => WarehouseSnapshot.Fingerprint(warehouse, t.Split('.')[0], t.Split('.')[1]));
        var path = Write("web.jsonl", string.Join("\n",
            """{"visitor_id":"v1","customer_id":"C1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v2","session_id":"s2","timestamp":"2024-05-01T10:01:00Z","page":"/","event_type":"teleport"}""") + "\n");
        var staged = -1L;
        var e = Assert.Throws<IOException>(() => InteractionLoaders.LoadWeb(warehouse, path, checkpoint: n =>
        {
            if (n == "staged")
            {
                // The load's rows are in its temporary staging table (one session) when the failure hits.
                var k = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
                staged = warehouse.Connection.ExecuteScalar<long>($"SELECT count(*) FROM temp.main.web_staging_{k}");
            }

            if (n == failAt)
            {
                throw new IOException("injected at " + n);
            }
        }));

        Assert.Contains(failAt, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, staged);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
        foreach (var (table, print) in prints)
        {
            Assert.Equal(print, WarehouseSnapshot.Fingerprint(warehouse, table.Split('.')[0], table.Split('.')[1]));
        }

        // The staging and work tables of the failed load went with its transaction.
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE temporary"));
        var retry = InteractionLoaders.LoadWeb(warehouse, path);
        Assert.Equal((2L, 1L, 1L), (retry.RowsRead, retry.RowsLoaded, retry.RowsRejected));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"WebSession\""));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE temporary"));
    }

    [Theory]
    [InlineData("staged")]
    [InlineData("facts")]
    [InlineData("before-commit")]
    public void A_failed_social_load_leaves_the_warehouse_as_it_was(string failAt)
    {
        using var warehouse = WithCustomers();
        var before = WarehouseSnapshot.Counts(warehouse);
        var prints = before.Keys.ToDictionary(t => t, t => WarehouseSnapshot.Fingerprint(warehouse, t.Split('.')[0], t.Split('.')[1]));
        var path = Write("social.json", """
            [{"platform":"x","comment_id":"a","handle":"@a","email":"anna.smith@example.com","timestamp":"2024-05-02T18:22:00Z","text":"Love it"},
             {"platform":"x","comment_id":"b","handle":"@b","timestamp":"2024-05-02T18:23:00Z","text":"Hate it"},
             {"platform":"x","handle":"@c","timestamp":"2024-05-02T18:24:00Z","text":"no id"}]
            """);
        var staged = -1L;
        var e = Assert.Throws<IOException>(() => InteractionLoaders.LoadSocial(warehouse, path, checkpoint: n =>
        {
            if (n == "staged")
            {
                var k = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
                staged = warehouse.Connection.ExecuteScalar<long>($"SELECT count(*) FROM temp.main.social_staging_{k}");
            }

            if (n == failAt)
            {
                throw new IOException("injected at " + n);
            }
        }));

        Assert.Contains(failAt, e.Message, StringComparison.Ordinal);
        Assert.Equal(2, staged);
        Assert.Equal(before, WarehouseSnapshot.Counts(warehouse));
        foreach (var (table, print) in prints)
        {
            Assert.Equal(print, WarehouseSnapshot.Fingerprint(warehouse, table.Split('.')[0], table.Split('.')[1]));
        }

        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE temporary"));
        var retry = InteractionLoaders.LoadSocial(warehouse, path);
        Assert.Equal((3L, 2L, 1L), (retry.RowsRead, retry.RowsLoaded, retry.RowsRejected));
        Assert.Equal(2, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"SocialInteraction\""));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE temporary"));
    }
}
