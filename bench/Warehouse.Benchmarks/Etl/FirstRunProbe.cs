using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Reflection.PortableExecutable;

namespace Warehouse.Benchmarks.Etl;

/// <summary>
/// What a process's first run costs beyond a warm one, per measured span: methods the JIT compiled and its time (all
/// threads), types the runtime loaded (only with <c>--type-loads</c>: the runtime's TypeLoad events, which cost a little
/// themselves), assemblies loaded, minor page faults (first touch of fresh memory), bytes allocated and garbage
/// collections. Plus how the process runs: tiered compilation and PGO as the runtime sees them, and which of the load's
/// assemblies carry ReadyToRun code.
/// </summary>
public sealed class FirstRunProbe : IDisposable
{
    private readonly TypeLoadListener? _types;

    public FirstRunProbe(bool typeLoads) => _types = typeLoads ? new TypeLoadListener() : null;

    /// <summary>A snapshot of the counters; subtract two with <see cref="Span"/>.</summary>
    public readonly record struct Counters(long JitMethods, TimeSpan JitTime, long Types, double TypeSeconds, int Assemblies,
        long MinorFaults, long Allocated, int Gen0, int Gen1, int Gen2);

    public Counters Read() => new(
        System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(),
        _types?.Count ?? 0, _types?.Seconds ?? 0, AppDomain.CurrentDomain.GetAssemblies().Length,
        MinorFaults(), GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>The counters' change from <paramref name="before"/> to now, as JSON-ready values.</summary>
    public Dictionary<string, object> Span(Counters before)
    {
        var now = Read();
        var span = new Dictionary<string, object>
        {
            ["jit_methods"] = now.JitMethods - before.JitMethods,
            ["jit_s"] = Math.Round((now.JitTime - before.JitTime).TotalSeconds, 3),
            ["assemblies_loaded"] = now.Assemblies - before.Assemblies,
            ["minor_faults"] = now.MinorFaults - before.MinorFaults,
            ["allocated_mib"] = Math.Round((now.Allocated - before.Allocated) / 1048576.0, 1),
            ["gcs"] = $"{now.Gen0 - before.Gen0}/{now.Gen1 - before.Gen1}/{now.Gen2 - before.Gen2}",
        };
        if (_types is not null)
        {
            span["type_loads"] = now.Types - before.Types;
            span["type_load_s"] = Math.Round(now.TypeSeconds - before.TypeSeconds, 3);
        }

        return span;
    }

    /// <summary>Tiered compilation and PGO as configured (runtimeconfig or DOTNET_ variables), and ReadyToRun per assembly.</summary>
    public static Dictionary<string, object> Runtime(params Type[] fromAssemblies)
    {
        string Setting(string variable, string appContext) =>
            Environment.GetEnvironmentVariable("DOTNET_" + variable) is { Length: > 0 } v ? $"{v} (env)"
            : AppContext.GetData(appContext) is { } d ? $"{d} (runtimeconfig)" : "default";

        var r2r = new Dictionary<string, bool>();
        foreach (var type in fromAssemblies)
        {
            var location = type.Assembly.Location;
            r2r[Path.GetFileNameWithoutExtension(location)] = IsReadyToRun(location);
        }

        return new Dictionary<string, object>
        {
            ["tiered_compilation"] = Setting("TieredCompilation", "System.Runtime.TieredCompilation"),
            ["tiered_pgo"] = Setting("TieredPGO", "System.Runtime.TieredPGO"),
            ["quick_jit_for_loops"] = Setting("TC_QuickJitForLoops", "System.Runtime.TieredCompilation.QuickJitForLoops"),
            ["ready_to_run"] = r2r,
        };
    }

    /// <summary>True when the file carries ReadyToRun code (a managed native header in its CLI header).</summary>
    public static bool IsReadyToRun(string path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return false;
        }

        using var pe = new PEReader(File.OpenRead(path));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    private static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return 0;
        }

        var stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _types?.Dispose();

    /// <summary>
    /// Counts the runtime's TypeLoadStart/Stop events (keyword 0x8000000000, .NET 5+) and sums the time of the outermost
    /// loads per thread (a load that triggers others counts once, with theirs inside). The events arrive on a dispatch
    /// thread, so their own timestamps are used; a few may arrive after a span's end is read.
    /// </summary>
    private sealed class TypeLoadListener : EventListener
    {
        private const EventKeywords TypeDiagnostic = (EventKeywords)0x8000000000;
        private readonly Dictionary<long, (int Depth, DateTime Start)> _threads = [];
        private readonly object _gate = new();
        private long _count;
        private long _ticks;

        public long Count { get { lock (_gate) { return _count; } } }

        public double Seconds { get { lock (_gate) { return TimeSpan.FromTicks(_ticks).TotalSeconds; } } }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, TypeDiagnostic);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is not ("TypeLoadStart" or "TypeLoadStop"))
            {
                return;
            }

            lock (_gate)
            {
                _threads.TryGetValue(e.OSThreadId, out var thread);
                if (e.EventName == "TypeLoadStart")
                {
                    _threads[e.OSThreadId] = (thread.Depth + 1, thread.Depth == 0 ? e.TimeStamp : thread.Start);
                    return;
                }

                _count++;
                if (thread.Depth <= 1)
                {
                    _ticks += thread.Depth == 1 ? (e.TimeStamp - thread.Start).Ticks : 0;
                    _threads.Remove(e.OSThreadId);
                }
                else
                {
                    _threads[e.OSThreadId] = (thread.Depth - 1, thread.Start);
                }
            }
        }
    }
}
