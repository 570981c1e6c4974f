namespace Warehouse.Etl.Text;

/// <summary>
/// TF-IDF weights as scikit-learn's <c>TfidfVectorizer</c> computes them by default: raw term counts,
/// smooth idf = ln((1 + n) / (1 + df)) + 1, rows scaled to unit Euclidean length. Used to find the terms that
/// characterise a customer's comments against all customers' comments. Immutable after <see cref="Fit"/>.
/// </summary>
public sealed class TfIdf
{
    private readonly Dictionary<string, double> _idf;

    private TfIdf(Dictionary<string, double> idf, int documents)
    {
        _idf = idf;
        DocumentCount = documents;
    }

    /// <summary>Documents the model was fitted on.</summary>
    public int DocumentCount { get; }

    /// <summary>Vocabulary size.</summary>
    public int VocabularySize => _idf.Count;

    /// <summary>Learns document frequencies from tokenised documents.</summary>
    public static TfIdf Fit(IEnumerable<IReadOnlyList<string>> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = 0;
        foreach (var doc in documents)
        {
            n++;
            foreach (var term in doc.Distinct(StringComparer.Ordinal))
                df[term] = df.GetValueOrDefault(term) + 1;
        }
        var idf = df.ToDictionary(p => p.Key, p => Math.Log((1.0 + n) / (1.0 + p.Value)) + 1.0, StringComparer.Ordinal);
        return new TfIdf(idf, n);
    }

    /// <summary>Inverse document frequency of <paramref name="term"/>; terms never seen get the idf of df = 0.</summary>
    public double Idf(string term) => _idf.TryGetValue(term, out var v) ? v : Math.Log(1.0 + DocumentCount) + 1.0;

    /// <summary>L2-normalised tf-idf weights of one tokenised document (terms outside the vocabulary are ignored, as scikit-learn does).</summary>
    public Dictionary<string, double> Transform(IReadOnlyList<string> document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var term in document)
        {
            if (_idf.ContainsKey(term))
                weights[term] = weights.GetValueOrDefault(term) + 1.0;
        }
        var norm = 0.0;
        foreach (var term in weights.Keys.ToList())
        {
            var w = weights[term] * _idf[term];
            weights[term] = w;
            norm += w * w;
        }
        norm = Math.Sqrt(norm);
        if (norm > 0)
        {
            foreach (var term in weights.Keys.ToList())
                weights[term] /= norm;
        }
        return weights;
    }

    /// <summary>The <paramref name="top"/> terms of a document by weight (ties: ordinal order).</summary>
    public List<string> TopTerms(IReadOnlyList<string> document, int top) =>
        Transform(document).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top).Select(p => p.Key).ToList();
}
