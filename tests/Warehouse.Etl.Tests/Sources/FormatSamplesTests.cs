using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Tests.Cli;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Every sample printed in etl/Warehouse.Etl/Sources/FORMATS.md loads through the CLI exactly as printed (with the
/// <c>--culture</c>/<c>--time-zone</c>/… options the text before it prints), with no reject. Regression: the CRM CSV
/// sample's row C002 (day-first dates) was rejected by <c>warehouse load crm</c> with the garbled reason
/// "not a date in ISO yyyy-MM-dd or MM/dd/yyyy / d ()".
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class FormatSamplesTests : IDisposable
{
    private static readonly (string Heading, string Verb)[] Sections =
    [
        ("## CRM customers", "crm"), ("## Demographics", "demographics"), ("## Web events", "web"), ("## Social comments", "social"),
    ];

    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A fenced sample of FORMATS.md: its load verb, language, text and the CLI options printed before it.</summary>
    internal sealed record Sample(string Verb, string Language, string Text, IReadOnlyList<string> Options);

    /// <summary>Extracts the samples of the source sections of FORMATS.md in document order.</summary>
    internal static List<Sample> ReadSamples()
    {
        var lines = File.ReadAllLines(RepositoryPaths.Of("etl/Warehouse.Etl/Sources/FORMATS.md"));
        var samples = new List<Sample>();
        string? verb = null;
        var prose = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                verb = Sections.FirstOrDefault(s => line.StartsWith(s.Heading, StringComparison.Ordinal)).Verb;
                prose.Clear();
                continue;
            }

            if (line.StartsWith("```", StringComparison.Ordinal) && line.Length > 3)
            {
                var language = line[3..].Trim();
                var body = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                    body.Add(lines[i]);
                if (verb is not null)
                {
                    var options = OptionPattern().Matches(string.Join("\n", prose)).SelectMany(m => new[] { "--" + m.Groups[1].Value, m.Groups[2].Value }).ToList();
                    samples.Add(new Sample(verb, language, string.Join("\n", body) + "\n", options));
                }
                prose.Clear();
                continue;
            }

            prose.Add(line);
        }

        return samples;
    }

    [GeneratedRegex(@"--(culture|time-zone|phone-region|date-format|fuzzy-threshold) ([^\s`]+)")]
    private static partial Regex OptionPattern();

    [Fact]
    public void Every_sample_of_FORMATS_md_loads_as_printed_with_no_reject()
    {
        var samples = ReadSamples();
        // CRM CSV + JSON, survey, web, social: a missing sample means the extraction no longer matches the document.
        Assert.Equal(["crm:csv", "crm:json", "demographics:csv", "web:json", "social:json"], samples.Select(s => $"{s.Verb}:{s.Language}"));
        Assert.Equal(["--culture", "en-GB"], samples[0].Options);
        var warehousePath = Path.Combine(_folder, "w.duckdb");
        for (var n = 0; n < samples.Count; n++)
        {
            var s = samples[n];
            var rows = Rows(s);
            var extension = s.Language == "csv" ? ".csv" : s.Text.TrimStart().StartsWith('[') ? ".json" : ".jsonl";
            var file = Path.Combine(_folder, $"sample{n}{extension}");
            File.WriteAllText(file, s.Text);
            var (exit, output, error) = CliRunner.Run(["load", s.Verb, "--file", file, "--warehouse", warehousePath, .. s.Options]);
            Assert.True(exit == 0, $"{s.Verb} sample {n}: exit {exit}: {error}{output}");
            Assert.Contains($"read {rows:N0}, loaded ", output, StringComparison.Ordinal);
            Assert.Contains(", rejected 0 ", output, StringComparison.Ordinal);
        }

        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        foreach (var table in new[] { "RejectedCustomer", "RejectedWebEvent", "RejectedSocialInteraction" })
            Assert.Equal(0L, warehouse.Connection.ExecuteScalar<long>($"SELECT count(*) FROM \"Integration\".\"{table}\""));
        // Day first under en-GB: born 3 April 1970, signed up 15 January 2021; the national German number keeps its +49.
        var c002 = warehouse.Connection.QuerySingle<(DateTime Birth, DateTime Signup, string Phone)>(
            "SELECT \"BirthDate\", \"SignupDate\", \"Phone\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C002'");
        Assert.Equal((new DateTime(1970, 4, 3), new DateTime(2021, 1, 15), "+4930123456"), c002);
        Assert.Equal(1L, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"SurveyResponse\""));
        Assert.Equal(1L, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"WebSession\""));
        Assert.Equal(2L, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"SocialInteraction\""));
    }

    [Fact]
    public void The_CRM_CSV_sample_without_its_culture_rejects_C002_as_the_document_says_with_a_readable_reason()
    {
        var sample = ReadSamples()[0];
        var file = Path.Combine(_folder, "crm.csv");
        File.WriteAllText(file, sample.Text);
        var warehousePath = Path.Combine(_folder, "w.duckdb");

        var (exit, output, _) = CliRunner.Run("load", "crm", "--file", file, "--warehouse", warehousePath);

        Assert.Equal(0, exit);
        Assert.Contains("read 2, loaded 1, rejected 1 ", output, StringComparison.Ordinal);
        using var warehouse = DuckDbWarehouse.Open(warehousePath);
        var reject = warehouse.Connection.QuerySingle<(long Line, string Column, string Reason)>(
            "SELECT \"SourceLineNumber\", \"ColumnName\", \"Reason\" FROM \"Integration\".\"RejectedCustomer\"");
        Assert.Equal((3L, "signup_date"), (reject.Line, reject.Column));
        Assert.Equal("not a date in ISO yyyy-MM-dd or MM/dd/yyyy (invariant culture; day-first dates need a culture such as en-GB)", reject.Reason);
    }

    private static int Rows(Sample s)
    {
        var lines = s.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (s.Language == "csv")
            return lines.Length - 1;
        if (s.Text.TrimStart().StartsWith('['))
        {
            using var document = JsonDocument.Parse(s.Text);
            return document.RootElement.GetArrayLength();
        }

        return lines.Length;
    }
}
