using System.Data.Common;
using Dapper;
using Warehouse.Data;
using Warehouse.Data.Loading;

namespace Warehouse.Etl.Loading;

/// <summary>
/// The host half of a CRM load on SQL Server: the same identity resolution the DuckDB migration runs
/// (<see cref="CustomerMigration"/> with a <see cref="CustomerMatcher"/>), done in the host because the server has no
/// IdentityResolver. While the file streams into staging, <see cref="Observe"/> keeps the latest row per CRM id newer
/// than the CRM cutoff, or of any time for an id the warehouse does not know (update time; of a repeated version the first line, the one the duplicate rule keeps, as the
/// DuckDB migration picks it); <see cref="Resolve"/> then reads the
/// known identities through <c>Integration.CustomerIdentity</c> (a view the loader role may read), runs the matcher
/// over both in the DuckDB migration's order, and returns one <see cref="CustomerMatchStagingRow"/> per row to apply:
/// the known customer, or the new customer's ordinal in key order and whether the row gives its attributes.
/// <c>Integration.MigrateStagedCustomerData</c> only applies them. Every statement runs unchanged on both engines (the
/// tests run this half against DuckDB and compare the keys with the DuckDB load's).
/// </summary>
/// <remarks>Memory: one small record per CRM id of the file (the matcher needs them all at once, as on DuckDB).</remarks>
public sealed class CrmResolution
{
    private readonly Dictionary<string, Candidate> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Candidate> _older = new(StringComparer.Ordinal);

    private CrmResolution(DateTime? cutoff) => Cutoff = cutoff;

    /// <summary>The cutoff in force when the load started (null: none yet).</summary>
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
        // Rows not newer than the cutoff apply only to ids the warehouse does not know yet; which ids those are is read
        // in Resolve, so the latest such row per id is kept apart.
        var latest = row.SourceUpdatedAt is { } updated && Cutoff is { } cutoff && updated <= cutoff ? _older : _latest;

        // Latest per CRM id: update time descending with unknown times last; a repeated version keeps its first line.
        if (latest.TryGetValue(row.CrmCustomerId, out var kept) && !Later(row.SourceUpdatedAt, kept.UpdatedAt))
        {
            return;
        }

        latest[row.CrmCustomerId] = new Candidate(row.SourceLineNumber, row.SourceUpdatedAt,
            new IncomingCustomer(row.CrmCustomerId, row.FullName, row.Email, row.Phone, row.City, row.BirthDate), row.SignupDate);
    }

    /// <summary>Resolves the observed rows against the warehouse's current customers.</summary>
    /// <param name="warehouse">The warehouse (either engine).</param>
    /// <param name="lineageKey">The load.</param>
    /// <param name="matcher">The identity resolution (the DuckDB migration's matcher).</param>
    /// <returns>One row per observed CRM id, in CRM id order.</returns>
    public IReadOnlyList<CustomerMatchStagingRow> Resolve(IWarehouse warehouse, int lineageKey, CustomerMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(matcher);
        var current = ReadCurrent(warehouse);
        // The cutoff filters known ids only (as CustomerMigration and the procedure do): an id never loaded takes its
        // latest row whatever its time (a row with a time, however old, beats one without).
        var known = current.Where(c => c.CrmCustomerId is not null).Select(c => c.CrmCustomerId!).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, old) in _older)
        {
            if (!known.Contains(id) && (!_latest.TryGetValue(id, out var kept) || Later(old.UpdatedAt, kept.UpdatedAt)))
            {
                _latest[id] = old;
            }
        }

        _older.Clear();
        var incoming = _latest.Values.OrderBy(c => c.Customer.CrmCustomerId, StringComparer.Ordinal).ToList();
        var matches = matcher(incoming.Select(c => c.Customer).ToList(), current);
        if (matches.Count != incoming.Count)
        {
            throw new InvalidOperationException($"The identity matcher returned {matches.Count} matches for {incoming.Count} CRM rows.");
        }

        var rows = new List<CustomerMatchStagingRow>(incoming.Count);
        for (var i = 0; i < incoming.Count; i++)
        {
            if (!string.Equals(matches[i].CrmCustomerId, incoming[i].Customer.CrmCustomerId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The identity matcher answered for CRM id {matches[i].CrmCustomerId} where {incoming[i].Customer.CrmCustomerId} was asked.");
            }

            rows.Add(new CustomerMatchStagingRow
            {
                LineageKey = lineageKey,
                SourceLineNumber = incoming[i].LineNumber,
                CrmCustomerId = incoming[i].Customer.CrmCustomerId,
                CustomerKey = matches[i].CustomerKey,
                MatchRule = matches[i].MatchRule,
            });
        }

        NumberNewCustomers(rows, matches, incoming);
        return rows;
    }

    /// <summary>The known identities in the order the DuckDB migration hands them to the matcher (key, then CRM id).</summary>
    /// <param name="warehouse">The warehouse (either engine).</param>
    public static IReadOnlyList<CurrentCustomer> ReadCurrent(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var current = new List<CurrentCustomer>();
        using (var command = warehouse.Connection.CreateCommand())
        {
            command.CommandText = warehouse.Sql(CustomerIdentitySql.Identities);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                current.Add(new CurrentCustomer(reader.GetInt32(0), Text(reader, 1), Text(reader, 2), Text(reader, 3), Text(reader, 4), Text(reader, 5), Day(reader, 6)));
            }
        }

        // Ordinal order in the host: the engines' collations differ (SQL Server's is usually case-insensitive).
        current.Sort((a, b) => a.CustomerKey != b.CustomerKey
            ? a.CustomerKey.CompareTo(b.CustomerKey)
            : (a.CrmCustomerId, b.CrmCustomerId) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => string.CompareOrdinal(a.CrmCustomerId, b.CrmCustomerId),
            });
        return current;
    }

    /// <summary>
    /// New customers get ordinals in the order the DuckDB migration hands out their keys: the matcher's new-customer
    /// groups (several CRM ids of one new person share a group), a row without a group being a customer of its own;
    /// the primary row of each (the one whose attributes the customer takes) has the earliest signup date, then the
    /// lowest CRM id, as in <see cref="CustomerMigration"/>.
    /// </summary>
    private static void NumberNewCustomers(List<CustomerMatchStagingRow> rows, IReadOnlyList<CustomerMatch> matches, List<Candidate> incoming)
    {
        var fresh = Enumerable.Range(0, rows.Count).Where(i => rows[i].CustomerKey is null).ToList();
        // Ordinal order: grouped rows by group, then ungrouped rows by CRM id (the migration's dense_rank).
        var ordinalOf = fresh
            .Select(i => (Group: matches[i].NewCustomerGroup ?? -1, Id: matches[i].NewCustomerGroup is null ? rows[i].CrmCustomerId : null))
            .Distinct()
            .OrderBy(x => x.Group).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Select((x, ordinal) => (x, ordinal))
            .ToDictionary(p => p.x, p => p.ordinal);
        foreach (var i in fresh)
        {
            rows[i].NewCustomerOrdinal = ordinalOf[(matches[i].NewCustomerGroup ?? -1, matches[i].NewCustomerGroup is null ? rows[i].CrmCustomerId : null)];
        }

        foreach (var customer in fresh.GroupBy(i => rows[i].NewCustomerOrdinal))
        {
            var primary = customer
                .OrderBy(i => incoming[i].SignupDate is null ? 1 : 0).ThenBy(i => incoming[i].SignupDate)
                .ThenBy(i => rows[i].CrmCustomerId, StringComparer.Ordinal)
                .First();
            rows[primary].IsPrimary = true;
        }
    }

    // The same update time twice (NULL = NULL) is a repeated version: the procedure rejects the later line, the first stays.
    private static bool Later(DateTime? updated, DateTime? kept) => (updated, kept) switch
    {
        (null, _) => false,
        (_, null) => true,
        var (a, b) => a > b,
    };

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateOnly? Day(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        var other => throw new InvalidDataException($"Integration.CustomerIdentity.BirthDate came back as {other.GetType().Name}."),
    };

    private sealed record Candidate(long LineNumber, DateTime? UpdatedAt, IncomingCustomer Customer, DateOnly? SignupDate);
}
