using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Warehouse.Benchmarks;

/// <summary>
/// <c>stream-sum [--mib 128] [--threads 2] [--repeats 20]</c>: the memory-read floor of one Lloyd iteration. Sums a
/// double[] of the size of the 1M × 16 matrix (one contiguous range per thread, four Vector256 accumulators) and
/// prints the best and median time and the read bandwidth; a Lloyd iteration must read the matrix once, so it
/// cannot beat this time.
/// </summary>
public static class StreamSum
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        long mib = long.Parse(Arg("--mib", "128"));
        int threads = int.Parse(Arg("--threads", "2"));
        int repeats = int.Parse(Arg("--repeats", "20"));
        var x = new double[mib * 1048576 / 8];
        for (long i = 0; i < x.LongLength; i++) x[i] = i & 1023;
        var partial = new double[threads];
        var times = new List<double>();
        for (int r = 0; r < repeats + 2; r++)
        {
            var sw = Stopwatch.StartNew();
            if (threads == 1) partial[0] = Sum(x, 0, x.LongLength);
            else
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    long per = x.LongLength / threads;
                    long start = t * per, end = t == threads - 1 ? x.LongLength : start + per;
                    partial[t] = Sum(x, start, end);
                });
            sw.Stop();
            if (r >= 2) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double best = times[0], median = times[times.Count / 2];
        double gb = x.LongLength * 8 / 1e9;
        Console.WriteLine($"stream-sum {mib} MiB, {threads} threads: best {best:F2} ms ({gb / best * 1e3:F1} GB/s), median {median:F2} ms ({gb / median * 1e3:F1} GB/s), check {partial.Sum()}");
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sum(double[] x, long start, long end)
    {
        ref double r = ref MemoryMarshal.GetArrayDataReference(x);
        var a0 = Vector256<double>.Zero; var a1 = Vector256<double>.Zero;
        var a2 = Vector256<double>.Zero; var a3 = Vector256<double>.Zero;
        long i = start;
        for (; i + 16 <= end; i += 16)
        {
            a0 += Vector256.LoadUnsafe(ref r, (nuint)i);
            a1 += Vector256.LoadUnsafe(ref r, (nuint)(i + 4));
            a2 += Vector256.LoadUnsafe(ref r, (nuint)(i + 8));
            a3 += Vector256.LoadUnsafe(ref r, (nuint)(i + 12));
        }
        double s = Vector256.Sum(a0 + a1 + a2 + a3);
        for (; i < end; i++) s += x[i];
        return s;
    }
}
