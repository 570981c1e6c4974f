using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Sources;

/// <summary>Reads social comments (JSON array or JSON lines) as cleaned <see cref="SocialComment"/> records or rejects (streaming).</summary>
public static class SocialCommentReader
{
    /// <summary>Longest comment text kept (characters); longer comments are rejected, not cut.</summary>
    public const int MaxTextLength = 20_000;

    /// <summary>The format's fields in documentation order.</summary>
    public static IReadOnlyList<FieldSpec> Schema { get; } =
    [
        new("platform", true),
        new("comment_id", true, "id"),
        new("handle", true, "author", "user"),
        new("email", false),
        new("timestamp", true, "created_at", "time"),
        new("text", true, "body", "message"),
        new("likes", false, "like_count"),
        new("reply_to", false, "in_reply_to", "parent_id"),
    ];

    /// <summary>Reads a JSON file (lazy; disposes the stream at the end).</summary>
    public static IEnumerable<SourceItem<SocialComment>> ReadJson(Stream stream, string sourceName, CleaningOptions? options = null, int maxRecordBytes = 1 << 20)
    {
        var o = options ?? CleaningOptions.Default;
        var window = o.TimeWindow();
        return SourceReader.ReadJson(stream, sourceName, Schema, o, maxRecordBytes, (f, c, _) => Map(f, c, o, window));
    }

    private static SocialComment? Map(FieldSource f, RowCleaner c, CleaningOptions o, PlausibleTimeWindow window)
    {
        var platform = c.Take("platform", f.Apply(0, v => TextRules.Trimmed(v, 32)), MissingValuePolicy.Reject)?.ToLowerInvariant();
        var id = c.Take("comment_id", f.Apply(1, v => TextRules.Trimmed(v, 100)), MissingValuePolicy.Reject);
        var handle = c.Take("handle", f.Apply(2, v => TextRules.Trimmed(v, 100)), MissingValuePolicy.Reject);
        var email = c.Take("email", f.Apply(3, EmailRules.Normalize));
        var time = c.TakeValue("timestamp", f.Apply(4, v => window.Check(DateTimeRules.ParseTimestamp(v, o.Culture, o.TimeZone))), MissingValuePolicy.Reject);
        var text = c.Take("text", f.Exact(5, MaxTextLength), MissingValuePolicy.Reject);
        var likes = c.TakeValue("likes", f.Apply(6, v =>
        {
            var r = NumberRules.ParseInt32(v, System.Globalization.CultureInfo.InvariantCulture);
            return r.IsValid && r.Value < 0 ? RuleResult<int>.Invalid("likes cannot be negative") : r;
        }), MissingValuePolicy.UseDefault, 0);
        var replyTo = c.Take("reply_to", f.Apply(7, v => TextRules.Trimmed(v, 100)));
        if (c.HasFailed || platform is null || id is null || handle is null || time is null || text is null)
            return null;
        return new SocialComment(platform, id, handle, email, time.Value, text, likes ?? 0, replyTo);
    }
}
