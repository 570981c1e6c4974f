using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Sources;

public sealed class WebSessionizerTests
{
    private static readonly DateTime T0 = new(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc);

    private static SourceItem<WebEvent> E(long line, string visitor, string session, int minute, string type = "page_view", string? customer = null,
        string? device = null, string? referrer = null) =>
        SourceItem<WebEvent>.Accepted(line, new WebEvent(visitor, customer, null, session, T0.AddMinutes(minute), "/p", type, null, referrer, device));

    [Fact]
    public void Thirty_minute_rule_hand_built_example()
    {
        // v1: 10:00, 10:10, 10:40 (gap 30 min: same session), 11:11 (gap 31 min: new session, same tracker id) → 2 sessions.
        // v2: 10:05 s7, 10:06 s8 (tracker session changes) → 2 sessions.
        var events = new[]
        {
            E(1, "v1", "s1", 0, device: "mobile", referrer: "https://ads.example"),
            E(2, "v2", "s7", 5),
            E(3, "v2", "s8", 6, "add_to_cart"),
            E(4, "v1", "s1", 10, "product_view", customer: "C1"),
            E(5, "v1", "s1", 40, "purchase", device: "desktop"),
            E(6, "v1", "s1", 71),
        };
        var sessions = new WebSessionizer().Sessionize(events, "web.jsonl").ToList();
        Assert.All(sessions, s => Assert.False(s.IsRejected));
        var byId = sessions.Select(s => s.Record!).ToDictionary(s => s.SessionId);
        Assert.Equal(4, byId.Count);
        var first = byId["s1"];
        Assert.Equal(new WebSession("s1", "v1", "C1", null, T0, T0.AddMinutes(40), 2400, 2, 1, 0, 1, "mobile", "https://ads.example", 3, 1, 1), first);
        var split = byId["s1#20240501T111100Z"];
        Assert.Equal((1, 0, 1, 6L), (split.EventCount, split.DurationSeconds, split.PageViews, split.FirstLineNumber));
        Assert.Equal((1, 0), (byId["s7"].EventCount, byId["s7"].AddToCarts));
        Assert.Equal((1, 1), (byId["s8"].EventCount, byId["s8"].AddToCarts));
        Assert.Equal(events.Length, sessions.Sum(s => s.Record!.EventCount));
        // A session is emitted when it closes: s7 when s8 starts (line 3), s1 when line 6 opens its second part, the rest at the end.
        Assert.Equal(["s7", "s1", "s8", "s1#20240501T111100Z"], sessions.Select(s => s.Record!.SessionId));
    }

    [Fact]
    public void Late_events_are_rejected_and_small_disorder_is_tolerated()
    {
        var events = new[]
        {
            E(1, "v1", "s1", 0),
            E(2, "v2", "s2", 60),
            E(3, "v1", "s1", 57), // 3 minutes late: tolerated (but v1's 57 is a new session: 57 min after 10:00)
            E(4, "v3", "s3", 40), // 20 minutes late: rejected
        };
        var items = new WebSessionizer().Sessionize(events, "web.jsonl").ToList();
        var reject = Assert.Single(items, i => i.IsRejected).Reject!;
        Assert.Equal((4L, "timestamp"), (reject.LineNumber, reject.ColumnName));
        Assert.Contains("must be in time order", reject.Reason);
        Assert.Equal(3, items.Where(i => !i.IsRejected).Sum(i => i.Record!.EventCount));
        Assert.Equal(events.Length, items.Where(i => !i.IsRejected).Sum(i => i.Record!.EventCount) + items.Count(i => i.IsRejected));
    }

    [Fact]
    public void Reader_rejects_flow_through_in_the_same_stream()
    {
        var lines = "{\"visitor_id\":\"v1\",\"session_id\":\"s1\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"event_type\":\"page_view\"}\n" +
                    "{bad json}\n" +
                    "{\"visitor_id\":\"v1\",\"session_id\":\"s1\",\"timestamp\":\"2024-05-01T10:20:00Z\",\"event_type\":\"purchase\"}\n";
        var items = new WebSessionizer().Sessionize(WebEventReader.ReadJsonLines(SourceReaderTests.Utf8(lines), "web.jsonl"), "web.jsonl").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(2, items.Single(i => !i.IsRejected).Record!.EventCount);
        Assert.Equal(2, items.Single(i => i.IsRejected).Reject!.LineNumber);
    }

    [Fact]
    public void Sessions_do_not_depend_on_the_order_of_simultaneous_events()
    {
        var a = new[] { E(1, "v1", "s1", 0), E(2, "v2", "s2", 0, "purchase"), E(3, "v1", "s1", 5, "add_to_cart"), E(4, "v2", "s2", 5) };
        var b = new[] { a[1], a[0], a[3], a[2] };
        static List<WebSession> Run(IEnumerable<SourceItem<WebEvent>> e) =>
            new WebSessionizer().Sessionize(e, "w").Select(i => i.Record! with { FirstLineNumber = 0 }).ToList();
        Assert.Equal(Run(a), Run(b));
    }

    [Fact]
    public void A_repeated_event_is_rejected_within_the_lateness_window_and_the_window_stays_bounded()
    {
        // 20,000 events 10 s apart (one per visitor, 55 hours of stream time). Each 1,000th is repeated 4 minutes of
        // stream time later (24 events on, within the 5-minute lateness): a duplicate naming its first line. The 500th
        // is repeated 6 minutes later (36 events on): older than the lateness, rejected as out of order, never counted.
        const int n = 20_000;
        var sizes = new List<int>();
        var sessionizer = new WebSessionizer();
        var output = sessionizer.Sessionize(Stream(), "web.jsonl").ToList();

        IEnumerable<SourceItem<WebEvent>> Stream()
        {
            var line = 0L;
            var pending = new List<(int Due, SourceItem<WebEvent> Item)>();
            for (var i = 0; i < n; i++)
            {
                var e = new WebEvent("v" + i, null, null, "s" + i, T0.AddSeconds(10 * i), "/p", "page_view", null, null, null);
                var item = SourceItem<WebEvent>.Accepted(++line, e);
                yield return item;
                if (i % 1000 == 0)
                    pending.Add((i + 24, item));
                if (i == 500)
                    pending.Add((i + 36, item));
                foreach (var p in pending.Where(p => p.Due == i).ToList())
                {
                    pending.Remove(p);
                    yield return SourceItem<WebEvent>.Accepted(++line, p.Item.Record!);
                }

                sizes.Add(sessionizer.DuplicateWindowCount);
            }
        }

        var rejects = output.Where(o => o.IsRejected).Select(o => o.Reject!).ToList();
        Assert.Equal(n / 1000 + 1, rejects.Count);
        Assert.Equal(n / 1000, rejects.Count(r => r.Reason.StartsWith("duplicate of line ", StringComparison.Ordinal)));
        Assert.Single(rejects, r => r.ColumnName == "timestamp");
        // The first repeat: event 0 (line 1) again after event 24 (line 25) → line 26.
        Assert.Equal((26L, "duplicate of line 1"), (rejects[0].LineNumber, rejects[0].Reason));
        Assert.Equal(n, output.Where(o => !o.IsRejected).Sum(o => o.Record!.EventCount));
        // The window holds the events of the last 5 minutes of stream time (31 at 10 s apart, plus a repeat), not the file.
        Assert.InRange(sizes.Max(), 31, 33);
    }
}
