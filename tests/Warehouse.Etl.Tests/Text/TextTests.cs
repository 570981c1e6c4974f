using FsCheck;
using FsCheck.Fluent;
using Warehouse.Etl.Text;

namespace Warehouse.Etl.Tests.Text;

public sealed class TextTests
{
    private static readonly SentimentLexicon Tiny = new(new Dictionary<string, double>
    {
        ["good"] = 3, ["bad"] = -3, ["does not work"] = -3, ["love"] = 3,
    });

    [Fact]
    public void Tokenizer_words_contractions_emoticons_and_punctuation()
    {
        var tokens = Tokenizer.Tokenize("I DON’T like it :( but Zoë's café is great!! 😀 e-mail");
        Assert.Equal(["I", "DON’T", "like", "it", ":(", "but", "Zoë's", "café", "is", "great", "!", "!", "😀", "e-mail"], tokens.Select(t => t.Text));
        Assert.Equal("don't", tokens[1].Lower);
        Assert.True(tokens[1].IsShouted);
        Assert.Equal(TokenKind.Emoticon, tokens[4].Kind);
        Assert.Equal(TokenKind.Punctuation, tokens[10].Kind);
    }

    [Fact]
    public void Compound_score_hand_calculated()
    {
        var a = new SentimentAnalyzer(Tiny);
        // "good": s = 3 → 3 / √(9 + 15) = 0.612372.
        Assert.Equal(3 / Math.Sqrt(24), a.Analyze("good").Score, 12);
        // Negation: 3 · −0.74 = −2.22 → −2.22 / √(4.9284 + 15) = −0.497359.
        Assert.Equal(-2.22 / Math.Sqrt(2.22 * 2.22 + 15), a.Analyze("not good").Score, 12);
        // Intensifier one word before: 3 · 1.3 = 3.9; two words before ("very very"): 3 · (1 + 0.3 + 0.285) = 4.755.
        Assert.Equal(3.9 / Math.Sqrt(3.9 * 3.9 + 15), a.Analyze("very good").Score, 12);
        Assert.Equal(4.755 / Math.Sqrt(4.755 * 4.755 + 15), a.Analyze("very very good").Score, 12);
        // Dampener: 3 · 0.7 = 2.1.
        Assert.Equal(2.1 / Math.Sqrt(2.1 * 2.1 + 15), a.Analyze("slightly good").Score, 12);
        // "but": before × 0.5, after × 1.5: 0.5 · 3 + 1.5 · (−3) = −3.
        Assert.Equal(-3 / Math.Sqrt(24), a.Analyze("good but bad").Score, 12);
        // Two exclamation marks: 3 + 2 · 0.292 = 3.584.
        Assert.Equal(3.584 / Math.Sqrt(3.584 * 3.584 + 15), a.Analyze("good!!").Score, 12);
        // Shouting in mixed-case text: 3 + 0.733.
        Assert.Equal(3.733 / Math.Sqrt(3.733 * 3.733 + 15), a.Analyze("it is GOOD").Score, 12);
        // A phrase beats its words and carries its own negation: −3.
        Assert.Equal(-3 / Math.Sqrt(24), a.Analyze("it does not work").Score, 12);
        // Punctuation ends the negation scope.
        Assert.Equal(3 / Math.Sqrt(24), a.Analyze("no, good").Score, 12);
    }

    [Fact]
    public void Labels_and_empty_text()
    {
        var a = new SentimentAnalyzer();
        Assert.Equal(new SentimentResult(0, SentimentLabel.Neutral, 0), a.Analyze(""));
        Assert.Equal(new SentimentResult(0, SentimentLabel.Neutral, 0), a.Analyze(null));
        Assert.Equal(SentimentLabel.Positive, a.Analyze("Love the new mugs :)").Label);
        Assert.Equal(SentimentLabel.Negative, a.Analyze("The lights don't work at all.").Label);
        Assert.Equal("negative", a.Analyze("awful").LabelText);
        Assert.True(SentimentLexicon.Default.Count > 3400);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Score_is_always_in_the_unit_interval_and_consistent_with_its_label(string? text)
    {
        var r = new SentimentAnalyzer().Analyze(text);
        return r.Score is >= -1 and <= 1 && !double.IsNaN(r.Score)
            && (r.Label == SentimentLabel.Positive) == (r.Score >= SentimentAnalyzer.DefaultNeutralThreshold)
            && (r.Label == SentimentLabel.Negative) == (r.Score <= -SentimentAnalyzer.DefaultNeutralThreshold);
    }

    [FsCheck.Xunit.Property(MaxTest = 100)]
    public bool More_praise_never_lowers_the_score(PositiveInt repeats)
    {
        var a = new SentimentAnalyzer();
        var n = 1 + repeats.Get % 6;
        var text = string.Join(". ", Enumerable.Repeat("great", n));
        var more = text + ". great";
        return a.Analyze(more).Score >= a.Analyze(text).Score;
    }

    [Fact]
    public void Rake_hand_calculated()
    {
        // Candidates: [fast delivery] [lovely mugs] [delivery] [late]; freq: delivery 2, others 1;
        // deg: fast 2, delivery 2 + 1 = 3, lovely 2, mugs 2, late 1 → word scores 2, 1.5, 2, 2, 1.
        // Phrases: lovely mugs 4, fast delivery 3.5, delivery 1.5, late 1.
        var k = new KeywordExtractor().Extract("Fast delivery, lovely mugs. Delivery was late.");
        Assert.Equal([new Keyword("lovely mugs", 4), new Keyword("fast delivery", 3.5), new Keyword("delivery", 1.5), new Keyword("late", 1)], k);
        Assert.Equal("lovely mugs, fast delivery", new KeywordExtractor().ExtractJoined("Fast delivery, lovely mugs. Delivery was late.", 2));
        Assert.Null(new KeywordExtractor().ExtractJoined("it is what it is"));
        Assert.Equal("lovely mugs", new KeywordExtractor().ExtractJoined("Fast delivery, lovely mugs.", 5, 12));
    }

    [Fact]
    public void Tfidf_matches_scikit_learn()
    {
        // Reference: sklearn 1.2.1 TfidfVectorizer(analyzer=str.split) on these four documents (defaults: smooth idf, l2).
        string[][] docs = [["delivery", "late", "box", "broken"], ["lovely", "mugs", "fast", "delivery"], ["mugs", "mugs", "lovely"], ["refund", "late"]];
        var model = TfIdf.Fit(docs);
        Assert.Equal(1.9162907319, model.Idf("box"), 1e-9);
        Assert.Equal(1.5108256238, model.Idf("delivery"), 1e-9);
        var expected = new[]
        {
            new Dictionary<string, double> { ["box"] = 0.5552826649, ["broken"] = 0.5552826649, ["delivery"] = 0.4377912311, ["late"] = 0.4377912311 },
            new Dictionary<string, double> { ["delivery"] = 0.4658085494, ["fast"] = 0.5908190806, ["lovely"] = 0.4658085494, ["mugs"] = 0.4658085494 },
            new Dictionary<string, double> { ["lovely"] = 0.4472135955, ["mugs"] = 0.894427191 },
            new Dictionary<string, double> { ["late"] = 0.6191302965, ["refund"] = 0.7852882757 },
        };
        for (var d = 0; d < docs.Length; d++)
        {
            var w = model.Transform(docs[d]);
            Assert.Equal(expected[d].Keys.Order(), w.Keys.Order());
            foreach (var (term, value) in expected[d])
                Assert.Equal(value, w[term], 1e-9);
        }
        Assert.Equal(["mugs", "lovely"], model.TopTerms(docs[2], 5));
    }

    [Fact]
    public void Customer_aggregation_hand_calculated_and_order_independent()
    {
        static CommentAnalysis C(double score, SentimentLabel label, params string[] keywords) => new(new SentimentResult(score, label, 1), keywords);
        var comments = new List<(int, CommentAnalysis)>
        {
            (7, C(0.5, SentimentLabel.Positive, "fast delivery", "mugs")),
            (3, C(-0.6, SentimentLabel.Negative, "broken box")),
            (7, C(-0.2, SentimentLabel.Negative, "mugs", "late")),
            (7, C(0.0, SentimentLabel.Neutral)),
        };
        var profiles = TextAggregation.ByCustomer(comments, topKeywords: 2);
        Assert.Equal([3, 7], profiles.Select(p => p.Customer));
        var p7 = profiles[1];
        // Customer 7: mean (0.5 − 0.2 + 0) / 3 = 0.1; 1 of 3 negative, 1 of 3 positive; "mugs" in 2 comments, then alphabetical.
        Assert.Equal(3, p7.CommentCount);
        Assert.Equal(0.1, p7.MeanSentiment, 12);
        Assert.Equal(1.0 / 3, p7.ShareNegative, 12);
        Assert.Equal(1.0 / 3, p7.SharePositive, 12);
        Assert.Equal(["mugs", "fast delivery"], p7.TopKeywords);
        var reversed = TextAggregation.ByCustomer(Enumerable.Reverse(comments), topKeywords: 2);
        Assert.Equal(profiles.Select(p => (p.Customer, p.CommentCount, p.MeanSentiment, p.ShareNegative, string.Join("|", p.TopKeywords))),
            reversed.Select(p => (p.Customer, p.CommentCount, p.MeanSentiment, p.ShareNegative, string.Join("|", p.TopKeywords))));
    }

    [Fact]
    public void Comment_analysis_combines_sentiment_and_keywords()
    {
        var a = CommentAnalysis.Of("The parcel arrived broken and nobody answered my emails.");
        Assert.Equal(SentimentLabel.Negative, a.Sentiment.Label);
        Assert.Contains("parcel arrived broken", a.Keywords);
    }
}
