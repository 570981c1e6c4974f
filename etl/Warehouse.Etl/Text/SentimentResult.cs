namespace Warehouse.Etl.Text;

/// <summary>Sentiment label.</summary>
public enum SentimentLabel
{
    /// <summary>Score ≤ −threshold.</summary>
    Negative,

    /// <summary>|score| &lt; threshold (including text without opinion words).</summary>
    Neutral,

    /// <summary>Score ≥ threshold.</summary>
    Positive,
}

/// <summary>Sentiment of one text.</summary>
/// <param name="Score">Compound score in [−1, 1].</param>
/// <param name="Label">Label from the score and the analyzer's threshold.</param>
/// <param name="MatchedTerms">Lexicon terms found (0: no opinion words, score 0).</param>
public readonly record struct SentimentResult(double Score, SentimentLabel Label, int MatchedTerms)
{
    /// <summary>Label as stored in <c>SentimentLabel</c> columns: <c>negative</c>, <c>neutral</c> or <c>positive</c>.</summary>
    public string LabelText => Label switch
    {
        SentimentLabel.Negative => "negative",
        SentimentLabel.Positive => "positive",
        _ => "neutral",
    };
}
