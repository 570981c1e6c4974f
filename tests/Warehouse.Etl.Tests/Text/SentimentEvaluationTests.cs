using Warehouse.Etl.Text;
using Xunit.Abstractions;

namespace Warehouse.Etl.Tests.Text;

/// <summary>
/// Accuracy on the labelled comment sets in etl/Warehouse.Etl/Text/Data (written for this project, 120 comments
/// each, 40 per class). The development set was used to choose the domain supplement and the neutral band; the
/// hold-out set was not looked at while tuning.
/// </summary>
public sealed class SentimentEvaluationTests(ITestOutputHelper output)
{
    internal static List<(SentimentLabel Label, string Text)> Load(string file) =>
        File.ReadLines(RepositoryPaths.Of("etl/Warehouse.Etl/Text/Data/" + file)).Skip(1)
            .Select(l => l.Split('\t', 2))
            .Select(p => (Enum.Parse<SentimentLabel>(p[0], ignoreCase: true), p[1]))
            .ToList();

    internal static (double Accuracy, double MacroF1, int[,] Confusion) Evaluate(SentimentAnalyzer analyzer, List<(SentimentLabel Label, string Text)> data,
        ITestOutputHelper? log = null)
    {
        var confusion = new int[3, 3];
        foreach (var (label, text) in data)
        {
            var r = analyzer.Analyze(text);
            confusion[(int)label, (int)r.Label]++;
            if (r.Label != label)
                log?.WriteLine($"{label} → {r.Label} ({r.Score:0.000}): {text}");
        }
        var correct = Enumerable.Range(0, 3).Sum(i => confusion[i, i]);
        var f1 = Enumerable.Range(0, 3).Select(c =>
        {
            var tp = (double)confusion[c, c];
            var predicted = Enumerable.Range(0, 3).Sum(r => confusion[r, c]);
            var actual = Enumerable.Range(0, 3).Sum(p => confusion[c, p]);
            var precision = predicted == 0 ? 0 : tp / predicted;
            var recall = actual == 0 ? 0 : tp / actual;
            return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }).Average();
        return ((double)correct / data.Count, f1, confusion);
    }

    [Fact]
    public void Development_set_accuracy()
    {
        var (accuracy, f1, _) = Evaluate(new SentimentAnalyzer(), Load("sentiment-dev.tsv"), output);
        output.WriteLine($"dev accuracy {accuracy:0.000}, macro F1 {f1:0.000}");
        foreach (var t in new[] { 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45 })
            output.WriteLine($"threshold {t}: dev accuracy {Evaluate(new SentimentAnalyzer(neutralThreshold: t), Load("sentiment-dev.tsv")).Accuracy:0.000}");
        Assert.True(accuracy >= 0.95, $"dev accuracy {accuracy:0.000}");
    }

    [Fact]
    public void Hold_out_set_accuracy()
    {
        var (accuracy, f1, confusion) = Evaluate(new SentimentAnalyzer(), Load("sentiment-holdout.tsv"), output);
        output.WriteLine($"hold-out accuracy {accuracy:0.000}, macro F1 {f1:0.000}");
        for (var i = 0; i < 3; i++)
            output.WriteLine($"{(SentimentLabel)i}: {confusion[i, 0]} {confusion[i, 1]} {confusion[i, 2]}");
        // Measured 0.933 (112 of 120) when first run; 0.85 leaves room for lexicon edits while a broken analyzer
        // (chance is 0.33 with three balanced classes; "all neutral" scores 0.33) cannot pass.
        Assert.True(accuracy >= 0.85, $"hold-out accuracy {accuracy:0.000}");
    }
}
