namespace Warehouse.Etl.Text;

/// <summary>A keyword phrase with its score.</summary>
/// <param name="Phrase">Lower-case words joined by single spaces.</param>
/// <param name="Score">RAKE score (sum of the words' degree / frequency).</param>
public readonly record struct Keyword(string Phrase, double Score);

/// <summary>
/// Keywords of one text by RAKE (Rose, Engel, Cramer &amp; Cowley, "Automatic Keyword Extraction from Individual
/// Documents", Text Mining: Applications and Theory, 2010): candidate phrases are the runs of words between stop
/// words and punctuation; a word scores deg(w) / freq(w), where deg counts the words of every candidate it occurs
/// in; a phrase scores the sum of its words. Pure numbers and one-letter words are not keywords. O(n) per text.
/// </summary>
public sealed class KeywordExtractor
{
    private readonly IReadOnlySet<string> _stopWords;

    /// <summary>Creates an extractor.</summary>
    /// <param name="stopWords">Stop words; <see cref="StopWords.English"/> when null.</param>
    /// <param name="maxPhraseWords">Longer candidates are dropped (RAKE favours long phrases); default 3.</param>
    public KeywordExtractor(IReadOnlySet<string>? stopWords = null, int maxPhraseWords = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPhraseWords, 1);
        _stopWords = stopWords ?? StopWords.English;
        MaxPhraseWords = maxPhraseWords;
    }

    /// <summary>Longest candidate phrase kept, in words.</summary>
    public int MaxPhraseWords { get; }

    /// <summary>Candidate phrases of <paramref name="text"/> in order of appearance (duplicates kept).</summary>
    public List<string[]> Candidates(string? text)
    {
        var phrases = new List<string[]>();
        var current = new List<string>();
        foreach (var t in Tokenizer.Tokenize(text))
        {
            var isBreak = t.Kind != TokenKind.Word || _stopWords.Contains(t.Lower) || t.Lower.Length < 2 || t.Lower.All(char.IsDigit);
            if (isBreak)
            {
                Flush();
                continue;
            }
            current.Add(t.Lower);
        }
        Flush();
        return phrases;

        void Flush()
        {
            if (current.Count is > 0 && current.Count <= MaxPhraseWords)
                phrases.Add([.. current]);
            current.Clear();
        }
    }

    /// <summary>The best <paramref name="top"/> distinct phrases, by score (ties: first appearance).</summary>
    public List<Keyword> Extract(string? text, int top = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 0);
        var candidates = Candidates(text);
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var degree = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var phrase in candidates)
        {
            foreach (var w in phrase)
            {
                frequency[w] = frequency.GetValueOrDefault(w) + 1;
                degree[w] = degree.GetValueOrDefault(w) + phrase.Length;
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scored = new List<(Keyword Keyword, int Order)>();
        foreach (var phrase in candidates)
        {
            var key = string.Join(' ', phrase);
            if (!seen.Add(key))
                continue;
            var score = phrase.Sum(w => (double)degree[w] / frequency[w]);
            scored.Add((new Keyword(key, score), scored.Count));
        }
        return scored.OrderByDescending(s => s.Keyword.Score).ThenBy(s => s.Order).Take(top).Select(s => s.Keyword).ToList();
    }

    /// <summary>
    /// Keywords as stored in <c>Keywords NVARCHAR(400)</c>: best phrases joined by ", ", whole phrases only,
    /// at most <paramref name="maxLength"/> characters (a phrase that does not fit is skipped); null when there is none.
    /// </summary>
    public string? ExtractJoined(string? text, int top = 5, int maxLength = 400)
    {
        var parts = new List<string>();
        var length = 0;
        foreach (var k in Extract(text, top))
        {
            var add = k.Phrase.Length + (parts.Count > 0 ? 2 : 0);
            if (length + add > maxLength)
                continue;
            parts.Add(k.Phrase);
            length += add;
        }
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }
}
