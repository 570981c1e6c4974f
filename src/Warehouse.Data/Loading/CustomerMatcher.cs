using DuckDB.NET.Data.Mapping;

namespace Warehouse.Data.Loading;

/// <summary>A CRM row to resolve (the attributes identity rules look at).</summary>
/// <param name="CrmCustomerId">CRM id.</param>
/// <param name="FullName">Full name.</param>
/// <param name="Email">Normalised e-mail.</param>
/// <param name="Phone">E.164 phone.</param>
/// <param name="City">City.</param>
/// <param name="BirthDate">Date of birth.</param>
public sealed record IncomingCustomer(string CrmCustomerId, string? FullName, string? Email, string? Phone, string? City, DateOnly? BirthDate);

/// <summary>The current version of a known customer.</summary>
/// <param name="CustomerKey">Durable key.</param>
/// <param name="CrmCustomerId">CRM id.</param>
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

    /// <summary>Rule that linked it: crm-id, email, phone, fuzzy-name-city (crm-id for a new customer).</summary>
    public string MatchRule { get; set; } = "crm-id";
}

/// <summary>Appender map of <see cref="CustomerMatch"/> (temporary match table).</summary>
public sealed class CustomerMatchMap : DuckDBAppenderMap<CustomerMatch>
{
    /// <summary>Declares the columns in table order.</summary>
    public CustomerMatchMap()
    {
        Map(m => m.CrmCustomerId);
        Map(m => m.CustomerKey);
        Map(m => m.MatchRule);
    }
}

/// <summary>
/// Identity resolution plugged into <see cref="CustomerMigration"/>: given the incoming CRM rows and the current
/// customers, says which known customer each row is (or that it is new). Must be deterministic.
/// </summary>
public delegate IReadOnlyList<CustomerMatch> CustomerMatcher(IReadOnlyList<IncomingCustomer> incoming, IReadOnlyList<CurrentCustomer> current);
