using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using DuckDB.NET.Data;
using Warehouse.Data.Schema;

namespace Warehouse.Data.DuckDb;

/// <summary>
/// The embedded warehouse: a DuckDB file holding the same tables and views as the SQL Server database, created from
/// the T-SQL source by <see cref="DuckDbSchemaTranslator"/>. One writer process per file (DuckDB takes a file lock).
/// </summary>
public sealed class DuckDbWarehouse : IWarehouse
{
    private const string SchemaInfoTable = "main.warehouse_schema";

    private readonly DuckDBConnection _connection;

    private DuckDbWarehouse(string location, DuckDBConnection connection)
    {
        Location = location;
        _connection = connection;
    }

    /// <inheritdoc />
    public WarehouseEngine Engine => WarehouseEngine.DuckDb;

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public DbConnection Connection => _connection;

    /// <summary>The DuckDB connection, for the appender and other DuckDB-only features.</summary>
    public DuckDBConnection DuckDbConnection => _connection;

    /// <summary>The DuckDB schema derived from the embedded T-SQL files (translated once per process).</summary>
    public static DuckDbSchema Schema => LazySchema.Value;

    private static readonly Lazy<DuckDbSchema> LazySchema =
        new(() => DuckDbSchemaTranslator.Translate(SchemaScript.LoadEmbedded()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Opens the warehouse file, creating it and its schema when new. An existing file whose schema differs from
    /// this version's gets the missing objects and the current views; a column that differs is an error.
    /// </summary>
    /// <param name="path">Path of the DuckDB file; <c>:memory:</c> for an in-memory warehouse (tests).</param>
    /// <exception cref="InvalidOperationException">The file holds an incompatible schema.</exception>
    public static DuckDbWarehouse Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var inMemory = path == ":memory:";
        var location = inMemory ? path : Path.GetFullPath(path);
        if (!inMemory)
        {
            var folder = Path.GetDirectoryName(location);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        var connection = new DuckDBConnection($"Data Source={location}");
        try
        {
            connection.Open();
            ApplySettings(connection, Environment.GetEnvironmentVariable(MemoryLimitVariable), Environment.GetEnvironmentVariable(ThreadsVariable));
            EnsureSchema(connection, location);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new DuckDbWarehouse(location, connection);
    }

    /// <inheritdoc />
    public string Sql(string sql) => SqlDialect.RewriteParameters(sql, '$');

    /// <inheritdoc />
    public DbTransaction BeginTransaction() => _connection.BeginTransaction();

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    /// <summary>Environment variable overriding DuckDB's memory limit (e.g. <c>512MB</c>, <c>2GB</c>).</summary>
    public const string MemoryLimitVariable = "WAREHOUSE_DUCKDB_MEMORY_LIMIT";

    /// <summary>Environment variable overriding DuckDB's worker thread count.</summary>
    public const string ThreadsVariable = "WAREHOUSE_DUCKDB_THREADS";

    /// <summary>
    /// DuckDB's memory limit when <see cref="MemoryLimitVariable"/> is unset and DuckDB's own default (80 % of RAM) is
    /// higher: 1 GB (DuckDB shows 953.6 MiB). A load's temporary tables are buffer-managed, so beyond the limit DuckDB
    /// spills them to its temporary directory (<c>&lt;file&gt;.tmp</c>) instead of growing with the file: the 10× demo
    /// transactions file (5M lines) peaked at 2.5 GiB of DuckDB memory with the 80 % default (bench/LOAD.md).
    /// </summary>
    public const long DefaultMemoryLimitBytes = 1_000_000_000;

    /// <summary>
    /// Applies the host's DuckDB settings (from <see cref="MemoryLimitVariable"/> and <see cref="ThreadsVariable"/>). Unset
    /// memory: <see cref="DefaultMemoryLimitBytes"/>, or DuckDB's default (80 % of RAM) when that is lower; unset threads:
    /// DuckDB's default (one per core). Always: the allocator's background threads, which return freed memory to the system.
    /// Measured in README ("DuckDB memory") and bench/LOAD.md ("Memory as files grow", "Memory outside the heap").
    /// </summary>
    internal static void ApplySettings(DuckDBConnection connection, string? memory, string? threads) =>
        ApplySettings(connection, memory, threads, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    /// <summary><see cref="ApplySettings(DuckDBConnection, string?, string?)"/> with the machine's memory given (tests).</summary>
    internal static void ApplySettings(DuckDBConnection connection, string? memory, string? threads, long totalMemoryBytes)
    {
        // DuckDB allocates through the jemalloc built into libduckdb, which keeps freed pages until a later allocation purges
        // them: after a 10× transaction load (512MB limit) ≈ 500 MiB of resident memory was neither the GC's nor DuckDB's
        // buffers. Its background threads return them on jemalloc's decay timer (peak 1,026 → 895 MiB, after the load
        // 886 → 411 MiB; CPU 78 → 83 s at load average 18 – 37; bench/LOAD.md "Memory outside the heap").
        connection.Execute("SET allocator_background_threads = true");
        if (string.IsNullOrWhiteSpace(memory))
        {
            // DuckDB's own default is 80 % of the memory it sees; keep it when it is below the host's cap.
            if (totalMemoryBytes <= 0 || totalMemoryBytes * 0.8 > DefaultMemoryLimitBytes)
            {
                connection.Execute($"SET memory_limit = '{DefaultMemoryLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}B'");
            }
        }
        else
        {
            memory = memory.Trim();
            if (!System.Text.RegularExpressions.Regex.IsMatch(memory, @"^[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            {
                throw new InvalidOperationException($"{MemoryLimitVariable} = '{memory}' is not a size such as 512MB or 2GB.");
            }

            connection.Execute($"SET memory_limit = '{memory}'");
        }

        if (!string.IsNullOrWhiteSpace(threads))
        {
            if (!int.TryParse(threads.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                throw new InvalidOperationException($"{ThreadsVariable} = '{threads}' is not a whole number ≥ 1.");
            }

            connection.Execute($"SET threads = {n}");
        }
    }

    private static void EnsureSchema(DuckDBConnection connection, string location)
    {
        var schema = Schema;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", schema.Statements))));
        connection.Execute($"CREATE TABLE IF NOT EXISTS {SchemaInfoTable} (SchemaHash VARCHAR NOT NULL, AppliedAt TIMESTAMP NOT NULL)");
        var applied = connection.QueryFirstOrDefault<string>($"SELECT SchemaHash FROM {SchemaInfoTable} ORDER BY AppliedAt DESC LIMIT 1");
        if (applied == hash)
        {
            return;
        }

        using (var transaction = connection.BeginTransaction())
        {
            var rebuilt = new List<DuckDbTable>();
            if (applied is not null)
            {
                rebuilt = SetAsideForRebuild(connection, transaction, schema, location);
                AddMissingColumns(connection, transaction, schema, location);
            }

            foreach (var statement in schema.Statements)
            {
                try
                {
                    connection.Execute(statement, transaction: transaction);
                }
                catch (DuckDBException e)
                {
                    throw new InvalidOperationException($"Creating the warehouse schema in {location} failed: {e.Message}\nStatement:\n{statement}", e);
                }
            }

            foreach (var table in rebuilt)
            {
                CopyIntoRebuilt(connection, transaction, table, location);
            }

            connection.Execute($"DELETE FROM {SchemaInfoTable}", transaction: transaction);
            connection.Execute($"INSERT INTO {SchemaInfoTable} VALUES ($hash, now() AT TIME ZONE 'UTC')", new { hash }, transaction);
            transaction.Commit();
        }

        if (applied is not null)
        {
            CheckColumns(connection, schema, location);
        }
    }

    /// <summary>
    /// An older file's existing tables get the columns this version added when each has a default (e.g. a flag column
    /// <c>NOT NULL DEFAULT (0)</c>) or allows NULL: <c>ALTER TABLE … ADD COLUMN</c> fills the stored rows with the default,
    /// then <c>SET NOT NULL</c> where the schema says so. Other missing columns are left to <see cref="CheckColumns"/>.
    /// </summary>
    private static void AddMissingColumns(DuckDBConnection connection, System.Data.IDbTransaction transaction, DuckDbSchema schema, string location)
    {
        var actual = connection.Query<(string Schema, string Table, string Column)>(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns", transaction: transaction)
            .ToList();
        var tables = actual.Select(c => $"{c.Schema}.{c.Table}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var columns = actual.Select(c => $"{c.Schema}.{c.Table}.{c.Column}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var table in schema.Tables.Where(t => tables.Contains($"{t.Schema}.{t.Name}")))
        {
            foreach (var column in table.Columns.Where(c => !columns.Contains($"{table.Schema}.{table.Name}.{c.Name}") && (c.Default is not null || c.IsNullable)))
            {
                var name = $"\"{table.Schema}\".\"{table.Name}\"";
                var sql = $"ALTER TABLE {name} ADD COLUMN \"{column.Name}\" {column.DuckDbType}" + (column.Default is null ? string.Empty : $" DEFAULT {column.Default}");
                try
                {
                    connection.Execute(sql, transaction: transaction);
                    if (!column.IsNullable)
                    {
                        connection.Execute($"ALTER TABLE {name} ALTER COLUMN \"{column.Name}\" SET NOT NULL", transaction: transaction);
                    }
                }
                catch (DuckDBException e)
                {
                    throw new InvalidOperationException($"Adding the column {table.Schema}.{table.Name}.{column.Name} to the older warehouse file {location} failed: {e.Message}", e);
                }
            }
        }
    }

    /// <summary>
    /// Columns an older file's rows get from another column of the same row: a record's number is its line in files written
    /// before SourceRecordNumber existed (their rows were keyed by line, so the line is unique per load there).
    /// </summary>
    private static readonly Dictionary<string, string> FilledFrom = new(StringComparer.OrdinalIgnoreCase) { ["SourceRecordNumber"] = "SourceLineNumber" };

    private const string RebuildSuffix = "_before_upgrade";

    /// <summary>
    /// An older file's tables that lack a NOT NULL column without a default which <see cref="FilledFrom"/> can fill (the staging
    /// and reject tables keyed by SourceRecordNumber since it exists): each is renamed <c>…_before_upgrade</c>, so the schema's
    /// statements create it anew, with the new column in its place and the new primary key (DuckDB cannot change a key in
    /// place); <see cref="CopyIntoRebuilt"/> then copies its rows back and drops the old table.
    /// </summary>
    private static List<DuckDbTable> SetAsideForRebuild(DuckDBConnection connection, System.Data.IDbTransaction transaction, DuckDbSchema schema, string location)
    {
        var actual = connection.Query<(string Schema, string Table, string Column)>(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns", transaction: transaction)
            .ToList();
        var tables = actual.Select(c => $"{c.Schema}.{c.Table}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var columns = actual.Select(c => $"{c.Schema}.{c.Table}.{c.Column}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var rebuilt = new List<DuckDbTable>();
        foreach (var table in schema.Tables.Where(t => tables.Contains($"{t.Schema}.{t.Name}")))
        {
            bool Has(string column) => columns.Contains($"{table.Schema}.{table.Name}.{column}");
            var missing = table.Columns.Where(c => !Has(c.Name)).ToList();
            bool Fillable(DuckDbColumn c) => FilledFrom.TryGetValue(c.Name, out var from) && Has(from);
            if (!missing.Any(c => !c.IsNullable && c.Default is null && Fillable(c))
                || !missing.All(c => c.IsNullable || c.Default is not null || Fillable(c)))
            {
                continue;
            }

            try
            {
                connection.Execute($"ALTER TABLE \"{table.Schema}\".\"{table.Name}\" RENAME TO \"{table.Name}{RebuildSuffix}\"", transaction: transaction);
            }
            catch (DuckDBException e)
            {
                throw new InvalidOperationException($"Setting aside {table.Schema}.{table.Name} of the older warehouse file {location} to rebuild it failed: {e.Message}", e);
            }

            rebuilt.Add(table);
        }

        return rebuilt;
    }

    /// <summary>Copies the rows of a table <see cref="SetAsideForRebuild"/> set aside into the table the schema created, then drops the old one.</summary>
    private static void CopyIntoRebuilt(DuckDBConnection connection, System.Data.IDbTransaction transaction, DuckDbTable table, string location)
    {
        var old = connection.Query<string>(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = $schema AND table_name = $name",
                new { schema = table.Schema, name = table.Name + RebuildSuffix }, transaction)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var copied = table.Columns
            .Select(c => (c.Name, Source: old.Contains(c.Name) ? c.Name : FilledFrom.TryGetValue(c.Name, out var from) && old.Contains(from) ? from : null))
            .Where(c => c.Source is not null)
            .ToList();
        var oldName = $"\"{table.Schema}\".\"{table.Name}{RebuildSuffix}\"";
        try
        {
            connection.Execute($"""
                INSERT INTO "{table.Schema}"."{table.Name}" ({string.Join(", ", copied.Select(c => $"\"{c.Name}\""))})
                SELECT {string.Join(", ", copied.Select(c => $"\"{c.Source}\""))} FROM {oldName}
                """, transaction: transaction);
            connection.Execute($"DROP TABLE {oldName}", transaction: transaction);
        }
        catch (DuckDBException e)
        {
            throw new InvalidOperationException($"Copying the rows of {table.Schema}.{table.Name} of the older warehouse file {location} into its new form failed: {e.Message}", e);
        }
    }

    /// <summary>An older file got new tables, views and the columns <see cref="AddMissingColumns"/> could add; another changed column cannot be migrated in place.</summary>
    private static void CheckColumns(DuckDBConnection connection, DuckDbSchema schema, string location)
    {
        var actual = connection.Query<(string Schema, string Table, string Column)>(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns")
            .Select(c => $"{c.Schema}.{c.Table}.{c.Column}")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = schema.Tables
            .SelectMany(t => t.Columns.Select(c => $"{t.Schema}.{t.Name}.{c.Name}"))
            .Where(c => !actual.Contains(c))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The warehouse file {location} was created by an older version of the schema and lacks {missing.Count} column(s), " +
                $"e.g. {string.Join(", ", missing.Take(3))}. Delete the file (or choose another --warehouse) and load again.");
        }
    }
}
