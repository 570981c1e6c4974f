using System.Diagnostics;
using System.Globalization;
using Dapper;
using DuckDB.NET.Data;

namespace Warehouse.Data.DuckDb;

/// <summary>
/// A private in-memory DuckDB database for a load's working tables (identity resolution), with the warehouse's settings
/// (<see cref="DuckDbWarehouse.MemoryLimitVariable"/> or <see cref="DuckDbWarehouse.DefaultMemoryLimitBytes"/>, threads, the
/// allocator's background threads) and its own spill directory, deleted on <see cref="Dispose"/>. A process killed during a
/// load cannot delete its spill directory: the directory's name carries the process id, and the next scratch database of
/// the same purpose deletes the directories of processes that no longer run.
/// </summary>
/// <remarks>
/// <para>Why a second database: a table dropped inside a transaction keeps its memory until the transaction ends (DuckDB
/// must be able to roll the drop back), and a load runs in one transaction, so working tables dropped mid-load still
/// count until the commit. In a database of its own, in auto-commit, a drop frees its buffers at once.</para>
/// <para>The bound is per database: during a resolution the warehouse and the scratch database may each use up to their
/// <c>memory_limit</c> of buffer memory, then spill to their own temporary directories.</para>
/// </remarks>
public sealed class DuckDbScratch : IDisposable
{
    private DuckDbScratch(DuckDBConnection connection, string spillDirectory)
    {
        Connection = connection;
        SpillDirectory = spillDirectory;
    }

    /// <summary>The open connection to the scratch database (its only connection).</summary>
    public DuckDBConnection Connection { get; }

    /// <summary>The directory DuckDB spills to beyond <c>memory_limit</c> (created by DuckDB when first needed; deleted on <see cref="Dispose"/>).</summary>
    public string SpillDirectory { get; }

    /// <summary>Opens a scratch database with the host's DuckDB settings (the same environment variables as the warehouse).</summary>
    /// <param name="purpose">A word for the spill directory's name (letters, digits, '-').</param>
    public static DuckDbScratch Open(string purpose) =>
        Open(purpose, Environment.GetEnvironmentVariable(DuckDbWarehouse.MemoryLimitVariable), Environment.GetEnvironmentVariable(DuckDbWarehouse.ThreadsVariable));

    /// <summary><see cref="Open(string)"/> with the settings given instead of read from the environment (tests).</summary>
    internal static DuckDbScratch Open(string purpose, string? memory, string? threads)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (!purpose.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException("must hold only ASCII letters, digits and '-'", nameof(purpose));
        }

        DeleteAbandonedSpillDirectories(purpose);
        var spill = Path.Combine(Path.GetTempPath(), $"warehouse-{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            DuckDbWarehouse.ApplySettings(connection, memory, threads);
            connection.Execute($"SET temp_directory = '{spill.Replace("'", "''", StringComparison.Ordinal)}'");
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new DuckDbScratch(connection, spill);
    }

    /// <summary>
    /// Deletes the spill directories <c>warehouse-&lt;purpose&gt;-&lt;process id&gt;-&lt;guid&gt;</c> whose process no longer
    /// runs (killed during a load). A directory whose process id belongs to a running process is kept, whatever that process.
    /// </summary>
    /// <param name="purpose">The purpose the directories were opened for.</param>
    /// <returns>Directories deleted.</returns>
    internal static int DeleteAbandonedSpillDirectories(string purpose)
    {
        var deleted = 0;
        var prefix = $"warehouse-{purpose}-";
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            var rest = Path.GetFileName(directory)[prefix.Length..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var processId) || IsRunning(processId))
            {
                continue;
            }

            try
            {
                Directory.Delete(directory, recursive: true);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process's cleanup got there first, or the folder is not ours to delete: left alone.
            }
        }

        return deleted;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no process with that id
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Closes the database (its tables go with it) and deletes the spill directory.</summary>
    public void Dispose()
    {
        Connection.Dispose();
        if (Directory.Exists(SpillDirectory))
        {
            Directory.Delete(SpillDirectory, recursive: true);
        }
    }
}
