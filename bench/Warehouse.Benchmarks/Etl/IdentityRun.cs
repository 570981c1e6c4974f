using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Warehouse.Etl.Identity;

namespace Warehouse.Benchmarks.Etl;

/// <summary>
/// <c>identity [--people 20000] [--seed 9] [--crm-duplicates 0.05] [--repeats 3]</c>: quality and cost of the identity
/// resolver on <see cref="SyntheticIdentityData"/> (known truth), with the CRM-duplicate merge off (before the source-key
/// map) and on (the default). One JSON line per setting:
/// <list type="bullet">
/// <item>pairwise precision/recall over all rows (crm, loyalty, social, web) and over the CRM rows alone (the planted
/// duplicate registrations), <see cref="MatchQuality"/>;</item>
/// <item>the cost of resolving the CRM rows alone against an empty warehouse (what <c>load crm</c> runs for a first file),
/// and of all rows: process CPU and wall seconds of every repeat, and milliseconds per 1 000 CRM rows.</item>
/// </list>
/// </summary>
public static class IdentityRun
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var people = int.Parse(Arg("--people", "20000"), CultureInfo.InvariantCulture);
        var seed = int.Parse(Arg("--seed", "9"), CultureInfo.InvariantCulture);
        var duplicates = double.Parse(Arg("--crm-duplicates", "0.05"), CultureInfo.InvariantCulture);
        var repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
        var data = SyntheticIdentityData.Generate(people, seed, crmDuplicateShare: duplicates);
        var crm = Enumerable.Range(0, data.Rows.Count).Where(i => data.Rows[i].SourceName == "crm").ToList();
        var crmRows = crm.Select(i => data.Rows[i]).ToList();
        foreach (var merge in new[] { false, true })
        {
            var options = new IdentityResolverOptions { MergeCrmDuplicates = merge };
            IReadOnlyList<IdentityMatch> all = [];
            var (allCpu, allWall) = Time(repeats, () => all = new IdentityResolver(options: options).Resolve(data.Rows, 1));
            IReadOnlyList<IdentityMatch> crmOnly = [];
            var (crmCpu, crmWall) = Time(repeats, () => crmOnly = new IdentityResolver(options: options).Resolve(crmRows, 1));
            var q = MatchQuality.Pairwise(all.Select(m => m.CustomerKey).ToList(), data.PersonOfRow);
            var qc = MatchQuality.Pairwise(crmOnly.Select(m => m.CustomerKey).ToList(), crm.Select(i => data.PersonOfRow[i]).ToList());
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["people"] = people,
                ["seed"] = seed,
                ["crm_duplicate_share"] = duplicates,
                ["merge_crm_duplicates"] = merge,
                ["rows"] = data.Rows.Count,
                ["crm_rows"] = crm.Count,
                ["precision"] = Math.Round(q.Precision, 4),
                ["recall"] = Math.Round(q.Recall, 4),
                ["true_pairs"] = q.TruePairs,
                ["crm_pairs_true"] = qc.TruePairs,
                ["crm_pairs_predicted"] = qc.PredictedPairs,
                ["crm_pairs_correct"] = qc.CorrectPairs,
                ["crm_precision"] = Math.Round(qc.Precision, 4),
                ["crm_recall"] = Math.Round(qc.Recall, 4),
                ["crm_only_cpu_s"] = crmCpu,
                ["crm_only_wall_s"] = crmWall,
                ["crm_only_cpu_ms_per_1k_crm_rows"] = Math.Round(crmCpu.Min() * 1e6 / crm.Count, 1),
                ["all_rows_cpu_s"] = allCpu,
                ["all_rows_wall_s"] = allWall,
                ["all_rows_cpu_ms_per_1k_rows"] = Math.Round(allCpu.Min() * 1e6 / data.Rows.Count, 1),
                ["load_average"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
            }));
        }

        return 0;
    }

    /// <summary>Runs <paramref name="action"/> <paramref name="repeats"/> times; process CPU and wall seconds of each run.</summary>
    private static (double[] Cpu, double[] Wall) Time(int repeats, Action action)
    {
        var cpu = new double[repeats];
        var wall = new double[repeats];
        for (var r = 0; r < repeats; r++)
        {
            // The resolver is single-threaded and this benchmark's GC is non-concurrent: process CPU is the resolver's, and
            // steadier than wall time on a shared machine.
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            action();
            wall[r] = Math.Round(watch.Elapsed.TotalSeconds, 3);
            cpu[r] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds, 3);
        }

        return (cpu, wall);
    }
}
