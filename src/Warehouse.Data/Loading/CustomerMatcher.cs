using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Loading;

/// <summary>A CRM row to resolve (the attributes identity rules look at).</summary>
/// <param name="CrmCustomerId">CRM id.</param>
/// <param name="FullName">Full name.</param>
/// <param name="Email">Normalised e-mail.</param>
/// <param name="Phone">E.164 phone.</param>
/// <param name="City">City.</param>
/// <param name="BirthDate">Date of birth.</param>
public sealed record IncomingCustomer(string CrmCustomerId, string? FullName, string? Email, string? Phone, string? City, DateOnly? BirthDate);

/// <summary>The current version of a known customer, once per CRM id it has (Integration.CustomerKeyMap).</summary>
/// <param name="CustomerKey">Durable key.</param>
/// <param name="CrmCustomerId">One of its CRM ids.</param>
/// <param name="Email">E-mail.</param>
/// <param name="Phone">Phone.</param>
/// <param name="FullName">Full name.</param>
/// <param name="City">City.</param>
/// <param name="BirthDate">Date of birth.</param>
public sealed record CurrentCustomer(int CustomerKey, string? CrmCustomerId, string? Email, string? Phone, string? FullName, string? City, DateOnly? BirthDate);

/// <summary>How one CRM row resolved.</summary>
public sealed class CustomerMatch
{
    /// <summary>CRM id of the row.</summary>
    public string CrmCustomerId { get; set; } = string.Empty;

    /// <summary>The known customer it is, or null for a new customer.</summary>
    public int? CustomerKey { get; set; }

    /// <summary>Rule that linked it: crm-id, email, phone, fuzzy-name-city (crm-id for a new customer on its own).</summary>
    public string MatchRule { get; set; } = "crm-id";

    /// <summary>
    /// For a new customer (<see cref="CustomerKey"/> null): rows with the same group become one new customer (a CRM
    /// duplicate within the load); groups are numbered 0, 1, … and new keys are handed out in group order. Null on a
    /// new row means a customer of its own.
    /// </summary>
    public int? NewCustomerGroup { get; set; }
}

/// <summary>Appender map of <see cref="CustomerMatch"/> (temporary match table).</summary>
public sealed class CustomerMatchMap : StagingMap<CustomerMatch>
{
    /// <summary>Declares the columns in table order.</summary>
    public CustomerMatchMap()
    {
        Map(m => m.CrmCustomerId);
        Map(m => m.CustomerKey);
        Map(m => m.MatchRule);
        Map(m => m.NewCustomerGroup);
    }
}

/// <summary>
/// Identity resolution plugged into <see cref="CustomerMigration"/>: given the incoming CRM rows and the current
/// customers (one entry per CRM id of a customer), says which known customer each row is, or which new customer
/// (<see cref="CustomerMatch.NewCustomerGroup"/>). Must be deterministic.
/// </summary>
public delegate IReadOnlyList<CustomerMatch> CustomerMatcher(IReadOnlyList<IncomingCustomer> incoming, IReadOnlyList<CurrentCustomer> current);

/// <summary>
/// Identity resolution inside a DuckDB connection (the host keeps no per-row text): reads the incoming CRM rows from
/// <paramref name="incomingTable"/> (columns <c>CrmCustomerId</c>, <c>FullName</c>, <c>Email</c>, <c>Phone</c>, <c>City</c>,
/// <c>BirthDate</c>; one row per CRM id) and the current customers from <paramref name="currentTable"/> (<c>CustomerKey</c>,
/// <c>CrmCustomerId</c>, <c>Email</c>, <c>Phone</c>, <c>FullName</c>, <c>City</c>, <c>BirthDate</c>: once per CRM id of a
/// customer), both temporary tables of the connection, and creates the temporary table <paramref name="matchTable"/> with
/// the columns of <see cref="CustomerMatch"/>, one row per incoming row. Must be deterministic.
/// </summary>
public delegate void CustomerTableMatcher(DuckDB.NET.Data.DuckDBConnection connection, string incomingTable, string currentTable, string matchTable);
