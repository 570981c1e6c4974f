using Dapper;
using Warehouse.Data.DuckDb;

namespace Warehouse.Etl.Tests.Support;

/// <summary>Row counts of every base table of the warehouse, to prove that a failed or repeated load changed nothing.</summary>
internal static class WarehouseSnapshot
{
    public static SortedDictionary<string, long> Counts(DuckDbWarehouse warehouse)
    {
        var tables = warehouse.Connection.Query<(string Schema, string Table)>("""
            SELECT table_schema, table_name FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('main', 'information_schema', 'pg_catalog')
            ORDER BY 1, 2
            """).ToList();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, table) in tables)
        {
            counts[$"{schema}.{table}"] = warehouse.Connection.ExecuteScalar<long>($"SELECT count(*) FROM \"{schema}\".\"{table}\"");
        }

        return counts;
    }

    /// <summary>A content fingerprint of a table (order-independent), for "unchanged" checks beyond counts.</summary>
    public static string Fingerprint(DuckDbWarehouse warehouse, string schema, string table) =>
        warehouse.Connection.ExecuteScalar<string>($"SELECT CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) FROM \"{schema}\".\"{table}\" AS t")!;

    /// <summary>A content fingerprint of a table without the columns <paramref name="except"/>.</summary>
    public static string Fingerprint(DuckDbWarehouse warehouse, string schema, string table, params string[] except) =>
        warehouse.Connection.ExecuteScalar<string>(
            $"SELECT CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) FROM (SELECT * EXCLUDE ({string.Join(", ", except.Select(c => $"\"{c}\""))}) FROM \"{schema}\".\"{table}\") AS t")!;
}
