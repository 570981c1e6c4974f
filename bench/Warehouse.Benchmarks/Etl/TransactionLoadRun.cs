using System.Diagnostics;
using System.Text.Json;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Transactions;

namespace Warehouse.Benchmarks.Etl;

/// <summary>
/// <c>transaction-load --file f.csv [--case parse|stage|full|parts] [--repeats N]</c>: stopwatch runner for the transaction load
/// on any file (BenchmarkDotNet's harness is too slow for multi-million-line files): one JSON line with every repeat's
/// seconds (and process CPU seconds: the machine is shared), the median, rows/s and the peak working set of this process.
/// Run one case per process to read its peak RSS. Each repeat loads into a fresh warehouse, in memory or, with
/// <c>--warehouse-dir d</c>, a new file in d. <c>transaction-load --generate dir [--lines N] [--customers C]</c> writes the
/// demo generator's files (transactions.csv …) into dir. First-run costs (<see cref="FirstRunProbe"/>): the schema
/// translation (once per process), each repeat's open and each timed repeat report JIT methods and time, assemblies
/// loaded, minor page faults, allocated MiB and GCs (<c>--type-loads</c> adds the runtime's type loads), and
/// <c>runtime</c> says how the process ran (tiering, PGO, which assemblies are ReadyToRun).
/// </summary>
public static class TransactionLoadRun
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        if (Array.IndexOf(args, "--generate") is var g and >= 0 && g + 1 < args.Length)
        {
            // The demo generator's files (transactions.csv among them) with a given number of lines, e.g. 5M.
            var options = new Warehouse.Etl.Demo.DemoOptions
            {
                OutputFolder = args[g + 1],
                Lines = int.Parse(Arg("--lines", "5000000"), System.Globalization.CultureInfo.InvariantCulture),
                Customers = int.Parse(Arg("--customers", "100000"), System.Globalization.CultureInfo.InvariantCulture),
            };
            new Warehouse.Etl.Demo.DemoGenerator(options).Generate();
            Console.WriteLine(Path.Combine(options.OutputFolder, "transactions.csv"));
            return 0;
        }

        var path = Path.GetFullPath(Arg("--file", "online_retail.csv"));
        var caseName = Arg("--case", "full");
        var repeats = int.Parse(Arg("--repeats", "3"), System.Globalization.CultureInfo.InvariantCulture);
        if (caseName == "parts") // piece by piece, see StageParts
        {
            return StageParts.Run(path, repeats);
        }
        // Where a process's first run goes: from the process start to here (runtime start-up), opening the warehouse
        // (DuckDB start-up and the schema), and the JIT's share of each repeat (methods compiled, time spent compiling).
        var startup = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
        using var probe = new FirstRunProbe(Array.IndexOf(args, "--type-loads") >= 0);
        // The T-SQL → DuckDB schema translation (ScriptDom) runs once per process, at the first open: timed on its own.
        var schemaBefore = probe.Read();
        var schemaWatch = Stopwatch.StartNew();
        var cpuAtSchema = Process.GetCurrentProcess().TotalProcessorTime;
        _ = caseName is "stage" or "full" ? DuckDbWarehouse.Schema : null;
        var schema = probe.Span(schemaBefore);
        schema["wall_s"] = Math.Round(schemaWatch.Elapsed.TotalSeconds, 3);
        schema["cpu_s"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpuAtSchema).TotalSeconds, 3);
        var spans = new List<Dictionary<string, object>>();
        var openSpans = new List<Dictionary<string, object>>();
        var times = new List<double>();
        var cpu = new List<double>();
        // Full loads: the outlier step (OutlierFlagging after the facts, inside the migration) timed between the load's
        // "facts" and "outliers" checkpoints (it also holds PurchaseMigration dropping its temporary tables, a few ms).
        var outliers = new List<double>();
        var clock = new Stopwatch();
        var opens = new List<double>();
        var jitMethods = new List<long>();
        var jitSeconds = new List<double>();
        long rows = 0;
        for (var r = 0; r < repeats; r++)
        {
            // A fresh warehouse per repeat, created before the clock starts (creating the schema is not the load).
            var openWatch = Stopwatch.StartNew();
            var openBefore = probe.Read();
            using var warehouse = caseName is "stage" or "full" ? DuckDbWarehouse.Open(Warehouse(args)) : null;
            opens.Add(Math.Round(openWatch.Elapsed.TotalSeconds, 3));
            openSpans.Add(probe.Span(openBefore));
            var before = probe.Read();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            rows = caseName switch
            {
                "parse" => ParseOnly(path),
                "stage" => Stage(warehouse!, path),
                "full" => TransactionLoader.Load(warehouse!, path, checkpoint: point =>
                {
                    if (point == "facts")
                    {
                        clock.Restart();
                    }
                    else if (point == "outliers")
                    {
                        outliers.Add(Math.Round(clock.Elapsed.TotalSeconds, 3));
                    }
                }).RowsRead,
                _ => throw new ArgumentException($"unknown case '{caseName}' (parse, stage, full)"),
            };
            watch.Stop();
            times.Add(Math.Round(watch.Elapsed.TotalSeconds, 3));
            cpu.Add(Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds, 3));
            var span = probe.Span(before);
            spans.Add(span);
            jitMethods.Add((long)span["jit_methods"]);
            jitSeconds.Add((double)span["jit_s"]);
        }

        var median = times.OrderBy(t => t).ElementAt(times.Count / 2);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["case"] = caseName,
            ["file"] = Path.GetFileName(path),
            ["rows"] = rows,
            ["times"] = times,
            ["median"] = median,
            ["cpu_s"] = cpu,
            ["outlier_step_s"] = outliers,
            ["startup_s"] = Math.Round(startup, 3),
            ["open_s"] = opens,
            ["jit_methods"] = jitMethods,
            ["jit_s"] = jitSeconds,
            ["rows_per_s"] = Math.Round(rows / median),
            ["first_rows_per_s"] = Math.Round(rows / times[0]),
            ["schema"] = schema,
            ["open"] = openSpans,
            ["repeats"] = spans,
            ["runtime"] = FirstRunProbe.Runtime(typeof(TransactionLoader), typeof(DuckDbWarehouse), typeof(DuckDB.NET.Data.DuckDBConnection),
                typeof(Dapper.SqlMapper), typeof(Microsoft.SqlServer.TransactSql.ScriptDom.TSql160Parser)),
            ["peak_working_set_mib"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
            ["load_average"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
        }));
        return 0;
    }

    private static long ParseOnly(string path)
    {
        var parser = new TransactionCsvParser(new TransactionMapping());
        using var reader = new CsvRecordReader(File.OpenRead(path), Path.GetFileName(path));
        foreach (var _ in parser.Parse(reader, Path.GetFileName(path), 1, (_, _, _, _) => { }))
        {
        }

        return parser.RowsRead;
    }

    private static long Stage(DuckDbWarehouse warehouse, string path)
    {
        using var session = SourceLoad.Begin(warehouse, StagingTarget.Purchase, "bench", Path.GetFileName(path), null);
        return TransactionLoader.StageFile(session, path, new TransactionMapping()).RowsRead; // rolled back on dispose
    }

    /// <summary>--warehouse-dir d: a fresh DuckDB file per repeat in d (deleted afterwards); default in memory.</summary>
    private static string Warehouse(string[] args)
    {
        var i = Array.IndexOf(args, "--warehouse-dir");
        if (i < 0 || i + 1 >= args.Length)
        {
            return ":memory:";
        }

        var file = Path.Combine(args[i + 1], $"bench-{Environment.ProcessId}-{Guid.NewGuid():N}.duckdb");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { File.Delete(file); File.Delete(file + ".wal"); };
        return file;
    }
}
