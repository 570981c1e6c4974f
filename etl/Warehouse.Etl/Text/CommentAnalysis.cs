namespace Warehouse.Etl.Text;

/// <summary>Text features of one comment.</summary>
/// <param name="Sentiment">Score and label.</param>
/// <param name="Keywords">Best RAKE phrases, best first.</param>
public sealed record CommentAnalysis(SentimentResult Sentiment, IReadOnlyList<string> Keywords)
{
    /// <summary>Analyzes one comment with the given analyzer and extractor (defaults when null).</summary>
    public static CommentAnalysis Of(string? text, SentimentAnalyzer? analyzer = null, KeywordExtractor? keywords = null, int topKeywords = 5) =>
        new((analyzer ?? new SentimentAnalyzer()).Analyze(text),
            (keywords ?? new KeywordExtractor()).Extract(text, topKeywords).Select(k => k.Phrase).ToList());
}
