using System.Runtime.InteropServices;

namespace Warehouse.SqlClr.Tests.Planted;

/// <summary>
/// Deliberate SAFE violations, compiled into this test assembly so the scanner can be shown to find each kind.
/// Never called.
/// </summary>
internal static class PlantedViolations
{
    private static int _counter;

    private static readonly Func<int, int> Doubler = x => x * 2;

    public static int Next() => ++_counter;

    public static int CachedLambda(IEnumerable<int> values) => values.Select(v => v + 1).Sum() + Doubler(1);

    [DllImport("libc", EntryPoint = "getpid")]
    public static extern int GetProcessId();

    public static void StartThread() => new Thread(() => { }).Start();

    public static unsafe int Unsafe(int n)
    {
        int* buffer = stackalloc int[n];
        buffer[0] = n;
        return buffer[0];
    }

    public static object? Load(byte[] image) => System.Reflection.Assembly.Load(image);
}

/// <summary>A finalizer is not allowed in SAFE assemblies.</summary>
internal sealed class PlantedFinalizer
{
    ~PlantedFinalizer()
    {
    }
}
