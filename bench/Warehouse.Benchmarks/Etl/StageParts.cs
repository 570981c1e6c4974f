using System.Diagnostics;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Transactions;

namespace Warehouse.Benchmarks.Etl;

/// <summary>
/// <c>transaction-load --file f.csv --case parts [--repeats N]</c>: where a load's time goes, piece by piece in one thread:
/// the file is parsed into memory first (outside the clock), then each repeat stages the accepted lines, stages the
/// rejects, and runs the migration into a fresh in-memory warehouse, printing wall and process CPU seconds and minor page
/// faults of each piece, and each migration statement with its time (<c>EXPLAIN=1</c>: DuckDB's EXPLAIN ANALYZE plans).
/// </summary>
public static class StageParts
{
    public static int Run(string path, int repeats)
    {
        var parser = new TransactionCsvParser(new TransactionMapping());
        var rows = new List<PurchaseStagingRow>();
        var rejects = new List<(long Line, string? Column, string Reason, string Raw)>();
        using (var reader = new CsvRecordReader(File.OpenRead(path), Path.GetFileName(path)))
        {
            foreach (var r in parser.Parse(reader, Path.GetFileName(path), 1, (l, c, re, raw) => rejects.Add((l, c, re, raw))))
            {
                rows.Add(new PurchaseStagingRow
                {
                    SourceName = r.SourceName, SourceLineNumber = r.SourceLineNumber, InvoiceNo = r.InvoiceNo,
                    StockCode = r.StockCode, Description = r.Description, Quantity = r.Quantity, InvoiceDateTime = r.InvoiceDateTime,
                    UnitPrice = r.UnitPrice, CrmCustomerId = r.CrmCustomerId, Country = r.Country, CurrencyCode = r.CurrencyCode,
                    IsCancellation = r.IsCancellation, LineageKey = r.LineageKey, IsRejected = r.IsRejected,
                });
            }
        }

        var accepted = rows.Count(r => !r.IsRejected);
        Console.WriteLine($"{accepted} lines accepted, {rejects.Count} rejected ({rows.Count - accepted} placeholders staged); load average {File.ReadAllText("/proc/loadavg").Trim()}");
        var explain = Environment.GetEnvironmentVariable("EXPLAIN") == "1";
        for (var i = 0; i < repeats; i++)
        {
            using var warehouse = DuckDbWarehouse.Open(":memory:");
            using var load = (DuckDbSourceLoad)SourceLoad.Begin(warehouse, StagingTarget.Purchase, "bench", Path.GetFileName(path), null);
            Measure("stage accepted lines", () => PurchaseMigration.Stage(load.Session, rows));
            Measure("stage rejects", () =>
            {
                foreach (var (l, c, re, raw) in rejects)
                {
                    load.Reject(l, l, c, re, raw);
                }

                return rejects.Count;
            });
            load.Session.ExplainAnalyze = explain;
            load.Session.StatementTimer = explain
                ? (sql, t) => Console.WriteLine($"=== {t.TotalSeconds:F3} s\n{sql}")
                : (sql, t) => Console.WriteLine($"  {t.TotalSeconds:F3} s  {OneLine(sql)}");
            Measure("migration (rejects written, then PurchaseMigration.Run)", () =>
                load.Migrate(accepted + rejects.Count, accepted, null, s =>
                {
                    var result = PurchaseMigration.Run(s);
                    return new MigrationOutcome(result.DuplicatesRejected, result.LastInvoiceTime, string.Empty);
                }).RowsLoaded);
        }

        return 0;
    }

    private static string OneLine(string sql)
    {
        var line = string.Join(' ', sql.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 110 ? line : line[..110];
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

    private static void Measure(string what, Func<long> action)
    {
        var faults = MinorFaults();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        Console.WriteLine($"{what}: wall {watch.Elapsed.TotalSeconds:F3} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F3} s, " +
            $"minor page faults {MinorFaults() - faults}");
    }
}
