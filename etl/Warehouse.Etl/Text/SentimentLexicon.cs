using System.Globalization;
using System.Reflection;

namespace Warehouse.Etl.Text;

/// <summary>
/// Valence lexicon: words and short phrases scored from −5 to 5. The default is AFINN-165 (Finn Årup Nielsen,
/// 2015; "A new ANEW", ESWC 2011 workshop, arXiv:1103.2903; ODbL 1.0, see Data/README.md) plus the project's
/// domain supplement (Data/domain-lexicon.tsv), both embedded in the assembly. Immutable once built.
/// </summary>
public sealed class SentimentLexicon
{
    private static readonly Lazy<SentimentLexicon> DefaultLexicon = new(LoadDefault);
    private readonly Dictionary<string, double> _terms;

    /// <summary>Builds a lexicon from (term, score) pairs; later pairs override earlier ones. Terms are lower-cased.</summary>
    public SentimentLexicon(IEnumerable<KeyValuePair<string, double>> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        _terms = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (term, score) in terms)
        {
            var key = string.Join(' ', Tokenizer.Tokenize(term).Select(t => t.Lower));
            if (key.Length == 0)
                continue;
            _terms[key] = score;
            MaxPhraseLength = Math.Max(MaxPhraseLength, key.Count(c => c == ' ') + 1);
        }
    }

    /// <summary>AFINN-165 plus the domain supplement.</summary>
    public static SentimentLexicon Default => DefaultLexicon.Value;

    /// <summary>Number of terms.</summary>
    public int Count => _terms.Count;

    /// <summary>Longest phrase in tokens.</summary>
    public int MaxPhraseLength { get; private set; } = 1;

    /// <summary>Score of a term (lower-case tokens joined by single spaces).</summary>
    public bool TryGetScore(string term, out double score) => _terms.TryGetValue(term, out score);

    /// <summary>Parses "term TAB score" lines; blank lines and lines starting with # are skipped.</summary>
    /// <exception cref="FormatException">A line is not "term TAB integer-or-decimal".</exception>
    public static IEnumerable<KeyValuePair<string, double>> ParseTsv(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var tab = line.LastIndexOf('\t');
            if (tab <= 0 || !double.TryParse(line.AsSpan(tab + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
                throw new FormatException($"{name}, line {lineNumber}: expected 'term<TAB>score'");
            yield return new KeyValuePair<string, double>(line[..tab], score);
        }
    }

    private static SentimentLexicon LoadDefault()
    {
        var assembly = typeof(SentimentLexicon).Assembly;
        return new SentimentLexicon(Read(assembly, "afinn-165.tsv").Concat(Read(assembly, "domain-lexicon.tsv")));
    }

    private static List<KeyValuePair<string, double>> Read(Assembly assembly, string file)
    {
        var name = "Warehouse.Etl.Text.Data." + file;
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return ParseTsv(reader, file).ToList();
    }
}
