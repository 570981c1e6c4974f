using System.Globalization;

namespace Warehouse.Reports.Naming;

/// <summary>
/// Generates descriptive segment names from standardised profile means, such as "high value, frequent, recent": the
/// features on which the segment differs most from all customers (|z| ≥ <see cref="Threshold"/>, strongest first, at
/// most <see cref="MaxWords"/>) each contribute the word for their direction. A segment like everybody is "average
/// customers". Names within one run are made unique by adding the next descriptor, then a number.
/// </summary>
public static class SegmentNamer
{
    /// <summary>Smallest |standardised mean| that earns a descriptor.</summary>
    public const double Threshold = 0.3;

    /// <summary>Descriptors per name.</summary>
    public const int MaxWords = 3;

    private static readonly Dictionary<string, (string High, string Low)> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RecencyDays"] = ("lapsed", "recent"),
        ["Frequency"] = ("frequent", "infrequent"),
        ["MonetaryValue"] = ("high value", "low value"),
        ["AverageOrderValue"] = ("big baskets", "small baskets"),
        ["TenureDays"] = ("long-standing", "new"),
        ["CancellationRate"] = ("often cancelling", "rarely cancelling"),
        ["CustomerLifetimeValue"] = ("high CLV", "low CLV"),
        ["WebSessions"] = ("frequent visitors", "rare visitors"),
        ["WebEngagement"] = ("web-engaged", "web-passive"),
        ["WebConversionRate"] = ("converting online", "browsing only"),
        ["SocialComments"] = ("social", "quiet on social"),
        ["SocialSentiment"] = ("positive", "critical"),
        ["Age"] = ("older", "younger"),
    };

    /// <summary>Descriptors of one segment, strongest first (all of them, not cut at <see cref="MaxWords"/>).</summary>
    /// <param name="standardizedMeans">Feature name → (segment mean − overall mean) / overall standard deviation.</param>
    public static IReadOnlyList<string> Descriptors(IReadOnlyDictionary<string, double> standardizedMeans)
    {
        ArgumentNullException.ThrowIfNull(standardizedMeans);
        return standardizedMeans
            .Where(p => Words.ContainsKey(p.Key) && double.IsFinite(p.Value) && Math.Abs(p.Value) >= Threshold)
            .OrderByDescending(p => Math.Abs(p.Value)).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value > 0 ? Words[p.Key].High : Words[p.Key].Low)
            .ToList();
    }

    /// <summary>The name of one segment from its standardised means.</summary>
    public static string Generate(IReadOnlyDictionary<string, double> standardizedMeans)
    {
        var words = Descriptors(standardizedMeans);
        return words.Count == 0 ? "average customers" : string.Join(", ", words.Take(MaxWords));
    }

    /// <summary>Names for all segments of one run, unique within the run.</summary>
    /// <param name="segments">Segment key → feature name → standardised mean.</param>
    /// <returns>Segment key → name.</returns>
    public static IReadOnlyDictionary<int, string> GenerateUnique(IReadOnlyDictionary<int, IReadOnlyDictionary<string, double>> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var descriptors = segments.ToDictionary(s => s.Key, s => Descriptors(s.Value));
        var words = segments.Keys.ToDictionary(k => k, _ => MaxWords);
        string NameOf(int key) => descriptors[key].Count == 0 ? "average customers" : string.Join(", ", descriptors[key].Take(words[key]));

        // Lengthen clashing names while a segment has descriptors left; number whatever still clashes.
        for (var round = 0; round < 20; round++)
        {
            var clashes = segments.Keys.GroupBy(NameOf).Where(g => g.Count() > 1).SelectMany(g => g).Where(k => words[k] < descriptors[k].Count).ToList();
            if (clashes.Count == 0)
            {
                break;
            }

            foreach (var key in clashes)
            {
                words[key]++;
            }
        }

        var result = new Dictionary<int, string>();
        foreach (var group in segments.Keys.OrderBy(k => k).GroupBy(NameOf))
        {
            var number = 0;
            foreach (var key in group)
            {
                number++;
                result[key] = group.Count() == 1 ? group.Key : string.Create(CultureInfo.InvariantCulture, $"{group.Key} ({number})");
            }
        }

        return result;
    }
}
