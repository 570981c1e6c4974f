using BenchmarkDotNet.Running;

namespace Warehouse.Benchmarks;

/// <summary>
/// <c>side-by-side --case C --data D [--repeats N] [--threads T] [--batch B] [--seed S]</c>: one JSON line for bench/side_by_side.sh.
/// <c>minibatch-steps --data D [--batch B] [--steps N] [--rounds R]</c>: single mini-batch steps, one thread against two.
/// <c>stream-sum [--mib M] [--threads T]</c>: the machine's memory-read bandwidth (the floor of a Lloyd iteration).
/// <c>transaction-load --file f.csv [--case parse|stage|full] [--repeats N]</c>: transaction load throughput (rows/s, peak RSS).
/// <c>source-load --source web|social|transactions|crm|demographics --file f [--crm c.csv]</c>: one load's time and memory (host vs DuckDB).
/// <c>web-parts --file events.jsonl [--crm c.csv] [--before earlier.jsonl]</c>: a web migration's statements with their times.
/// <c>identity [--people 20000] [--seed 9] [--crm-duplicates 0.05]</c>: identity resolver precision/recall and cost.
/// Anything else goes to BenchmarkDotNet (e.g. <c>--filter *Lloyd*</c>); data from SEGBENCH_DIR (gen_data.py).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "side-by-side") return SideBySide.Run(args);
        if (args.Length > 0 && args[0] == "minibatch-steps") return MiniBatchSteps.Run(args);
        if (args.Length > 0 && args[0] == "stream-sum") return StreamSum.Run(args);
        if (args.Length > 0 && args[0] == "transaction-load") return Etl.TransactionLoadRun.Run(args);
        if (args.Length > 0 && args[0] == "source-load") return Etl.SourceLoadRun.Run(args);
        if (args.Length > 0 && args[0] == "identity") return Etl.IdentityRun.Run(args);
        if (args.Length > 0 && args[0] == "web-parts") return Etl.WebParts.Run(args);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
