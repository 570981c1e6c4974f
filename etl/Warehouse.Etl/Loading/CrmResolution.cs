using System.Data.Common;
using Dapper;
using DuckDB.NET.Data;
using Warehouse.Data;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;

namespace Warehouse.Etl.Loading;

/// <summary>
/// The host half of a CRM load on SQL Server: the same identity resolution the DuckDB migration runs
/// (<see cref="CustomerMigration"/> with the engine-backed <see cref="IdentityMatcher.InEngine"/>), done in the host because
/// the server has no resolver. While the file streams into staging, <see cref="Observe"/> appends every row
/// to a scratch DuckDB (<see cref="DuckDbScratch"/>: in memory under the warehouse's <c>memory_limit</c>, spilling to a
/// temporary directory deleted on <see cref="Dispose"/>);
/// <see cref="Resolve"/> reads the known identities through <c>Integration.CustomerIdentity</c> (a view the loader role may
/// read: once per known CRM id, with its stored version's <c>SourceUpdatedAt</c>) into the scratch database, keeps the
/// latest row per CRM id among those newer than the id's stored version (update time; of a repeated version the first
/// line, the one the duplicate rule keeps, as the DuckDB migration picks it; an id never loaded, a stored version without
/// a time and a row without one: any row), runs the same
/// resolver there and streams one <see cref="CustomerMatchStagingRow"/> per row to apply: the known customer, or the new
/// customer's ordinal in key order and whether the row gives its attributes. <c>Integration.MigrateStagedCustomerData</c>
/// only applies them. Every statement on the warehouse runs unchanged on both engines (the tests run this half against
/// DuckDB and compare the keys with the DuckDB load's).
/// </summary>
/// <remarks>Host memory: the engine-backed resolver's integer arrays (about 41 bytes per CRM id); the rows themselves live in
/// the scratch database.</remarks>
public sealed class CrmResolution : IDisposable
{
    private readonly DuckDbScratch _database;
    private readonly DuckDBConnection _scratch;
    private DuckDbChunkAppender? _observed;

    private CrmResolution(DateTime? cutoff)
    {
        Cutoff = cutoff;
        // Bounded like the warehouse (memory_limit, threads), spilling to a directory of its own that Dispose deletes.
        _database = DuckDbScratch.Open("crm");
        _scratch = _database.Connection;
        Execute("""
            CREATE TABLE observed ("SourceLineNumber" BIGINT NOT NULL, "SourceRecordNumber" BIGINT NOT NULL, "CrmCustomerId" VARCHAR NOT NULL, "FullName" VARCHAR, "Email" VARCHAR,
                "Phone" VARCHAR, "City" VARCHAR, "BirthDate" DATE, "SignupDate" DATE, "SourceUpdatedAt" TIMESTAMP)
            """);
        // The column-wise appender keeps text exactly (U+0000 included; DuckDB.NET's appender cuts strings there).
        _observed = new DuckDbChunkAppender(_scratch, null, "main", "observed",
            DuckDbChunkAppender.Column.BigInt, DuckDbChunkAppender.Column.BigInt, DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar,
            DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Date, DuckDbChunkAppender.Column.Date,
            DuckDbChunkAppender.Column.Timestamp);
    }

    /// <summary>The scratch database the observed rows live in (tests read its settings).</summary>
    internal DuckDbScratch Scratch => _database;

    /// <summary>The CRM cutoff when the load started (the latest update time loaded; null: none yet). Informational: rows are
    /// compared with their own id's stored version, not with it.</summary>
    public DateTime? Cutoff { get; }

    /// <summary>Starts a resolution: reads the source system's cutoff.</summary>
    /// <param name="warehouse">The warehouse (either engine).</param>
    /// <param name="sourceSystem">Source system, e.g. crm.</param>
    public static CrmResolution Begin(IWarehouse warehouse, string sourceSystem)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return new CrmResolution(warehouse.Connection.ExecuteScalar<DateTime?>(warehouse.Sql(CustomerIdentitySql.Cutoff), new { SourceSystem = sourceSystem }));
    }

    /// <summary>Sees one accepted row as it is staged (the row object may be reused afterwards).</summary>
    /// <param name="row">The staged row.</param>
    public void Observe(CustomerStagingRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        // Which rows are newer than their id's stored version is decided in Resolve, against the known identities.
        var appender = _observed ?? throw new InvalidOperationException("Rows cannot be observed after Resolve.");
        appender.SetInt64(0, row.SourceLineNumber);
        appender.SetInt64(1, row.SourceRecordNumber);
        appender.SetString(2, row.CrmCustomerId);
        appender.SetString(3, row.FullName);
        appender.SetString(4, row.Email);
        appender.SetString(5, row.Phone);
        appender.SetString(6, row.City);
        SetDate(appender, 7, row.BirthDate);
        SetDate(appender, 8, row.SignupDate);
        if (row.SourceUpdatedAt is { } at)
            appender.SetTimestamp(9, at);
        else
            appender.SetNull(9);
        appender.EndRow();
    }

    /// <summary>Resolves the observed rows against the warehouse's current customers.</summary>
    /// <param name="warehouse">The warehouse (either engine).</param>
    /// <param name="lineageKey">The load.</param>
    /// <param name="matcher">The identity resolution's settings (the DuckDB migration's matcher).</param>
    /// <returns>One row per observed CRM id, in CRM id order: a view of the scratch database, streamed (each enumeration
    /// reads it again; valid until <see cref="Dispose"/>).</returns>
    public IReadOnlyList<CustomerMatchStagingRow> Resolve(IWarehouse warehouse, int lineageKey, IdentityMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(matcher);
        if (_observed is null)
        {
            throw new InvalidOperationException("Resolve runs once.");
        }

        _observed.Close();
        _observed.Dispose();
        _observed = null;

        Execute("""
            CREATE TEMP TABLE current ("CustomerKey" INTEGER NOT NULL, "CrmCustomerId" VARCHAR, "Email" VARCHAR, "Phone" VARCHAR,
                "FullName" VARCHAR, "City" VARCHAR, "BirthDate" DATE, "SourceUpdatedAt" TIMESTAMP)
            """);
        using (var appender = new DuckDbChunkAppender(_scratch, "temp", "main", "current", DuckDbChunkAppender.Column.Integer,
            DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Varchar,
            DuckDbChunkAppender.Column.Varchar, DuckDbChunkAppender.Column.Date, DuckDbChunkAppender.Column.Timestamp))
        using (var command = warehouse.Connection.CreateCommand())
        {
            command.CommandText = warehouse.Sql(CustomerIdentitySql.Identities);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                appender.SetInt32(0, reader.GetInt32(0));
                for (var c = 1; c <= 5; c++)
                    appender.SetString(c, Text(reader, c));
                SetDate(appender, 6, Day(reader, 6));
                if (reader.IsDBNull(7))
                    appender.SetNull(7);
                else
                    appender.SetTimestamp(7, reader.GetDateTime(7));
                appender.EndRow();
            }

            appender.Close();
        }

        // Latest per CRM id, compared without case as the server's collation compares it (C001 and c001 are one id: two rows
        // would be two map rows of one key on the server): update time descending with unknown times last; a repeated version
        // keeps its first record (lowest record number; several may share a line). Only rows newer than their id's stored
        // version count (as CustomerMigration and the procedure decide): an id never loaded, or stored without a time, takes
        // its latest row whatever its time (a row with a time, however old, beats one without); a row without a time is
        // always newer.
        Execute("""
            CREATE TEMP TABLE incoming AS
            SELECT * EXCLUDE (rn) FROM (
                SELECT o.*, row_number() OVER (PARTITION BY upper(o."CrmCustomerId") ORDER BY o."SourceUpdatedAt" DESC NULLS LAST, o."SourceRecordNumber") AS rn
                FROM observed AS o
                WHERE o."SourceUpdatedAt" IS NULL
                   OR NOT EXISTS (SELECT 1 FROM current AS c WHERE upper(c."CrmCustomerId") = upper(o."CrmCustomerId") AND o."SourceUpdatedAt" <= c."SourceUpdatedAt"))
            WHERE rn = 1
            """);
        Execute("DROP TABLE observed");
        matcher.InEngine(_scratch, "incoming", "current", "matched");
        Execute("DROP TABLE current");

        // New customers get ordinals in the order the DuckDB migration hands out their keys: the matcher's new-customer
        // groups (several CRM ids of one new person share a group), a row without a group being a customer of its own; the
        // primary row of each (the one whose attributes the customer takes) has the earliest signup date, then the lowest
        // CRM id, as in CustomerMigration.
        Execute("""
            CREATE TEMP TABLE resolved AS
            SELECT i."SourceLineNumber", i."SourceRecordNumber", i."CrmCustomerId", m."CustomerKey", m."MatchRule",
                   CASE WHEN m."CustomerKey" IS NULL THEN CAST(dense_rank() OVER (PARTITION BY m."CustomerKey" IS NULL
                        ORDER BY COALESCE(m."NewCustomerGroup", -1), CASE WHEN m."NewCustomerGroup" IS NULL THEN m."CrmCustomerId" END NULLS FIRST) - 1 AS INTEGER)
                   END AS "NewCustomerOrdinal",
                   m."CustomerKey" IS NULL AND row_number() OVER (PARTITION BY m."CustomerKey" IS NULL,
                        COALESCE(CAST(m."NewCustomerGroup" AS VARCHAR), 'id:' || m."CrmCustomerId")
                        ORDER BY i."SignupDate" NULLS LAST, m."CrmCustomerId") = 1 AS "IsPrimary"
            FROM matched AS m
            JOIN incoming AS i ON i."CrmCustomerId" = m."CrmCustomerId"
            ORDER BY i."CrmCustomerId"
            """);
        Execute("DROP TABLE matched");
        Execute("DROP TABLE incoming");
        using (var count = _scratch.CreateCommand())
        {
            count.CommandText = "SELECT count(*) FROM resolved";
            return new ResolvedRows(this, lineageKey, Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private IEnumerable<CustomerMatchStagingRow> Rows(int lineageKey, long? index = null)
    {
        using var command = _scratch.CreateCommand();
        command.CommandText = "SELECT \"SourceLineNumber\", \"SourceRecordNumber\", \"CrmCustomerId\", \"CustomerKey\", \"MatchRule\", \"NewCustomerOrdinal\", \"IsPrimary\" FROM resolved ORDER BY \"CrmCustomerId\""
            + (index is { } i ? $" LIMIT 1 OFFSET {i}" : "");
        command.UseStreamingMode = true;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new CustomerMatchStagingRow
            {
                LineageKey = lineageKey,
                SourceLineNumber = reader.GetInt64(0),
                SourceRecordNumber = reader.GetInt64(1),
                CrmCustomerId = reader.GetString(2),
                CustomerKey = reader.IsDBNull(3) ? null : reader.GetInt32(3),
                MatchRule = reader.GetString(4),
                NewCustomerOrdinal = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                IsPrimary = reader.GetBoolean(6),
            };
        }
    }

    /// <summary>The resolved rows as a list whose items stay in the scratch database.</summary>
    private sealed class ResolvedRows(CrmResolution owner, int lineageKey, int count) : IReadOnlyList<CustomerMatchStagingRow>
    {
        public int Count => count;

        public CustomerMatchStagingRow this[int index] => index >= 0 && index < count
            ? owner.Rows(lineageKey, index).Single()
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {count})");

        public IEnumerator<CustomerMatchStagingRow> GetEnumerator() => owner.Rows(lineageKey).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Closes the scratch database and deletes its spill directory.</summary>
    public void Dispose()
    {
        _observed?.Dispose();
        _observed = null;
        _database.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _scratch.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void SetDate(DuckDbChunkAppender appender, int column, DateOnly? day)
    {
        if (day is { } d)
            appender.SetDate(column, d);
        else
            appender.SetNull(column);
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateOnly? Day(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        var other => throw new InvalidDataException($"Integration.CustomerIdentity.BirthDate came back as {other.GetType().Name}."),
    };
}
