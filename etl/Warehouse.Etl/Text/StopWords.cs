namespace Warehouse.Etl.Text;

/// <summary>
/// English stop words for keyword extraction: function words (articles, pronouns, auxiliaries, prepositions,
/// conjunctions) and a few chat fillers. Written for this project; negations are included here (they carry no
/// topic) but handled separately by <see cref="SentimentAnalyzer"/>.
/// </summary>
public static class StopWords
{
    /// <summary>The stop word set (lower case).</summary>
    public static IReadOnlySet<string> English { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "aren't", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "can't", "cannot", "could",
        "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "even", "ever", "every",
        "few", "for", "from", "further", "get", "got", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "her",
        "here", "hers", "herself", "him", "himself", "his", "how", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is",
        "isn't", "it", "it's", "its", "itself", "just", "let's", "me", "more", "most", "much", "must", "my", "myself", "no", "nor",
        "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "please",
        "quite", "rather", "really", "same", "she", "should", "shouldn't", "so", "some", "such", "than", "that", "that's", "the",
        "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they're", "this", "those", "through",
        "to", "too", "under", "until", "up", "us", "very", "was", "wasn't", "we", "we're", "were", "weren't", "what", "when",
        "where", "which", "while", "who", "whom", "why", "will", "with", "won't", "would", "wouldn't", "yet", "you", "you're",
        "your", "yours", "yourself", "yourselves", "one", "two", "three", "still", "again", "will", "shall", "may", "might",
        "thanks", "thank", "hi", "hello", "ok", "okay", "lol", "yes", "yeah", "oh", "well", "never", "nothing", "anything",
        "something", "everything", "lot", "lots", "bit", "etc", "via", "per",
    };
}
