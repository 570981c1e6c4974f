using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Transactions;

namespace Warehouse.Benchmarks.Etl;

/// <summary>
/// <c>source-load --source web|social|transactions|crm|demographics --file f [--crm customers.csv] [--warehouse-dir d] [--repeats N]</c>:
/// wall/CPU time and memory of one source load as <c>etl load</c> runs it, one JSON line per repeat. Each repeat opens a
/// fresh warehouse (a new file in d, default the temp folder), loads the CRM file first when given (outside the clock and
/// outside the memory figures: web and social rows link to its customers), then resets the process's peak RSS
/// (<c>/proc/self/clear_refs</c>) and loads the source while a sampler thread reads every 50 ms:
/// <list type="bullet">
/// <item>resident set (<c>VmRSS</c>; the peak is <c>VmHWM</c> after the reset, i.e. of the source load alone);</item>
/// <item>the host's managed memory: <c>GC.GetTotalMemory(false)</c> (live + not yet collected objects) and the GC's
/// committed bytes (<c>GCMemoryInfo.TotalCommittedBytes</c>, its share of the RSS);</item>
/// <item>DuckDB's memory: <c>sum(memory_usage_bytes)</c> and <c>sum(temporary_storage_bytes)</c> of <c>duckdb_memory()</c>,
/// read through a second connection to the same database (the buffer manager's view: what <c>memory_limit</c> bounds),
/// and the <c>memory_limit</c> setting.</item>
/// </list>
/// What the RSS holds beyond the GC's committed bytes and DuckDB's buffer pool is native code, the runtime and DuckDB
/// allocations outside its buffer manager.
/// </summary>
public static class SourceLoadRun
{
    public static int Run(string[] args)
    {
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var source = Arg("--source") ?? throw new ArgumentException("--source web|social|transactions|crm|demographics is required");
        var path = Path.GetFullPath(Arg("--file") ?? throw new ArgumentException("--file is required"));
        var crm = Arg("--crm") is { } c ? Path.GetFullPath(c) : null;
        var repeats = int.Parse(Arg("--repeats") ?? "1", CultureInfo.InvariantCulture);
        var folder = Arg("--warehouse-dir") ?? Path.GetTempPath();
        for (var r = 0; r < repeats; r++)
        {
            var file = Path.Combine(folder, $"source-load-{Environment.ProcessId}-{r}.duckdb");
            try
            {
                using var warehouse = DuckDbWarehouse.Open(file);
                if (crm is not null)
                {
                    CrmLoader.Load(warehouse, crm);
                }

                // DUCKDB_SET="name=value;…": DuckDB settings for an experiment (e.g. allocator_background_threads=true).
                foreach (var setting in (Environment.GetEnvironmentVariable("DUCKDB_SET") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    warehouse.Connection.Execute("SET " + setting);
                }

                var limit = warehouse.Connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')");
                GC.Collect();
                GC.WaitForPendingFinalizers();
                ResetPeakRss();
                // A second connection to the same file shares the database instance (DuckDB.NET keeps one per file).
                using var sampler = new Sampler(new DuckDBConnection(warehouse.DuckDbConnection.ConnectionString));
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                // Seconds from the start at each named checkpoint of the load (staged, facts, before-commit).
                var phases = new Dictionary<string, double>();
                void Mark(string name) => phases[name] = Math.Round(watch.Elapsed.TotalSeconds, 3);
                var (read, loaded, rejected) = source switch
                {
                    "web" => Counts(InteractionLoaders.LoadWeb(warehouse, path, checkpoint: Mark)),
                    "social" => Counts(InteractionLoaders.LoadSocial(warehouse, path, checkpoint: Mark)),
                    "transactions" => Counts(TransactionLoader.Load(warehouse, path, checkpoint: Mark)),
                    "crm" => Counts(CrmLoader.Load(warehouse, path, checkpoint: Mark)),
                    "demographics" => Counts(DemographicsLoader.Load(warehouse, path, checkpoint: Mark)),
                    _ => throw new ArgumentException($"unknown source '{source}' (web, social, transactions, crm, demographics)"),
                };
                watch.Stop();
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                var peak = sampler.Stop();
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["source"] = source,
                    ["file"] = Path.GetFileName(path),
                    ["file_mib"] = Math.Round(new FileInfo(path).Length / 1048576.0, 1),
                    ["rows_read"] = read,
                    ["rows_loaded"] = loaded,
                    ["rows_rejected"] = rejected,
                    ["wall_s"] = Math.Round(watch.Elapsed.TotalSeconds, 3),
                    ["cpu_s"] = Math.Round(cpu, 3),
                    ["phases_s"] = phases,
                    ["rows_per_s"] = Math.Round(read / watch.Elapsed.TotalSeconds),
                    ["peak_rss_mib"] = Mib(Status("VmHWM")),
                    ["peak_gc_committed_mib"] = Mib(peak.GcCommitted),
                    ["peak_managed_mib"] = Mib(peak.Managed),
                    ["peak_duckdb_mib"] = Mib(peak.DuckDb),
                    ["peak_duckdb_temp_mib"] = Mib(peak.DuckDbTemp),
                    ["at_peak_duckdb"] = sampler.AtDuckDbPeak,
                    ["at_peak_rss_mib"] = sampler.AtPeak,
                    ["after_load_mib"] = Sampler.Breakdown(0, 0),
                    ["duckdb_memory_limit"] = limit ?? "",
                    ["load_average"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
                }));
            }
            finally
            {
                File.Delete(file);
                File.Delete(file + ".wal");
            }
        }

        return 0;
    }

    private static (long, long, long) Counts(LoadResult r) => (r.RowsRead, r.RowsLoaded, r.RowsRejected);

    private static (long, long, long) Counts(TransactionLoader.Result r) => (r.RowsRead, r.RowsLoaded, r.RowsRejected);

    private static double Mib(long bytes) => Math.Round(bytes / 1048576.0, 1);

    /// <summary>Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak read later is the load's own.</summary>
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            Console.Error.WriteLine("could not reset the peak RSS; VmHWM includes the CRM load");
        }
        catch (UnauthorizedAccessException)
        {
            Console.Error.WriteLine("could not reset the peak RSS; VmHWM includes the CRM load");
        }
    }

    /// <summary>A field of /proc/self/status in bytes (0 when unavailable).</summary>
    internal static long Status(string field)
    {
        if (!File.Exists("/proc/self/status"))
        {
            return 0;
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private sealed class Sampler : IDisposable
    {
        private readonly DuckDBConnection _connection;
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _managed;
        private long _gcCommitted;
        private long _duckDb;
        private long _duckDbTemp;
        private long _peakRss;

        /// <summary>The sample with the highest resident set: where its bytes were (MiB).</summary>
        public Dictionary<string, double> AtPeak { get; private set; } = [];

        /// <summary>The sample with the most DuckDB buffer memory: seconds since the start and MiB per <c>duckdb_memory()</c> tag
        /// (non-zero tags only), to attribute the peak to a kind of buffer (tables, sorts, hash tables, windows).</summary>
        public Dictionary<string, double> AtDuckDbPeak { get; private set; } = [];

        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private static readonly bool Timeline = Environment.GetEnvironmentVariable("SOURCE_LOAD_TIMELINE") == "1";
        private long _nextLine;

        public Sampler(DuckDBConnection connection)
        {
            _connection = connection;
            _connection.Open();
            _thread = new Thread(Loop) { IsBackground = true, Name = "memory sampler" };
            _thread.Start();
        }

        public (long Managed, long GcCommitted, long DuckDb, long DuckDbTemp) Stop()
        {
            _stop = true;
            _thread.Join();
            Sample();
            return (_managed, _gcCommitted, _duckDb, _duckDbTemp);
        }

        private void Loop()
        {
            while (!_stop)
            {
                Sample();
                Thread.Sleep(50);
            }
        }

        private void Sample()
        {
            _managed = Math.Max(_managed, GC.GetTotalMemory(false));
            _gcCommitted = Math.Max(_gcCommitted, GC.GetGCMemoryInfo().TotalCommittedBytes);
            var (used, temp) = _connection.QuerySingle<(long, long)>(
                "SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT, coalesce(sum(temporary_storage_bytes), 0)::BIGINT FROM duckdb_memory()");
            if (used > _duckDb)
            {
                var tags = new Dictionary<string, double> { ["at_s"] = Math.Round(_clock.Elapsed.TotalSeconds, 2) };
                foreach (var (tag, bytes) in _connection.Query<(string, long)>(
                             "SELECT tag, memory_usage_bytes::BIGINT FROM duckdb_memory() WHERE memory_usage_bytes > 0 ORDER BY tag"))
                {
                    tags[tag.ToLowerInvariant()] = Mib(bytes);
                }

                AtDuckDbPeak = tags;
            }

            _duckDb = Math.Max(_duckDb, used);
            _duckDbTemp = Math.Max(_duckDbTemp, temp);
            var rss = Status("VmRSS");
            if (Timeline && _clock.ElapsedMilliseconds >= _nextLine)
            {
                // SOURCE_LOAD_TIMELINE=1: one line to stderr every 0.5 s (seconds, RSS, anonymous RSS, GC committed, DuckDB buffers; MiB).
                _nextLine = _clock.ElapsedMilliseconds + 500;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"timeline {_clock.Elapsed.TotalSeconds:F1} rss {Mib(rss)} anon {Mib(Status("RssAnon"))} gc {Mib(GC.GetGCMemoryInfo().TotalCommittedBytes)} duckdb {Mib(used)}"));
            }

            if (rss > _peakRss)
            {
                _peakRss = rss;
                AtPeak = Breakdown(GC.GetGCMemoryInfo().TotalCommittedBytes, used);
                AtPeak["at_s"] = Math.Round(_clock.Elapsed.TotalSeconds, 2);
            }
        }

        public void Dispose() => _connection.Dispose();

        /// <summary>
        /// The resident set split by kind (/proc/self/status: anonymous memory vs mapped files such as libduckdb.so and the
        /// runtime) and the anonymous part by owner: the GC's committed bytes, DuckDB's buffer-managed memory, and the C
        /// allocator (glibc <c>mallinfo2</c>: bytes in use by malloc — DuckDB's own allocations included, as this DuckDB
        /// build has no jemalloc — and bytes freed but kept in its arenas).
        /// </summary>
        public static Dictionary<string, double> Breakdown(long gcCommitted, long duckDb)
        {
            var info = MallInfo2();
            return new Dictionary<string, double>
            {
                ["rss"] = Mib(Status("VmRSS")),
                ["rss_anon"] = Mib(Status("RssAnon")),
                ["rss_file"] = Mib(Status("RssFile")),
                ["gc_committed"] = Mib(gcCommitted > 0 ? gcCommitted : GC.GetGCMemoryInfo().TotalCommittedBytes),
                ["duckdb_buffers"] = Mib(duckDb),
                ["malloc_in_use"] = Mib((long)(info.Uordblks + info.Hblkhd)),
                ["malloc_mmapped"] = Mib((long)info.Hblkhd),
                ["malloc_free_kept"] = Mib((long)info.Fordblks),
                ["malloc_arena_bytes"] = Mib((long)info.Arena),
            };
        }

        private static MallInfo MallInfo2()
        {
            try
            {
                return OperatingSystem.IsLinux() ? NativeMallInfo2() : default;
            }
            catch (EntryPointNotFoundException)
            {
                return default;
            }
            catch (DllNotFoundException)
            {
                return default;
            }
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallinfo2")]
        private static extern MallInfo NativeMallInfo2();

        /// <summary>glibc's struct mallinfo2 (all size_t).</summary>
        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct MallInfo
        {
            public nuint Arena;
            public nuint Ordblks;
            public nuint Smblks;
            public nuint Hblks;
            public nuint Hblkhd;
            public nuint Usmblks;
            public nuint Fsmblks;
            public nuint Uordblks;
            public nuint Fordblks;
            public nuint Keepcost;
        }
    }
}
