namespace Warehouse.Etl.Text;

/// <summary>Per-customer text features for segmentation.</summary>
/// <typeparam name="TKey">Customer key type.</typeparam>
/// <param name="Customer">Customer key.</param>
/// <param name="CommentCount">Comments by the customer.</param>
/// <param name="MeanSentiment">Mean score in [−1, 1].</param>
/// <param name="ShareNegative">Share of comments labelled negative, in [0, 1].</param>
/// <param name="SharePositive">Share of comments labelled positive, in [0, 1].</param>
/// <param name="TopKeywords">Most frequent keywords over the customer's comments (count of comments naming them, ties alphabetical).</param>
public sealed record CustomerTextProfile<TKey>(
    TKey Customer,
    int CommentCount,
    double MeanSentiment,
    double ShareNegative,
    double SharePositive,
    IReadOnlyList<string> TopKeywords);

/// <summary>Pure aggregation of comment features per customer.</summary>
public static class TextAggregation
{
    /// <summary>
    /// Groups comments by customer and computes <see cref="CustomerTextProfile{TKey}"/>s, ordered by customer key.
    /// The result does not depend on the order of the input.
    /// </summary>
    /// <param name="comments">(customer, analysis) per comment.</param>
    /// <param name="topKeywords">Keywords kept per customer.</param>
    public static List<CustomerTextProfile<TKey>> ByCustomer<TKey>(IEnumerable<(TKey Customer, CommentAnalysis Analysis)> comments, int topKeywords = 5)
        where TKey : notnull, IComparable<TKey>
    {
        ArgumentNullException.ThrowIfNull(comments);
        ArgumentOutOfRangeException.ThrowIfNegative(topKeywords);
        return comments
            .GroupBy(c => c.Customer)
            .Select(g =>
            {
                var list = g.Select(x => x.Analysis).ToList();
                // Sum scores in a fixed order so the mean is bit-identical whatever the input order.
                var scores = list.Select(a => a.Sentiment.Score).Order().ToList();
                var keywords = list
                    .SelectMany(a => a.Keywords.Distinct(StringComparer.Ordinal))
                    .GroupBy(k => k, StringComparer.Ordinal)
                    .OrderByDescending(k => k.Count()).ThenBy(k => k.Key, StringComparer.Ordinal)
                    .Take(topKeywords).Select(k => k.Key).ToList();
                return new CustomerTextProfile<TKey>(g.Key, list.Count, scores.Sum() / list.Count,
                    (double)list.Count(a => a.Sentiment.Label == SentimentLabel.Negative) / list.Count,
                    (double)list.Count(a => a.Sentiment.Label == SentimentLabel.Positive) / list.Count,
                    keywords);
            })
            .OrderBy(p => p.Customer)
            .ToList();
    }
}
