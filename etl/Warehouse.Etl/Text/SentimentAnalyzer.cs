namespace Warehouse.Etl.Text;

/// <summary>
/// Lexicon-based sentiment with the heuristics of VADER (Hutto &amp; Gilbert, "VADER: A Parsimonious Rule-based
/// Model for Sentiment Analysis of Social Media Text", ICWSM 2014): longest-match phrases, negation within the
/// three preceding words (valence × −0.74), intensifiers and dampeners within three words (±30 %, decaying with
/// distance), "but" shifting weight to the clause after it (×0.5 before, ×1.5 after), emphasis for shouted words
/// and exclamation marks, and the compound normalisation s / √(s² + 15) into (−1, 1). Offline, in-process,
/// deterministic; O(n · p) for n tokens and longest phrase p.
/// </summary>
public sealed class SentimentAnalyzer
{
    private static readonly HashSet<string> Negators = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "hardly", "cannot",
        "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't", "won't", "can't", "couldn't", "shouldn't",
        "wouldn't", "haven't", "hasn't", "hadn't", "ain't", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "wont",
        "cant", "couldnt", "shouldnt", "wouldnt", "havent", "hasnt",
    };

    private static readonly Dictionary<string, double> Intensifiers = new(StringComparer.Ordinal)
    {
        ["very"] = 1, ["really"] = 1, ["extremely"] = 1, ["so"] = 1, ["too"] = 1, ["super"] = 1, ["absolutely"] = 1,
        ["totally"] = 1, ["completely"] = 1, ["incredibly"] = 1, ["highly"] = 1, ["truly"] = 1, ["especially"] = 1,
        ["utterly"] = 1, ["most"] = 1, ["such"] = 0.5, ["quite"] = 0.5, ["pretty"] = 0.5,
        ["slightly"] = -1, ["somewhat"] = -1, ["barely"] = -1, ["kinda"] = -1, ["fairly"] = -0.5, ["partly"] = -1,
        ["marginally"] = -1, ["bit"] = -1,
    };

    private static readonly double[] Decay = [1.0, 0.95, 0.9];

    private readonly SentimentLexicon _lexicon;

    /// <summary>Creates an analyzer.</summary>
    /// <param name="lexicon">Lexicon; <see cref="SentimentLexicon.Default"/> when null.</param>
    /// <param name="neutralThreshold">|score| below this is neutral; default <see cref="DefaultNeutralThreshold"/>.</param>
    public SentimentAnalyzer(SentimentLexicon? lexicon = null, double neutralThreshold = DefaultNeutralThreshold)
    {
        if (neutralThreshold is < 0 or >= 1 || double.IsNaN(neutralThreshold))
            throw new ArgumentOutOfRangeException(nameof(neutralThreshold), neutralThreshold, "must be in [0, 1)");
        _lexicon = lexicon ?? SentimentLexicon.Default;
        NeutralThreshold = neutralThreshold;
    }

    /// <summary>Default neutral band (VADER's ±0.05), checked on the development set.</summary>
    public const double DefaultNeutralThreshold = 0.05;

    /// <summary>Valence multiplier for a negated term (VADER's N_SCALAR).</summary>
    public const double NegationScalar = -0.74;

    /// <summary>Relative change per intensifier (dampeners subtract it).</summary>
    public const double IntensifierStep = 0.3;

    /// <summary>Normalisation constant α of s / √(s² + α).</summary>
    public const double Alpha = 15.0;

    /// <summary>|score| below this is neutral.</summary>
    public double NeutralThreshold { get; }

    /// <summary>Scores one text. Empty text or text without opinion words is neutral with score 0.</summary>
    public SentimentResult Analyze(string? text)
    {
        var tokens = Tokenizer.Tokenize(text);
        var mixedCase = text is not null && text.Any(char.IsLower);
        // Every punctuation mark ends the scope of negations and intensifiers ("no fuss, appreciated").
        var words = new List<(Token Token, int Clause)>(tokens.Count);
        var clause = 0;
        var exclamations = 0;
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.Punctuation)
            {
                if (t.Lower == "!")
                    exclamations++;
                clause++;
                continue;
            }
            words.Add((t, clause));
        }

        var butIndex = -1;
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i].Token.Lower == "but")
                butIndex = i;
        }

        double sum = 0;
        var matched = 0;
        var i0 = 0;
        while (i0 < words.Count)
        {
            var (length, valence) = LongestMatch(words, i0);
            if (length == 0)
            {
                i0++;
                continue;
            }
            matched++;
            var v = valence;
            if (mixedCase && Enumerable.Range(i0, length).Any(k => words[k].Token.IsShouted))
                v += Math.Sign(v) * 0.733;
            var scale = 1.0;
            var negated = false;
            for (var k = 1; k <= 3 && i0 - k >= 0; k++)
            {
                var prev = words[i0 - k];
                if (prev.Clause != words[i0].Clause)
                    break;
                if (Intensifiers.TryGetValue(prev.Token.Lower, out var direction))
                    scale += direction * IntensifierStep * Decay[k - 1];
                if (Negators.Contains(prev.Token.Lower))
                    negated = true;
            }
            v *= scale;
            if (negated)
                v *= NegationScalar;
            if (butIndex >= 0)
                v *= i0 < butIndex ? 0.5 : 1.5;
            sum += v;
            i0 += length;
        }
        if (sum != 0 && exclamations > 0)
            sum += Math.Sign(sum) * 0.292 * Math.Min(exclamations, 4);
        var score = sum / Math.Sqrt(sum * sum + Alpha);
        var label = score >= NeutralThreshold && score > 0 ? SentimentLabel.Positive
            : score <= -NeutralThreshold && score < 0 ? SentimentLabel.Negative
            : SentimentLabel.Neutral;
        return new SentimentResult(score, label, matched);
    }

    private (int Length, double Valence) LongestMatch(List<(Token Token, int Clause)> words, int start)
    {
        for (var length = Math.Min(_lexicon.MaxPhraseLength, words.Count - start); length >= 1; length--)
        {
            if (words[start + length - 1].Clause != words[start].Clause)
                continue;
            var term = length == 1 ? words[start].Token.Lower : string.Join(' ', words.Skip(start).Take(length).Select(w => w.Token.Lower));
            if (_lexicon.TryGetScore(term, out var valence) && valence != 0)
                return (length, valence);
        }
        return (0, 0);
    }
}
