using Dapper;
using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Tests.DuckDb;

public sealed class DuckDbWarehouseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("warehouse-data-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Host_settings_reach_duckdb_and_a_bad_value_is_a_clear_error()
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        connection.Open();
        DuckDbWarehouse.ApplySettings(connection, "300MB", "1");
        // DuckDB reports the limit in its own units (300 MB = 286.1 MiB).
        Assert.Equal("286.1 MiB", connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
        Assert.Equal(1L, connection.ExecuteScalar<long>("SELECT current_setting('threads')"));
        // Always on (DuckDB's default is off): jemalloc's background threads return freed pages (bench/LOAD.md).
        Assert.True(connection.ExecuteScalar<bool>("SELECT current_setting('allocator_background_threads')"));
        DuckDbWarehouse.ApplySettings(connection, null, " ");
        Assert.Equal(1L, connection.ExecuteScalar<long>("SELECT current_setting('threads')"));

        var e = Assert.Throws<InvalidOperationException>(() => DuckDbWarehouse.ApplySettings(connection, "300'; DROP TABLE x; --", null));
        Assert.Contains(DuckDbWarehouse.MemoryLimitVariable, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InvalidOperationException>(() => DuckDbWarehouse.ApplySettings(connection, null, "0"));
        Assert.Contains(DuckDbWarehouse.ThreadsVariable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_variable_duckdb_memory_is_capped_at_1_gb_unless_its_own_default_is_lower()
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var duckDbDefault = connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')");

        // A machine with 24 GB: DuckDB's default would be 80 % of it; the host caps it at 1 GB (= 953.6 MiB).
        DuckDbWarehouse.ApplySettings(connection, null, null, 24L << 30);
        Assert.Equal("953.6 MiB", connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));

        // A machine with 1 GB: 80 % of it is below the cap, so DuckDB's default stays (here: what this machine's was).
        using var small = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        small.Open();
        DuckDbWarehouse.ApplySettings(small, null, null, 1L << 30);
        Assert.Equal(duckDbDefault, small.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));

        // The variable wins over the cap, in both directions.
        DuckDbWarehouse.ApplySettings(connection, "1536MiB", null, 24L << 30);
        Assert.Equal("1.5 GiB", connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
    }

    [Fact]
    public void A_new_file_gets_every_table_and_view_of_the_t_sql_source()
    {
        using var warehouse = DuckDbWarehouse.Open(Path.Combine(_folder, "w.duckdb"));

        var tables = warehouse.Connection.Query<(string, string)>(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema <> 'main'").ToHashSet();
        foreach (var table in DuckDbWarehouse.Schema.Tables)
        {
            Assert.Contains((table.Schema, table.Name), tables);
        }

        var views = warehouse.Connection.Query<string>(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_type = 'VIEW' AND table_schema NOT IN ('main', 'information_schema', 'pg_catalog')").ToList();
        Assert.Contains("Segmentation.CustomerFeatureSource", views);
        Assert.Contains("Reports.SegmentProfile", views);
        foreach (var view in views)
        {
            // Every view must run on DuckDB, not just be created.
            var dot = view.IndexOf('.', StringComparison.Ordinal);
            warehouse.Connection.Query($"SELECT * FROM \"{view[..dot]}\".\"{view[(dot + 1)..]}\"").ToList();
        }
    }

    [Fact]
    public void Descriptions_become_duckdb_comments()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var comment = warehouse.Connection.ExecuteScalar<string>(
            "SELECT comment FROM duckdb_columns() WHERE schema_name = 'Fact' AND table_name = 'Purchase' AND column_name = 'IsCancellation'");
        Assert.Equal("1 when the invoice is a cancellation (InvoiceNo starting with C).", comment);
    }

    [Fact]
    public void Reopening_a_file_keeps_its_rows_and_sequences()
    {
        var path = Path.Combine(_folder, "w.duckdb");
        int first;
        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            first = warehouse.Connection.ExecuteScalar<int>("SELECT nextval('Sequences.LineageKey')");
            warehouse.Connection.Execute(warehouse.Sql(
                "INSERT INTO \"Dimension\".\"Channel\" (\"ChannelKey\", \"ChannelCode\", \"ChannelName\") VALUES (@key, @code, @name)"),
                new { key = 1, code = "web", name = "Web shop" });
        }

        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            Assert.Equal(1, warehouse.Connection.ExecuteScalar<int>("SELECT count(*) FROM \"Dimension\".\"Channel\""));
            Assert.Equal(first + 1, warehouse.Connection.ExecuteScalar<int>("SELECT nextval('Sequences.LineageKey')"));
        }
    }

    [Fact]
    public void Sequence_defaults_issue_surrogate_keys()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        warehouse.Connection.Execute(
            "INSERT INTO \"Dimension\".\"Product\" (\"StockCode\", \"Description\", \"LineageKey\") VALUES ('A', 'a', 1), ('B', 'b', 1)");
        var keys = warehouse.Connection.Query<int>("SELECT \"ProductKey\" FROM \"Dimension\".\"Product\" ORDER BY \"StockCode\"").ToList();
        Assert.Equal([1, 2], keys);
    }

    [Fact]
    public void An_older_file_gets_a_new_defaulted_column_in_place_with_its_rows_kept()
    {
        // A file written before Fact.Purchase had OutlierFlags (NOT NULL DEFAULT (0)): the column is dropped from a new file
        // and the schema hash made stale, as an older version would have left them.
        var path = Path.Combine(_folder, "old.duckdb");
        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            warehouse.Connection.Execute("""
                INSERT INTO "Fact"."Purchase" ("PurchaseKey", "CustomerKey", "DateKey", "ProductKey", "GeographyKey", "InvoiceNo", "InvoiceLineNumber",
                    "InvoiceDateTime", "Quantity", "UnitPrice", "Amount", "IsCancellation", "LineageKey")
                VALUES (1, 0, 20101201, 0, 0, '536365', 1, TIMESTAMP '2010-12-01 08:26:00', 6, 2.55, 15.30, false, 1)
                """);
            warehouse.Connection.Execute("ALTER TABLE \"Fact\".\"Purchase\" DROP COLUMN \"OutlierFlags\"");
            warehouse.Connection.Execute("UPDATE main.warehouse_schema SET SchemaHash = 'older'");
        }

        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            Assert.Equal(("536365", 0), warehouse.Connection.QuerySingle<(string, int)>(
                "SELECT \"InvoiceNo\", CAST(\"OutlierFlags\" AS INTEGER) FROM \"Fact\".\"Purchase\""));
            Assert.Equal(("UTINYINT", "NO"), warehouse.Connection.QuerySingle<(string, string)>("""
                SELECT data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'Fact' AND table_name = 'Purchase' AND column_name = 'OutlierFlags'
                """));
            Assert.StartsWith("Outlier flags", warehouse.Connection.ExecuteScalar<string>(
                "SELECT comment FROM duckdb_columns() WHERE schema_name = 'Fact' AND table_name = 'Purchase' AND column_name = 'OutlierFlags'"), StringComparison.Ordinal);
        }
    }
    [Fact]
    public void An_older_file_gets_record_numbers_and_the_record_key_on_its_staging_and_reject_tables()
    {
        // A file written before SourceRecordNumber existed: RejectedCustomer and Customer_Staging in their old form (keyed by
        // line), one stored reject, a stale schema hash. Reopened, the tables are rebuilt in place: the stored reject keeps its
        // values and takes its line as record number (lines were unique per load under the old key), the column sits where
        // the schema declares it (the staging appender writes columns by position), and the key is (LineageKey,
        // SourceRecordNumber): two rejects of one line (a JSON array written on one line) now fit.
        var path = Path.Combine(_folder, "old-keys.duckdb");
        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            warehouse.Connection.Execute("""
                DROP TABLE "Integration"."RejectedCustomer";
                CREATE TABLE "Integration"."RejectedCustomer" ("LineageKey" INTEGER NOT NULL, "SourceName" VARCHAR NOT NULL, "SourceLineNumber" BIGINT NOT NULL,
                    "ColumnName" VARCHAR, "Reason" VARCHAR NOT NULL, "RawRecord" VARCHAR, PRIMARY KEY ("LineageKey", "SourceLineNumber"));
                INSERT INTO "Integration"."RejectedCustomer" VALUES (7, 'crm.csv', 12, 'email', 'not an e-mail', 'C9,x');
                CREATE TABLE main.staging_before AS SELECT * EXCLUDE ("SourceRecordNumber") FROM "Integration"."Customer_Staging";
                DROP TABLE "Integration"."Customer_Staging";
                CREATE TABLE "Integration"."Customer_Staging" AS SELECT * FROM main.staging_before;
                DROP TABLE main.staging_before;
                UPDATE main.warehouse_schema SET SchemaHash = 'older';
                """);
        }

        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            Assert.Equal((12L, 12L, "not an e-mail", "C9,x"), warehouse.Connection.QuerySingle<(long, long, string, string)>(
                "SELECT \"SourceLineNumber\", \"SourceRecordNumber\", \"Reason\", \"RawRecord\" FROM \"Integration\".\"RejectedCustomer\""));
            // Right after SourceLineNumber, as the schema declares it: RejectedCustomer (LineageKey, SourceName, SourceLineNumber, …),
            // Customer_Staging (SourceName, SourceLineNumber, …).
            foreach (var (table, position) in new[] { ("RejectedCustomer", 4), ("Customer_Staging", 3) })
            {
                Assert.Equal((position, "NO"), warehouse.Connection.QuerySingle<(int, string)>("""
                    SELECT CAST(ordinal_position AS INTEGER), is_nullable FROM information_schema.columns
                    WHERE table_schema = 'Integration' AND table_name = $table AND column_name = 'SourceRecordNumber'
                    """, new { table }));
            }

            warehouse.Connection.Execute("""
                INSERT INTO "Integration"."RejectedCustomer" ("LineageKey", "SourceName", "SourceLineNumber", "SourceRecordNumber", "ColumnName", "Reason", "RawRecord")
                VALUES (8, 'crm.json', 1, 2, NULL, 'a', NULL), (8, 'crm.json', 1, 4, NULL, 'b', NULL)
                """);
            Assert.Equal(2, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"RejectedCustomer\" WHERE \"LineageKey\" = 8"));
            Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM duckdb_tables() WHERE ends_with(table_name, '_before_upgrade')"));
        }
    }

    [Fact]
    public void An_older_file_gets_the_source_key_maps_email_column_in_place_empty()
    {
        // A file written before Integration.CustomerKeyMap had Email (NULL allowed, no default): the column is added with the
        // stored map rows kept and no e-mail (the next CRM load fills primary ids from their customers, CustomerKeyMap.Backfill).
        var path = Path.Combine(_folder, "old-map.duckdb");
        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            warehouse.Connection.Execute("""
                INSERT INTO "Integration"."CustomerKeyMap" ("CrmCustomerId", "CustomerKey", "MatchRule", "MappedAt", "LineageKey")
                VALUES ('C1', 1, 'crm-id', TIMESTAMP '2024-06-01 09:30:00', 1), ('D3', 1, 'phone', TIMESTAMP '2024-06-01 09:30:00', 1)
                """);
            warehouse.Connection.Execute("ALTER TABLE \"Integration\".\"CustomerKeyMap\" DROP COLUMN \"Email\"");
            warehouse.Connection.Execute("UPDATE main.warehouse_schema SET SchemaHash = 'older'");
        }

        using (var warehouse = DuckDbWarehouse.Open(path))
        {
            Assert.Equal([("C1", 1, (string?)null), ("D3", 1, null)], warehouse.Connection.Query<(string, int, string?)>(
                "SELECT \"CrmCustomerId\", \"CustomerKey\", \"Email\" FROM \"Integration\".\"CustomerKeyMap\" ORDER BY 1"));
            Assert.Equal(("VARCHAR", "YES"), warehouse.Connection.QuerySingle<(string, string)>("""
                SELECT data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'Integration' AND table_name = 'CustomerKeyMap' AND column_name = 'Email'
                """));
        }
    }
}
