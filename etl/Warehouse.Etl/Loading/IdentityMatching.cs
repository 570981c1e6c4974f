using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Identity;

namespace Warehouse.Etl.Loading;

/// <summary>
/// Plugs the identity resolver (deterministic CRM id, e-mail, phone rules, then fuzzy name + city) into the CRM
/// migration: the current customers (once per CRM id they have) are the known identities, the incoming CRM rows the
/// records to resolve. Several new CRM ids tied to one person come back as one new-customer group.
/// </summary>
public static class IdentityMatching
{
    /// <summary>Rows read from a table per query when the rows are fed to <see cref="EngineIdentityResolver"/>.</summary>
    private const int BatchRows = 8192;

    /// <summary>The resolver with <paramref name="options"/> (default threshold when null): engine-backed
    /// (<see cref="IdentityMatcher.InEngine"/>, what the loaders use) or over lists (an implicit <see cref="CustomerMatcher"/>).</summary>
    public static IdentityMatcher Create(IdentityResolverOptions? options = null) => new(options);

    /// <summary>
    /// <see cref="IdentityResolver"/> over lists: every row and its strings in the host (the reference the engine-backed
    /// resolver is tested against).
    /// </summary>
    internal static IReadOnlyList<CustomerMatch> MatchLists(IReadOnlyList<IncomingCustomer> incoming, IReadOnlyList<CurrentCustomer> current, IdentityResolverOptions? options)
    {
        var known = current.Select(c => new KnownCustomer(c.CustomerKey, c.CrmCustomerId, c.Email, c.Phone, c.FullName, c.City, c.BirthDate)).ToList();
        var resolver = new IdentityResolver(known, options);
        var records = incoming.Select(i => new IdentityRecord("crm", i.CrmCustomerId, i.CrmCustomerId, i.Email, i.Phone, i.FullName, i.City, i.BirthDate)).ToList();
        var firstNew = current.Count == 0 ? 1 : current.Max(c => c.CustomerKey) + 1;
        var matches = resolver.Resolve(records, firstNew);
        return matches.Select((m, index) => new CustomerMatch
        {
            CrmCustomerId = incoming[index].CrmCustomerId,
            CustomerKey = m.IsNewCustomer ? null : m.CustomerKey,
            NewCustomerGroup = m.IsNewCustomer ? m.CustomerKey - firstNew : null,
            MatchRule = m.Rule switch
            {
                MatchRule.Email => "email",
                MatchRule.Phone => "phone",
                MatchRule.FuzzyNameCity => "fuzzy-name-city",
                _ => "crm-id",
            },
        }).ToList();
    }

    /// <summary>
    /// The engine-backed resolution (<see cref="CustomerTableMatcher"/>): both tables are read in batches into
    /// <see cref="EngineIdentityResolver"/>, which works in a scratch database of its own (<see cref="DuckDbScratch"/>: its
    /// working tables are freed as it drops them, which a load's transaction would not do), and the match table is written
    /// from its integer results, taking the CRM ids from <paramref name="incomingTable"/> (the rows' text is not copied).
    /// </summary>
    internal static void MatchTables(DuckDBConnection connection, string incomingTable, string currentTable, string matchTable, IdentityResolverOptions? options)
    {
        var firstNew = Convert.ToInt32(Scalar(connection, $"SELECT COALESCE(max(\"CustomerKey\") + 1, 1) FROM {currentTable}"), CultureInfo.InvariantCulture);
        using (var scratch = DuckDbScratch.Open("identity"))
        using (var resolver = new EngineIdentityResolver(scratch.Connection, "idr", options))
        {
            resolver.AddKnown(ReadInBatches(connection, currentTable,
                "\"CustomerKey\", \"CrmCustomerId\", \"Email\", \"Phone\", \"FullName\", \"City\", \"BirthDate\"",
                r => new KnownCustomer(r.GetInt32(0), Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), Text(r, 5), Day(r, 6))));
            // One row per CRM id (the migration's latest row per id), so the source keys are unique.
            resolver.AddRecords(ReadInBatches(connection, incomingTable,
                "\"CrmCustomerId\", \"Email\", \"Phone\", \"FullName\", \"City\", \"BirthDate\"",
                r =>
                {
                    var id = r.GetString(0);
                    return new IdentityRecord("crm", id, id, Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), Day(r, 5));
                }), uniqueSourceKeys: true);
            resolver.Resolve(firstNew);

            // Results by input position (the incoming table's row id order, as ReadInBatches read it): integers only.
            Execute(connection, $"CREATE TEMP TABLE {matchTable}_res (seq BIGINT NOT NULL, customer_key INTEGER NOT NULL, rule INTEGER NOT NULL, is_new BOOLEAN NOT NULL)");
            using var appender = connection.CreateAppender("temp", "main", $"{matchTable}_res");
            foreach (var (seq, key, rule, _, isNew) in resolver.Results())
                appender.CreateRow().AppendValue((long?)seq).AppendValue((int?)key).AppendValue((int?)(int)rule).AppendValue((bool?)isNew).EndRow();
            appender.Close();
        }

        Execute(connection, $"""
            CREATE TEMP TABLE {matchTable} AS
            SELECT i."CrmCustomerId",
                   CASE WHEN o.is_new THEN NULL ELSE o.customer_key END AS "CustomerKey",
                   CASE o.rule WHEN {(int)MatchRule.Email} THEN 'email' WHEN {(int)MatchRule.Phone} THEN 'phone'
                               WHEN {(int)MatchRule.FuzzyNameCity} THEN 'fuzzy-name-city' ELSE 'crm-id' END AS "MatchRule",
                   CASE WHEN o.is_new THEN o.customer_key - {firstNew} END AS "NewCustomerGroup"
            FROM {matchTable}_res AS o
            JOIN (SELECT row_number() OVER (ORDER BY rowid) - 1 AS seq, "CrmCustomerId" FROM {incomingTable}) AS i ON i.seq = o.seq
            """);
        Execute(connection, $"DROP TABLE {matchTable}_res");
    }

    /// <summary>
    /// Reads a table of the connection in batches of fully read rows (an appender of the same connection may write between
    /// two batches, which would end a streaming result); the host holds one batch at a time. Batches are row id ranges
    /// when the row ids are contiguous (a table written inside a transaction numbers its rows from 2^62, not 0), else
    /// LIMIT/OFFSET in row id order.
    /// </summary>
    internal static IEnumerable<T> ReadInBatches<T>(DuckDBConnection connection, string table, string columns, Func<DbDataReader, T> map)
    {
        long first, last, count;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT COALESCE(min(rowid), 0), COALESCE(max(rowid), -1), count(*) FROM {table}";
            using var reader = command.ExecuteReader();
            reader.Read();
            (first, last, count) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        var contiguous = last - first + 1 == count;
        var rows = new List<T>(BatchRows);
        for (long done = 0; done < count; done += BatchRows)
        {
            rows.Clear();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = contiguous
                    ? $"SELECT {columns} FROM {table} WHERE rowid >= {first + done} AND rowid < {first + done + BatchRows} ORDER BY rowid"
                    : $"SELECT {columns} FROM {table} ORDER BY rowid LIMIT {BatchRows} OFFSET {done}";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                    rows.Add(map(reader));
            }
            foreach (var row in rows)
                yield return row;
        }
    }

    private static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static DateOnly? Day(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        var other => throw new InvalidDataException($"A birth date came back as {other.GetType().Name}."),
    };
}
