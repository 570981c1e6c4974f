using System.Diagnostics;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;

namespace Warehouse.Benchmarks.Etl;

/// <summary>
/// <c>web-parts --file events.jsonl [--crm customers.csv] [--before earlier.jsonl] [--warehouse-dir d] [--repeats N]</c>:
/// where a web load's migration spends its time. The file is read and sessionised into memory first (outside the clock);
/// each repeat opens a fresh warehouse file, loads the CRM file and the earlier web file when given (outside the clock:
/// the stored sessions a split tracker session merges with), stages the sessions and runs
/// <see cref="InteractionMigration.RunWeb"/>, printing each statement's wall time and the migration's wall and process CPU
/// seconds (<c>EXPLAIN=1</c>: DuckDB's EXPLAIN ANALYZE plans instead).
/// </summary>
public static class WebParts
{
    public static int Run(string[] args)
    {
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var path = Path.GetFullPath(Arg("--file") ?? throw new ArgumentException("--file is required"));
        var crm = Arg("--crm") is { } c ? Path.GetFullPath(c) : null;
        var before = Arg("--before") is { } b ? Path.GetFullPath(b) : null;
        var repeats = int.Parse(Arg("--repeats") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        var folder = Arg("--warehouse-dir") ?? Path.GetTempPath();
        var explain = Environment.GetEnvironmentVariable("EXPLAIN") == "1";

        var sourceName = Path.GetFileName(path);
        var rows = new List<WebSessionStagingRow>();
        using (var stream = File.OpenRead(path))
        {
            foreach (var item in new WebSessionizer().Sessionize(WebEventReader.ReadJsonLines(stream, sourceName), sourceName))
            {
                if (item.Record is not { } s)
                {
                    continue;
                }

                rows.Add(new WebSessionStagingRow
                {
                    SourceName = sourceName, SourceLineNumber = s.FirstLineNumber, SessionId = s.SessionId, WebVisitorId = s.WebVisitorId,
                    CrmCustomerId = s.CrmCustomerId, EmailHash = s.EmailHash, StartTime = s.StartTime, EndTime = s.EndTime,
                    PageViews = s.PageViews, ProductViews = s.ProductViews, AddToCarts = s.AddToCarts, Conversions = s.Conversions,
                    Device = s.Device, Referrer = s.Referrer, EventCount = s.EventCount,
                });
            }
        }

        Console.WriteLine($"{rows.Count:N0} sessions; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        for (var r = 0; r < repeats; r++)
        {
            var file = Path.Combine(folder, $"web-parts-{Environment.ProcessId}-{r}.duckdb");
            try
            {
                using var warehouse = DuckDbWarehouse.Open(file);
                if (crm is not null)
                {
                    CrmLoader.Load(warehouse, crm);
                }

                if (before is not null)
                {
                    InteractionLoaders.LoadWeb(warehouse, before);
                }

                using var load = (DuckDbSourceLoad)SourceLoad.Begin(warehouse, StagingTarget.WebSession, "bench", sourceName, null);
                foreach (var row in rows)
                {
                    row.LineageKey = load.LineageKey;
                }

                var watch = Stopwatch.StartNew();
                load.Stage(rows);
                Console.WriteLine($"  {watch.Elapsed.TotalSeconds:F3} s  staging");
                load.Session.ExplainAnalyze = explain;
                load.Session.StatementTimer = explain
                    ? (sql, t) => Console.WriteLine($"=== {t.TotalSeconds:F3} s\n{sql}")
                    : (sql, t) => Console.WriteLine($"  {t.TotalSeconds:F3} s  {OneLine(sql)}");
                if (Arg("--try") is { } script)
                {
                    // Experiments: statements separated by lines holding only ';', {k} = the lineage key, run before the migration.
                    foreach (var sql in File.ReadAllText(script).Split("\n;\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var text = sql.Replace("{k}", load.LineageKey.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
                        if (text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
                        {
                            var w = Stopwatch.StartNew();
                            var result = load.Session.Query<dynamic>(text);
                            Console.WriteLine($"  {w.Elapsed.TotalSeconds:F3} s  {OneLine(text)} -> {string.Join(" | ", result.Take(5).Select(x => string.Join(",", ((IDictionary<string, object>)x).Values)))}");
                        }
                        else
                        {
                            var w = Stopwatch.StartNew();
                            var n = load.Session.Execute(text);
                            Console.WriteLine($"  {w.Elapsed.TotalSeconds:F3} s  {OneLine(text)} -> {n}");
                        }
                    }
                }

                if (Array.IndexOf(args, "--no-migrate") >= 0)
                {
                    continue;
                }

                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                watch.Restart();
                var migrated = default(InteractionMigration.Result);
                load.Migrate(rows.Sum(x => (long)x.EventCount), rows.Sum(x => (long)x.EventCount), null, s =>
                {
                    migrated = InteractionMigration.RunWeb(s);
                    return new MigrationOutcome(0, migrated.Last, string.Empty);
                });
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                Console.WriteLine($"migration {watch.Elapsed.TotalSeconds:F3} s wall, {cpu:F3} s CPU; {migrated!.Inserted:N0} inserted, "
                    + $"{migrated.RulesText}; relinked {migrated.Relinked:N0}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
                // A fingerprint of what the load left (A/B: the same results), every column of the facts and the visitor ids.
                var facts = Dapper.SqlMapper.ExecuteScalar<string>(warehouse.Connection,
                    "SELECT count(*) || ' ' || sum(hash(f))::VARCHAR || ', without the surrogate key ' || sum(hash(f.\"CustomerKey\", f.\"DateKey\", f.\"ChannelKey\", f.\"SessionId\", f.\"WebVisitorId\", f.\"StartTime\", f.\"EndTime\", "
                    + "f.\"DurationSeconds\", f.\"PageViews\", f.\"ProductViews\", f.\"AddToCarts\", f.\"Conversions\", f.\"Device\", f.\"Referrer\", f.\"MatchRule\", f.\"LineageKey\"))::VARCHAR "
                    + "FROM \"Fact\".\"WebSession\" AS f");
                var customers = Dapper.SqlMapper.ExecuteScalar<string>(warehouse.Connection,
                    "SELECT count(\"WebVisitorId\") || ' ' || sum(hash(\"CustomerKey\", \"WebVisitorId\"))::VARCHAR FROM \"Dimension\".\"Customer\" WHERE \"ValidTo\" = TIMESTAMP '9999-12-31'");
                Console.WriteLine($"fingerprint: facts {facts}; customers' visitor ids {customers}");
            }
            finally
            {
                File.Delete(file);
                File.Delete(file + ".wal");
            }
        }

        return 0;
    }

    private static string OneLine(string sql)
    {
        var line = string.Join(' ', sql.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 110 ? line : line[..110];
    }
}
