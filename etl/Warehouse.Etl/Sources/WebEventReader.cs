using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Sources;

/// <summary>Reads web events (JSON lines, or a JSON array) as cleaned <see cref="WebEvent"/> records or rejects (streaming).</summary>
public static class WebEventReader
{
    /// <summary>Accepted event types (lower case; <c>-</c> and spaces read as <c>_</c>).</summary>
    public static IReadOnlyList<string> EventTypes { get; } =
        ["page_view", "product_view", "add_to_cart", "remove_from_cart", "checkout", "purchase", "search", "login", "logout"];

    /// <summary>The format's fields in documentation order.</summary>
    public static IReadOnlyList<FieldSpec> Schema { get; } =
    [
        new("visitor_id", true, "visitor", "anonymous_id"),
        new("customer_id", false, "crm_customer_id", "user_id"),
        new("email_hash", false, "hashed_email", "email_sha256"),
        new("session_id", true, "session"),
        new("timestamp", true, "time", "ts"),
        new("page", false, "url", "path"),
        new("event_type", true, "event", "type"),
        new("product", false, "product_id", "stock_code"),
        new("referrer", false, "referer"),
        new("device", false, "device_type"),
    ];

    /// <summary>Reads a JSON-lines file (lazy; disposes the stream at the end).</summary>
    public static IEnumerable<SourceItem<WebEvent>> ReadJsonLines(Stream stream, string sourceName, CleaningOptions? options = null, int maxRecordBytes = 1 << 16)
    {
        var o = options ?? CleaningOptions.Default;
        var window = o.TimeWindow();
        return SourceReader.ReadJson(stream, sourceName, Schema, o, maxRecordBytes, (f, c, _) => Map(f, c, o, window));
    }

    /// <summary>
    /// Longest tracker session id: a later part of a session is stored as id + '#' + its UTC start
    /// (<c>yyyyMMddTHHmmssZ</c>, 17 characters; <see cref="WebSessionizer"/> and the migrations on both engines), and
    /// <c>Fact.WebSession.SessionId</c> holds 100.
    /// </summary>
    internal const int MaximumSessionIdLength = 100 - 17;

    /// <summary>
    /// A tracker session id: trimmed, at most <see cref="MaximumSessionIdLength"/> characters and without '#', which
    /// the warehouse reserves for naming the later parts of a session (the migrations tell parts apart by it).
    /// </summary>
    internal static RuleResult<string> TrackerSessionId(string? value)
    {
        var t = TextRules.Trimmed(value, MaximumSessionIdLength);
        if (t.IsValid && t.Value!.Contains('#', StringComparison.Ordinal))
            return RuleResult<string>.Invalid("contains '#', which the warehouse reserves for the later parts of a session (id#start)");
        return t;
    }

    private static RuleResult<string> EventType(string? value)
    {
        var t = TextRules.Trimmed(value);
        if (!t.IsValid)
            return t;
        var s = t.Value!.ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        return EventTypes.Contains(s) ? RuleResult<string>.Ok(s) : RuleResult<string>.Invalid($"unknown event type (expected one of {string.Join(", ", EventTypes)})");
    }

    private static WebEvent? Map(FieldSource f, RowCleaner c, CleaningOptions o, PlausibleTimeWindow window)
    {
        var visitor = c.Take("visitor_id", f.Apply(0, v => TextRules.Trimmed(v, 100)), MissingValuePolicy.Reject);
        var customer = c.Take("customer_id", f.Apply(1, v => TextRules.Trimmed(v, 50)));
        var hash = c.Take("email_hash", f.Apply(2, EmailRules.NormalizeHash));
        var session = c.Take("session_id", f.Apply(3, TrackerSessionId), MissingValuePolicy.Reject);
        var time = c.TakeValue("timestamp", f.Apply(4, v => window.Check(DateTimeRules.ParseTimestamp(v, o.Culture, o.TimeZone))), MissingValuePolicy.Reject);
        var page = c.Take("page", f.Apply(5, v => TextRules.Trimmed(v, 400)));
        var type = c.Take("event_type", f.Apply(6, EventType), MissingValuePolicy.Reject);
        var product = c.Take("product", f.Apply(7, v => TextRules.Trimmed(v, 50)));
        var referrer = c.Take("referrer", f.Apply(8, v => TextRules.Trimmed(v, 400)));
        var device = c.Take("device", f.Apply(9, v => TextRules.Trimmed(v, 32)))?.ToLowerInvariant();
        if (c.HasFailed || visitor is null || session is null || time is null || type is null)
            return null;
        return new WebEvent(visitor, customer, hash, session, time.Value, page, type, product, referrer, device);
    }
}
