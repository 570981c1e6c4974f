using Warehouse.Etl.Identity;
using Xunit.Abstractions;

namespace Warehouse.Etl.Tests.Identity;

/// <summary>
/// Precision and recall of identity resolution on generated noisy duplicates with known truth
/// (<see cref="SyntheticIdentityData"/>: typos, case, nicknames, missing e-mails, namesakes). The fuzzy threshold
/// was chosen on seed 1 (sweep printed by <see cref="Threshold_sweep_on_the_tuning_seed"/>); the assertions run on
/// other seeds.
/// Thresholds: measured precision 0.991–0.992 and recall 0.826–0.838 (seeds 2, 3 and the incremental run, 2 000 /
/// 1 500 people). Recall cannot reach 1 on this data by construction: about 13 % of social rows have neither e-mail
/// nor city, and web rows of people without a CRM row carry only an unknown CRM id; they stay separate customers.
/// The deterministic rules alone reach recall 0.52, so recall ≥ 0.78 fails if the fuzzy rule breaks, and
/// precision ≥ 0.98 fails if it starts merging namesakes (without the conflict and ambiguity guards precision was 0.956).
/// </summary>
public sealed class IdentityQualityTests(ITestOutputHelper output)
{
    private static int[] Keys(IReadOnlyList<IdentityMatch> m) => m.Select(x => x.CustomerKey).ToArray();

    [Fact]
    public void Threshold_sweep_on_the_tuning_seed()
    {
        var data = SyntheticIdentityData.Generate(2000, seed: 1);
        var deterministic = new IdentityResolver(options: new IdentityResolverOptions { MatchFuzzy = false }).Resolve(data.Rows, 1);
        var q0 = MatchQuality.Pairwise(Keys(deterministic), data.PersonOfRow);
        output.WriteLine($"rows {data.Rows.Count}, true pairs {q0.TruePairs}; deterministic only: precision {q0.Precision:0.0000} recall {q0.Recall:0.0000}");
        foreach (var t in new[] { 0.85, 0.88, 0.9, 0.92, 0.93, 0.94, 0.95, 0.97 })
        {
            var m = new IdentityResolver(options: new IdentityResolverOptions { FuzzyThreshold = t }).Resolve(data.Rows, 1);
            var q = MatchQuality.Pairwise(Keys(m), data.PersonOfRow);
            output.WriteLine($"threshold {t:0.00}: precision {q.Precision:0.0000} recall {q.Recall:0.0000} F1 {q.F1:0.0000}");
        }
        // The sweep is for the record; the fuzzy rule must at least add recall over the deterministic rules.
        var withFuzzy = MatchQuality.Pairwise(Keys(new IdentityResolver().Resolve(data.Rows, 1)), data.PersonOfRow);
        Assert.True(withFuzzy.Recall > q0.Recall + 0.25);
        Assert.Equal(1.0, q0.Precision);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Precision_and_recall_on_fresh_seeds(int seed)
    {
        var data = SyntheticIdentityData.Generate(2000, seed);
        var m = new IdentityResolver().Resolve(data.Rows, 1);
        var q = MatchQuality.Pairwise(Keys(m), data.PersonOfRow);
        var rules = m.GroupBy(x => x.Rule).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine($"seed {seed}: rows {data.Rows.Count}, precision {q.Precision:0.0000}, recall {q.Recall:0.0000}, F1 {q.F1:0.0000}; {string.Join(", ", rules)}");
        Assert.True(q.Precision >= 0.98, $"precision {q.Precision:0.0000}");
        Assert.True(q.Recall >= 0.78, $"recall {q.Recall:0.0000}");
    }

    /// <summary>CRM-only pairwise quality: pairs of CRM rows of the same person (the planted duplicates).</summary>
    private static MatchQuality CrmPairs(SyntheticIdentityData.Data data, IReadOnlyList<IdentityMatch> m)
    {
        var crm = Enumerable.Range(0, data.Rows.Count).Where(i => data.Rows[i].SourceName == "crm").ToList();
        return MatchQuality.Pairwise(crm.Select(i => m[i].CustomerKey).ToList(), crm.Select(i => data.PersonOfRow[i]).ToList());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Crm_duplicates_are_merged_without_losing_precision(int seed)
    {
        var data = SyntheticIdentityData.Generate(2000, seed, crmDuplicateShare: 0.05);
        var before = new IdentityResolver(options: new IdentityResolverOptions { MergeCrmDuplicates = false }).Resolve(data.Rows, 1);
        var after = new IdentityResolver().Resolve(data.Rows, 1);
        var (qb, qa) = (MatchQuality.Pairwise(Keys(before), data.PersonOfRow), MatchQuality.Pairwise(Keys(after), data.PersonOfRow));
        var (cb, ca) = (CrmPairs(data, before), CrmPairs(data, after));
        var rules = after.Where(x => x.Record.CrmCustomerId?.StartsWith('D') == true).GroupBy(x => x.Rule).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine($"seed {seed}: rows {data.Rows.Count}, CRM duplicate pairs {cb.TruePairs}");
        output.WriteLine($"  all rows  before: precision {qb.Precision:0.0000} recall {qb.Recall:0.0000}; after: precision {qa.Precision:0.0000} recall {qa.Recall:0.0000}");
        output.WriteLine($"  CRM pairs before: precision {cb.Precision:0.0000} recall {cb.Recall:0.0000} (predicted {cb.PredictedPairs}); after: precision {ca.Precision:0.0000} recall {ca.Recall:0.0000} (predicted {ca.PredictedPairs}, correct {ca.CorrectPairs})");
        output.WriteLine($"  duplicate rows by rule: {string.Join(", ", rules)}");
        Assert.True(cb.TruePairs > 50);
        Assert.Equal(0L, cb.PredictedPairs);
        Assert.True(ca.Recall >= 0.9, $"CRM duplicate recall {ca.Recall:0.0000}");
        Assert.True(ca.Precision >= 0.98, $"CRM pair precision {ca.Precision:0.0000}");
        Assert.True(qa.Precision >= 0.98 && qa.Recall > qb.Recall, $"after {qa.Precision:0.0000} / {qa.Recall:0.0000}");
    }

    [Fact]
    public void Incremental_runs_match_like_one_run_and_reuse_known_keys()
    {
        var data = SyntheticIdentityData.Generate(1500, seed: 4);
        var crm = data.Rows.Select((r, i) => (r, i)).Where(x => x.r.SourceName == "crm").ToList();
        var rest = data.Rows.Select((r, i) => (r, i)).Where(x => x.r.SourceName != "crm").ToList();
        var first = new IdentityResolver().Resolve(crm.Select(x => x.r), 1);
        var known = first.GroupBy(x => x.CustomerKey).Select(g => g.First()).Select(x =>
            new KnownCustomer(x.CustomerKey, x.Record.CrmCustomerId, x.Record.Email, x.Record.Phone, x.Record.FullName, x.Record.City, x.Record.BirthDate)).ToList();
        var second = new IdentityResolver(known).Resolve(rest.Select(x => x.r), known.Max(k => k.CustomerKey) + 1);

        var keys = new int[data.Rows.Count];
        foreach (var (m, (_, i)) in first.Zip(crm))
            keys[i] = m.CustomerKey;
        foreach (var (m, (_, i)) in second.Zip(rest))
            keys[i] = m.CustomerKey;
        var q = MatchQuality.Pairwise(keys, data.PersonOfRow);
        output.WriteLine($"incremental: precision {q.Precision:0.0000}, recall {q.Recall:0.0000}; new customers in run 2: {second.Where(x => x.IsNewCustomer).Select(x => x.CustomerKey).Distinct().Count()}");
        Assert.True(q.Precision >= 0.98, $"precision {q.Precision:0.0000}");
        Assert.True(q.Recall >= 0.78, $"recall {q.Recall:0.0000}");

        // Rows of people with a CRM row that carry their CRM id or e-mail never create a new customer.
        var crmPeople = crm.Select(x => data.PersonOfRow[x.i]).ToHashSet();
        var strongRows = rest.Where(x => crmPeople.Contains(data.PersonOfRow[x.i]) && (x.r.CrmCustomerId is not null || x.r.Email is not null)).Select(x => x.i).ToHashSet();
        Assert.NotEmpty(strongRows);
        Assert.All(second.Zip(rest).Where(p => strongRows.Contains(p.Second.i)), p => Assert.False(p.First.IsNewCustomer));
    }
}
