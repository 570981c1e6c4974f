using System.Net;
using Dapper;

namespace Warehouse.Reports.Tests.Html;

/// <summary>
/// The report's tops table lists each segment's top comment keywords from Reports.SegmentKeyword: share of the segment's
/// members with comments and 100 × lift. Hand-computed: customers 1 and 2 (segment A) and 61 (segment B) comment before
/// the as-of date; 1 says "slow delivery", 2 "slow delivery" and "great price", 61 "great price". Run commenters 3.
/// Segment A (2 commenters): slow delivery 2/2 = 100 % against 2/3 overall, lift 1.5 (150); great price 1/2 = 50 %
/// against 2/3, lift 0.75 (75). Segment B (1 commenter): great price 1/1 = 100 %, lift 1.5 (150).
/// </summary>
public sealed class SegmentKeywordReportTests : IDisposable
{
    private readonly SyntheticWarehouse _data = SyntheticWarehouse.Create();
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("segment-keywords-");

    public void Dispose()
    {
        _data.Dispose();
        _output.Delete(recursive: true);
    }

    [Fact]
    public void The_tops_table_lists_each_segments_top_comment_keywords_with_share_and_lift()
    {
        var db = _data.Warehouse.Connection;
        foreach (var (key, customer, keywords) in new[] { (1L, 1, "slow delivery"), (2L, 2, "slow delivery, great price"), (3L, 61, "great price") })
        {
            db.Execute("""
                INSERT INTO "Fact"."SocialInteraction" ("SocialInteractionKey", "CustomerKey", "DateKey", "Platform", "CommentId", "SocialHandle", "CommentTime",
                    "CommentText", "Likes", "SentimentScore", "SentimentLabel", "Keywords", "LineageKey")
                VALUES ($key, $customer, 20110601, 'x', 'c' || $key, '@h', TIMESTAMP '2011-06-01 10:00', 'text', 0, 0, 'neutral', $keywords, 1)
                """, new { key, customer, keywords });
            foreach (var keyword in keywords.Split(", "))
            {
                db.Execute("""INSERT INTO "Fact"."SocialKeyword" VALUES ($key, $keyword, 1)""", new { key, keyword });
            }
        }

        var html = WebUtility.HtmlDecode(File.ReadAllText(SegmentReport.Write(_data.Warehouse, _output.FullName).Path));

        Assert.Contains("Comment keywords (customers)", html, StringComparison.Ordinal);
        Assert.Contains("<td>slow delivery 100 % · 150; great price 50 % · 75</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>great price 100 % · 150</td>", html, StringComparison.Ordinal);
    }
}
