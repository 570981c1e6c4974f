using System.Globalization;
using System.Text;
using System.Text.Json;
using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Demo;

/// <summary>
/// Web events and social comments of the demo customers, consistent with their archetype: loyal high spenders visit
/// often and convert, bargain hunters browse a lot and convert little, lapsed customers stopped visiting early in the
/// year and complain, new customers appear in the last weeks. About a fifth of the web sessions are anonymous, and a
/// share of logged-in events carry only the e-mail hash, so identity resolution has work to do. Visitor ids are opaque
/// cookies: every customer has one, a quarter use a second device for about a third of their sessions, and for
/// <see cref="SharedDeviceShare"/> of the customers that second device is another customer's (a family computer), so one
/// visitor id can stand for two people. Each social comment carries the handle of its author (the same handle on both
/// platforms) and the e-mail in 80 % of cases. The writers add the customer behind every session and comment to the
/// identity truth.
/// </summary>
internal static class DemoInteractions
{
    /// <summary>Share of customers who use a second device.</summary>
    public const double SecondDeviceShare = 0.25;

    /// <summary>Share of customers whose second device is another customer's (shared family computer).</summary>
    public const double SharedDeviceShare = 0.02;

    private static readonly string[] Pages = ["/", "/c/home", "/c/kitchen", "/c/gifts", "/search", "/basket", "/account"];
    private static readonly string[] Devices = ["mobile", "desktop", "tablet"];
    private static readonly string[] Referrers = ["https://search.example/?q=gifts", "https://social.example/post/1", "", "", "https://news.example/deals"];

    private static readonly string[] Positive =
    [
        "Love the new mugs, delivery was quick!", "Great quality as always, thank you!", "Absolutely brilliant service.",
        "The lanterns look amazing in our garden.", "Really happy with my order, will buy again.",
    ];

    private static readonly string[] Bargain =
    [
        "Any discount codes this week?", "Good value but the postage is expensive.", "Waiting for the sale before I order again.",
        "Cheap and cheerful, does the job.", "Prices went up, not happy.",
    ];

    private static readonly string[] Negative =
    [
        "Not impressed, arrived broken.", "Terrible customer service, still waiting for a refund.", "Very disappointed with the quality.",
        "My order never arrived. Awful.", "I will not order again, too slow.",
    ];

    private static readonly string[] Neutral = ["Just placed my first order.", "Does this come in blue?", "When is the next delivery to Leeds?", "First time here, looks nice."];

    /// <summary>
    /// Writes web_events.jsonl (time-ordered JSON lines) and returns the number of events. Streaming: the sessions are
    /// planned first (a few values each, one random seed per session), then their events are generated and written in
    /// time order by merging the sessions in progress through a priority queue, so memory grows with the number of
    /// sessions, not with the number of events, and only a session's own generator decides its events.
    /// </summary>
    public static long WriteWebEvents(string path, Random random, IReadOnlyList<DemoCustomer> customers, List<DemoIdentityTruth> identity)
    {
        var plans = PlanWebSessions(random, customers, identity);
        // Sessions in start order (ties by plan order); events come out ordered by (time, session, event number).
        plans.Sort((a, b) => a.Start.CompareTo(b.Start) is var c && c != 0 ? c : a.Number.CompareTo(b.Number));
        var running = new PriorityQueue<WebSessionCursor, (DateTime Time, int Number, int Event)>();
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        long written = 0;
        var next = 0;
        while (next < plans.Count || running.Count > 0)
        {
            // Start every session that begins no later than the earliest pending event of the running ones.
            while (next < plans.Count && (!running.TryPeek(out _, out var head) || plans[next].Start <= head.Time))
            {
                var cursor = new WebSessionCursor(plans[next++]);
                running.Enqueue(cursor, (cursor.Time, cursor.Plan.Number, cursor.Event));
            }

            var current = running.Dequeue();
            writer.WriteLine(current.Next());
            written++;
            if (current.Event < current.Plan.Count)
            {
                running.Enqueue(current, (current.Time, current.Plan.Number, current.Event));
            }
        }

        return written;
    }

    private static List<WebSessionPlan> PlanWebSessions(Random random, IReadOnlyList<DemoCustomer> customers, List<DemoIdentityTruth> identity)
    {
        var plans = new List<WebSessionPlan>();
        var days = (int)(DemoGenerator.WindowEnd - DemoGenerator.WindowStart).TotalDays;
        var primary = customers.Select(_ => "v-" + random.Next().ToString("x8", CultureInfo.InvariantCulture)).ToArray();
        var second = new string?[customers.Count];
        for (var i = 0; i < customers.Count; i++)
        {
            var u = random.NextDouble();
            second[i] = u < SharedDeviceShare ? primary[(i + 1 + random.Next(customers.Count - 1)) % customers.Count]
                : u < SecondDeviceShare ? "v-" + random.Next().ToString("x8", CultureInfo.InvariantCulture) : null;
        }

        for (var index = 0; index < customers.Count; index++)
        {
            var customer = customers[index];
            var (sessions, firstDay, lastDay, conversion) = customer.Archetype switch
            {
                DemoArchetype.LoyalHighSpender => (random.Next(6, 10), 0, days, 0.6),
                DemoArchetype.BargainHunter => (random.Next(6, 12), 0, days, 0.15),
                DemoArchetype.Lapsed => (random.Next(1, 3), 0, 120, 0.2),
                DemoArchetype.New => (random.Next(1, 4), days - 40, days, 0.4),
                _ => (random.Next(1, 4), 0, days - 30, 0.3),
            };
            string? emailHash = null;
            // One session per day at most, so a customer's sessions never overlap (on a shared device two people's might:
            // the sessionizer then splits them by session id, and a split part keeps its id before '#').
            var sessionDays = Enumerable.Range(firstDay, lastDay - firstDay + 1).OrderBy(_ => random.Next()).Take(sessions).Order().ToArray();
            foreach (var day in sessionDays)
            {
                var start = DemoGenerator.WindowStart.AddDays(day).AddMinutes(random.Next(7 * 60, 22 * 60)).AddSeconds(random.Next(60));
                var number = plans.Count + 1;
                var visitor = second[index] is { } other && random.NextDouble() < 0.35 ? other : primary[index];
                identity.Add(new DemoIdentityTruth("web", WebSessionPlan.SessionId(number), customer.CustomerId));
                var anonymous = random.NextDouble() < 0.2;
                var byHash = !anonymous && random.NextDouble() < 0.3;
                if (byHash)
                {
                    emailHash ??= EmailRules.Sha256Hex(customer.Email);
                }

                var device = Devices[random.Next(Devices.Length)];
                var referrer = Referrers[random.Next(Referrers.Length)];
                plans.Add(new WebSessionPlan(number, start, visitor, anonymous || byHash ? null : customer.CustomerId, byHash ? emailHash : null,
                    device, referrer.Length > 0 ? referrer : null, random.Next(2, 7), conversion, random.Next()));
            }
        }

        return plans;
    }

    /// <summary>Writes social_comments.json (a JSON array) and returns the number of comments.</summary>
    public static long WriteSocialComments(string path, Random random, IReadOnlyList<DemoCustomer> customers, List<DemoIdentityTruth> identity)
    {
        var comments = new List<(DateTime Time, Dictionary<string, object?> Body)>();
        var days = (int)(DemoGenerator.WindowEnd - DemoGenerator.WindowStart).TotalDays;
        var number = 0;
        foreach (var customer in customers)
        {
            if (random.NextDouble() >= 0.35)
            {
                continue;
            }

            var (pool, firstDay, lastDay) = customer.Archetype switch
            {
                DemoArchetype.LoyalHighSpender => (Positive, 0, days),
                DemoArchetype.BargainHunter => (Bargain, 0, days),
                DemoArchetype.Lapsed => (Negative, 60, 200),
                DemoArchetype.New => (Neutral, days - 30, days),
                _ => (random.NextDouble() < 0.5 ? Positive : Neutral, 0, days - 30),
            };
            var handle = "@" + customer.FullName.ToLowerInvariant().Replace(' ', '_').Replace("'", string.Empty, StringComparison.Ordinal) + customer.CustomerId[^3..];
            for (var c = random.Next(1, 4); c > 0; c--)
            {
                var time = DemoGenerator.WindowStart.AddDays(random.Next(firstDay, lastDay + 1)).AddMinutes(random.Next(24 * 60));
                var commentId = "c-" + (++number).ToString(CultureInfo.InvariantCulture);
                identity.Add(new DemoIdentityTruth("social", commentId, customer.CustomerId));
                comments.Add((time, new Dictionary<string, object?>
                {
                    ["platform"] = random.NextDouble() < 0.6 ? "instagram" : "x",
                    ["comment_id"] = commentId,
                    ["handle"] = handle,
                    ["email"] = random.NextDouble() < 0.8 ? customer.Email : null,
                    ["timestamp"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["text"] = pool[random.Next(pool.Length)],
                    ["likes"] = random.Next(0, 40),
                }));
            }
        }

        comments.Sort((a, b) => a.Time.CompareTo(b.Time));
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var (_, body) in comments)
        {
            json.WriteStartObject();
            foreach (var (key, value) in body)
            {
                switch (value)
                {
                    case null:
                        break;
                    case int i:
                        json.WriteNumber(key, i);
                        break;
                    default:
                        json.WriteString(key, (string)value);
                        break;
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        return comments.Count;
    }

    /// <summary>A planned web session: who, when it starts, how many events, and the seed of its own event generator.</summary>
    private sealed record WebSessionPlan(int Number, DateTime Start, string Visitor, string? CustomerId, string? EmailHash, string Device,
        string? Referrer, int Count, double Conversion, int Seed)
    {
        /// <summary>The tracker session id of the plan numbered <paramref name="number"/>.</summary>
        public static string SessionId(int number) => "s-" + number.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Generates one planned session's events in order, each on demand.</summary>
    private sealed class WebSessionCursor(WebSessionPlan plan)
    {
        private readonly Random _random = new(plan.Seed);
        private readonly string _sessionId = WebSessionPlan.SessionId(plan.Number);

        public WebSessionPlan Plan { get; } = plan;

        /// <summary>Time of the next event.</summary>
        public DateTime Time { get; private set; } = plan.Start;

        /// <summary>Events generated so far.</summary>
        public int Event { get; private set; }

        /// <summary>The next event as a JSON line; moves <see cref="Time"/> on.</summary>
        public string Next()
        {
            var random = _random;
            var last = Event == Plan.Count - 1;
            var type = last && random.NextDouble() < Plan.Conversion ? "purchase" : Event == 0 ? "page_view" : random.NextDouble() < 0.5 ? "product_view" : random.NextDouble() < 0.3 ? "add_to_cart" : "page_view";
            var product = type is "product_view" or "add_to_cart" ? (20000 + random.Next(450)).ToString(CultureInfo.InvariantCulture) + "A" : null;
            var json = JsonSerializer.Serialize(new Dictionary<string, string?>
            {
                ["visitor_id"] = Plan.Visitor,
                ["customer_id"] = Plan.CustomerId,
                ["email_hash"] = Plan.EmailHash,
                ["session_id"] = _sessionId,
                ["timestamp"] = Time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["page"] = product is null ? Pages[random.Next(Pages.Length)] : "/p/" + product,
                ["event_type"] = type,
                ["product"] = product,
                ["referrer"] = Event == 0 ? Plan.Referrer : null,
                ["device"] = Plan.Device,
            }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value));
            Time = Time.AddSeconds(random.Next(10, 300));
            Event++;
            return json;
        }
    }
}
