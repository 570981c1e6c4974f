using System.Diagnostics;
using Warehouse.Segmentation;
using Warehouse.Segmentation.KMeans;

namespace Warehouse.Benchmarks;

/// <summary>
/// <c>minibatch-steps --data D [--batch B] [--steps N] [--rounds R]</c>: the time of single mini-batch steps
/// (<c>MiniBatchKMeansState.Update</c> on pre-drawn batches of the data set, from its fixed start), one thread against
/// all threads, alternating in rounds so both see the same machine load. Reports the minimum and the median per step:
/// on a loaded machine the minimum is the closer estimate of the uncontended cost. One JSON line per thread setting.
/// </summary>
public static class MiniBatchSteps
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        string dataName = Arg("--data", "blobs_100000x8");
        int batch = int.Parse(Arg("--batch", "1024"));
        int steps = int.Parse(Arg("--steps", "200"));
        int rounds = int.Parse(Arg("--rounds", "5"));
        var (data, init) = BenchData.Load(dataName);
        var rng = new Random(1);
        var batches = Enumerable.Range(0, steps).Select(_ => data.SelectRows(Enumerable.Range(0, batch).Select(_ => rng.Next(data.Rows)).ToArray())).ToArray();
        var settings = new[] { 1, 2 };
        var times = settings.ToDictionary(t => t, _ => new List<double>());
        var cpu = settings.ToDictionary(t => t, _ => 0.0);
        for (int r = 0; r < rounds; r++)
            foreach (int t in settings)
            {
                var state = new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options
                {
                    NumberOfClusters = init.Rows, BatchSize = batch, InitialCentroids = init, MaxDegreeOfParallelism = t,
                }).Start(init);
                var sw = new Stopwatch();
                var c0 = Process.GetCurrentProcess().TotalProcessorTime;
                foreach (var b in batches)
                {
                    sw.Restart();
                    state.Update(b);
                    sw.Stop();
                    times[t].Add(sw.Elapsed.TotalMilliseconds);
                }
                cpu[t] += (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds;
            }
        foreach (int t in settings)
        {
            var s = times[t].OrderBy(x => x).ToArray();
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["case"] = "minibatch-steps", ["data"] = dataName, ["batch"] = batch, ["threads"] = t, ["steps"] = s.Length,
                ["min_ms"] = s[0], ["p10_ms"] = s[s.Length / 10], ["median_ms"] = s[s.Length / 2], ["cpu_ms_per_step"] = cpu[t] / s.Length,
                ["load"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?",
            }));
        }
        return 0;
    }
}
