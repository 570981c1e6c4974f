using BenchmarkDotNet.Running;

namespace Warehouse.Benchmarks;

/// <summary>
/// <c>side-by-side --case C --data D [--repeats N] [--threads T]</c>: one JSON line for bench/side_by_side.sh.
/// Anything else goes to BenchmarkDotNet (e.g. <c>--filter *Lloyd*</c>); data from SEGBENCH_DIR (gen_data.py).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "side-by-side") return SideBySide.Run(args);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
