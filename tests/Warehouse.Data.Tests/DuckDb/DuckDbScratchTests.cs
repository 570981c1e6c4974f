using Dapper;
using DuckDB.NET.Data;
using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Tests.DuckDb;

/// <summary>The scratch database of identity resolution: bounded like the warehouse, spilling to its own directory, and
/// freeing a dropped table's memory (which a load's transaction does not: the reason it exists).</summary>
public sealed class DuckDbScratchTests
{
    private static long DuckDbBytes(DuckDBConnection connection, string column = "memory_usage_bytes") =>
        connection.ExecuteScalar<long>($"SELECT coalesce(sum({column}), 0)::BIGINT FROM duckdb_memory()");

    [Fact]
    public void Takes_the_warehouse_settings_and_spills_to_its_own_directory_which_dispose_removes()
    {
        string spill;
        using (var scratch = DuckDbScratch.Open("test", "64MB", "1"))
        {
            spill = scratch.SpillDirectory;
            var connection = scratch.Connection;
            // DuckDB reports 64 MB as 61.0 MiB.
            Assert.Equal("61.0 MiB", connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
            Assert.Equal(1L, connection.ExecuteScalar<long>("SELECT current_setting('threads')"));
            Assert.True(connection.ExecuteScalar<bool>("SELECT current_setting('allocator_background_threads')"));
            Assert.Equal(spill, connection.ExecuteScalar<string>("SELECT current_setting('temp_directory')"));
            Assert.StartsWith(Path.GetTempPath(), spill, StringComparison.Ordinal);

            // About 240 MB of rows under a 64 MB limit: DuckDB keeps them by spilling blocks to the directory.
            connection.Execute("CREATE TEMP TABLE t AS SELECT range AS i, repeat('x', 100) || range AS s FROM range(2000000)");
            Assert.Equal(2_000_000L, connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
            Assert.True(DuckDbBytes(connection, "temporary_storage_bytes") > 0);
            Assert.NotEmpty(Directory.EnumerateFiles(spill, "*", SearchOption.AllDirectories));
        }

        Assert.False(Directory.Exists(spill));
    }

    [Fact]
    public void Opening_deletes_the_spill_directories_of_processes_that_no_longer_run()
    {
        // A load killed while its scratch database spilled leaves warehouse-<purpose>-<pid>-<guid> behind. 2147483646 is no
        // process (Linux pids stay below 2^22); this test's own process runs; a name without a process id is not ours.
        var temp = Path.GetTempPath();
        var dead = Directory.CreateDirectory(Path.Combine(temp, "warehouse-testgc-2147483646-0123abcd")).FullName;
        File.WriteAllText(Path.Combine(dead, "spill.block"), "x");
        var alive = Directory.CreateDirectory(Path.Combine(temp, $"warehouse-testgc-{Environment.ProcessId}-0123abcd")).FullName;
        var unnamed = Directory.CreateDirectory(Path.Combine(temp, "warehouse-testgc-notapid")).FullName;
        var other = Directory.CreateDirectory(Path.Combine(temp, "warehouse-othergc-2147483646-0123abcd")).FullName;
        try
        {
            using (var scratch = DuckDbScratch.Open("testgc", "64MB", "1"))
            {
                Assert.StartsWith(Path.Combine(temp, $"warehouse-testgc-{Environment.ProcessId}-"), scratch.SpillDirectory, StringComparison.Ordinal);
            }

            Assert.False(Directory.Exists(dead));
            Assert.True(Directory.Exists(alive));
            Assert.True(Directory.Exists(unnamed));
            Assert.True(Directory.Exists(other));
        }
        finally
        {
            foreach (var directory in new[] { dead, alive, unnamed, other })
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    [Fact]
    public void Opening_with_the_environment_applies_the_host_cap()
    {
        // Without WAREHOUSE_DUCKDB_MEMORY_LIMIT the cap is the warehouse's: the same memory_limit as a warehouse opened here.
        using var scratch = DuckDbScratch.Open("test");
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        Assert.Equal(warehouse.Connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"),
            scratch.Connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
        Assert.Throws<ArgumentException>(() => DuckDbScratch.Open("../x"));
    }

    [Fact]
    public void A_table_dropped_in_auto_commit_frees_its_memory_but_not_inside_a_transaction()
    {
        using var scratch = DuckDbScratch.Open("test", "1GB", null);
        var connection = scratch.Connection;
        const string Fill = "CREATE TEMP TABLE t AS SELECT range AS i, repeat('x', 100) || range AS s FROM range(500000)";

        // Inside a transaction (as a load runs): the dropped table's blocks are kept until the transaction ends.
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute(Fill);
            var filled = DuckDbBytes(connection);
            connection.Execute("DROP TABLE t");
            Assert.True(DuckDbBytes(connection) > filled / 2, $"{DuckDbBytes(connection)} of {filled} bytes kept");
            transaction.Commit();
        }

        // In auto-commit (the scratch database's use): the drop frees them at once.
        connection.Execute(Fill);
        var before = DuckDbBytes(connection);
        Assert.True(before > 40_000_000, $"{before} bytes");
        connection.Execute("DROP TABLE t");
        Assert.True(DuckDbBytes(connection) < before / 4, $"{DuckDbBytes(connection)} of {before} bytes left");
    }
}
