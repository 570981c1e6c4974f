using System.Globalization;
using System.Text.Json;

namespace Warehouse.Etl.Sources;

/// <summary>
/// Turns a time-ordered stream of web events into sessions with the 30-minute inactivity rule: a visitor's
/// session ends when the next event comes more than <see cref="Inactivity"/> after the previous one, or when the
/// tracker's session id changes. Streaming: only visitors active within the last
/// <see cref="Inactivity"/> + <see cref="AllowedLateness"/> are held in memory (plus a small record of each
/// visitor's last tracker session for a day, to name split sessions), so memory stays flat as files grow.
/// </summary>
/// <remarks>
/// Input must be in time order up to <see cref="AllowedLateness"/>; an event older than that relative to the
/// newest event seen (it could belong to a session already emitted) is rejected with the reason, never silently
/// merged. A rejected event's raw record is its line as read (<see cref="SourceItem{T}.RawRecord"/>). Output order is deterministic for a given input: a session is emitted when it closes, and sessions
/// closing together are ordered by (start, visitor, session id). Session contents do not depend on the order of
/// simultaneous events. Cost O(n log a) for n events and a concurrently active visitors.
/// <para>An event repeated exactly (every field equal: visitor, customer id, e-mail hash, session, timestamp, page, type,
/// product, referrer, device) is rejected as "duplicate of line N" (N = its first line) and counted in no session. The
/// check needs only the events of the last <see cref="AllowedLateness"/>: a repeat of an older event is older than that
/// relative to the newest event, so it is rejected as out of time order anyway. Memory: the events of that window.</para>
/// </remarks>
public sealed class WebSessionizer
{
    private sealed class Open
    {
        public required WebEvent First;
        public required long FirstLine;
        public required long FirstRecord;
        public required string SessionId;
        public DateTime Start;
        public DateTime End;
        public string? CustomerId;
        public string? EmailHash;
        public int Pages;
        public int Products;
        public int Carts;
        public int Conversions;
        public int Events;
    }

    private readonly Dictionary<string, Open> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string TrackerSession, DateTime End)> _recent = new(StringComparer.Ordinal);
    private DateTime _watermark = DateTime.MinValue;
    private DateTime _lastSweep = DateTime.MinValue;
    private readonly TimeSpan _sweepInterval;
    private DateTime _lastRecentSweep = DateTime.MinValue;
    private readonly Dictionary<WebEvent, long> _windowLines = [];
    private readonly Queue<WebEvent> _window = new();

    /// <summary>Creates a sessionizer.</summary>
    /// <param name="inactivity">Gap that ends a session; default 30 minutes (the web analytics convention).</param>
    /// <param name="allowedLateness">How far an event may be older than the newest event seen; default 5 minutes.</param>
    public WebSessionizer(TimeSpan? inactivity = null, TimeSpan? allowedLateness = null)
    {
        Inactivity = inactivity ?? TimeSpan.FromMinutes(30);
        AllowedLateness = allowedLateness ?? TimeSpan.FromMinutes(5);
        if (Inactivity <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(inactivity), Inactivity, "must be > 0");
        if (AllowedLateness < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(allowedLateness), AllowedLateness, "must be ≥ 0");
        _sweepInterval = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, Inactivity.Ticks / 10));
    }

    /// <summary>Inactivity gap that ends a session.</summary>
    public TimeSpan Inactivity { get; }

    /// <summary>Tolerated disorder of the input.</summary>
    public TimeSpan AllowedLateness { get; }

    /// <summary>Sessionizes the items of a web event reader; rejects pass through unchanged, in order with the sessions.</summary>
    /// <param name="events">Items from <see cref="WebEventReader.ReadJsonLines"/>.</param>
    /// <param name="sourceName">Source name for rejects of late events.</param>
    public IEnumerable<SourceItem<WebSession>> Sessionize(IEnumerable<SourceItem<WebEvent>> events, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var item in events)
        {
            if (item.Reject is { } reject)
            {
                yield return SourceItem<WebSession>.Rejected(reject);
                continue;
            }
            var e = item.Record!;
            if (_watermark - e.Timestamp > AllowedLateness)
            {
                yield return SourceItem<WebSession>.Rejected(new SourceReject(sourceName, item.LineNumber, "timestamp",
                    $"event at {e.Timestamp:O} is more than {AllowedLateness.TotalMinutes:0.#} minutes older than an earlier event ({_watermark:O}); web event files must be in time order",
                    item.RawRecord ?? Raw(e)) { RecordNumber = item.RecordNumber });
                continue;
            }
            if (_windowLines.TryGetValue(e, out var firstLine))
            {
                yield return SourceItem<WebSession>.Rejected(new SourceReject(sourceName, item.LineNumber, null,
                    "duplicate of line " + firstLine.ToString(CultureInfo.InvariantCulture), item.RawRecord ?? Raw(e)) { RecordNumber = item.RecordNumber });
                continue;
            }
            _windowLines.Add(e, item.LineNumber);
            _window.Enqueue(e);
            foreach (var done in Add(e, item.LineNumber, item.RecordNumber))
                yield return SourceItem<WebSession>.Accepted(done.FirstLineNumber, done.FirstRecordNumber, done, null);
            if (e.Timestamp > _watermark)
            {
                _watermark = e.Timestamp;
                // Events older than the lateness window cannot be repeated without being rejected as late: forget them.
                while (_window.TryPeek(out var oldest) && _watermark - oldest.Timestamp > AllowedLateness)
                    _windowLines.Remove(_window.Dequeue());
                // Sweeping idle sessions costs O(open sessions): do it when the clock has moved on a little, not per
                // event. A session closed a little later has the same content (a later event of its visitor opens
                // a new session either way, because the gap already exceeds the inactivity limit).
                if (_watermark - _lastSweep >= _sweepInterval)
                {
                    _lastSweep = _watermark;
                    foreach (var done in CloseIdle())
                        yield return SourceItem<WebSession>.Accepted(done.FirstLineNumber, done.FirstRecordNumber, done, null);
                }
            }
        }
        foreach (var done in CloseAll())
            yield return SourceItem<WebSession>.Accepted(done.FirstLineNumber, done.FirstRecordNumber, done, null);
    }

    /// <summary>Events held for duplicate detection (those within <see cref="AllowedLateness"/> of the newest, plus stragglers
    /// queued behind one of them); bounded by the event rate, not the file's length.</summary>
    internal int DuplicateWindowCount => _windowLines.Count;

    /// <summary>The cleaned event as a JSON object with the format's field names: the raw record of a rejected event whose item
    /// carries no text as read (<see cref="SourceItem{T}.RawRecord"/>; items built in code).</summary>
    private static string Raw(WebEvent e) => JsonSerializer.Serialize(new Dictionary<string, string?>
    {
        ["visitor_id"] = e.VisitorId,
        ["customer_id"] = e.CrmCustomerId,
        ["email_hash"] = e.EmailHash,
        ["session_id"] = e.SessionId,
        ["timestamp"] = e.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        ["page"] = e.Page,
        ["event_type"] = e.EventType,
        ["product"] = e.Product,
        ["referrer"] = e.Referrer,
        ["device"] = e.Device,
    }, RawOptions);

    private static readonly JsonSerializerOptions RawOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private List<WebSession> Add(WebEvent e, long line, long record)
    {
        var closed = new List<WebSession>(0);
        if (_open.TryGetValue(e.VisitorId, out var s))
        {
            var gapAfter = e.Timestamp - s.End;
            var gapBefore = s.Start - e.Timestamp;
            if (e.SessionId == s.First.SessionId && gapAfter <= Inactivity && gapBefore <= Inactivity)
            {
                Update(s, e);
                return closed;
            }
            closed.Add(Close(s));
            _open.Remove(e.VisitorId);
        }
        var id = e.SessionId;
        if (_recent.TryGetValue(e.VisitorId, out var last) && last.TrackerSession == e.SessionId)
            id = e.SessionId + "#" + e.Timestamp.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var open = new Open { First = e, FirstLine = line, FirstRecord = record, SessionId = id, Start = e.Timestamp, End = e.Timestamp };
        Update(open, e);
        _open[e.VisitorId] = open;
        return closed;
    }

    private static void Update(Open s, WebEvent e)
    {
        if (e.Timestamp < s.Start)
            s.Start = e.Timestamp;
        if (e.Timestamp > s.End)
            s.End = e.Timestamp;
        s.CustomerId ??= e.CrmCustomerId;
        s.EmailHash ??= e.EmailHash;
        s.Events++;
        switch (e.EventType)
        {
            case "page_view":
                s.Pages++;
                break;
            case "product_view":
                s.Pages++;
                s.Products++;
                break;
            case "add_to_cart":
                s.Carts++;
                break;
            case "purchase":
                s.Conversions++;
                break;
        }
    }

    private WebSession Close(Open s)
    {
        _recent[s.First.VisitorId] = (s.First.SessionId, s.End);
        return new WebSession(s.SessionId, s.First.VisitorId, s.CustomerId, s.EmailHash, s.Start, s.End,
            (int)Math.Min(int.MaxValue, (long)(s.End - s.Start).TotalSeconds), s.Pages, s.Products, s.Carts, s.Conversions,
            s.First.Device, s.First.Referrer, s.Events, s.FirstLine, s.FirstRecord);
    }

    private List<WebSession> CloseIdle()
    {
        var idle = _open.Values.Where(s => _watermark - s.End > Inactivity + AllowedLateness).ToList();
        foreach (var s in idle)
            _open.Remove(s.First.VisitorId);
        if (_watermark - _lastRecentSweep >= TimeSpan.FromHours(1))
        {
            _lastRecentSweep = _watermark;
            var old = _recent.Where(p => _watermark - p.Value.End > TimeSpan.FromDays(1)).Select(p => p.Key).ToList();
            foreach (var k in old)
                _recent.Remove(k);
        }
        return Ordered(idle);
    }

    private List<WebSession> CloseAll()
    {
        var all = _open.Values.ToList();
        _open.Clear();
        return Ordered(all);
    }

    private List<WebSession> Ordered(List<Open> sessions)
    {
        if (sessions.Count == 0)
            return [];
        sessions.Sort((a, b) =>
        {
            var c = a.Start.CompareTo(b.Start);
            if (c == 0)
                c = string.CompareOrdinal(a.First.VisitorId, b.First.VisitorId);
            return c != 0 ? c : string.CompareOrdinal(a.SessionId, b.SessionId);
        });
        return sessions.Select(Close).ToList();
    }
}
