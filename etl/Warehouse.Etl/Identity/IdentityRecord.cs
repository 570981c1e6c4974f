namespace Warehouse.Etl.Identity;

/// <summary>
/// One source row to resolve to a customer. Identifiers must already be cleaned (Cleaning rules): e-mail
/// normalised, phone E.164. Any of them may be missing.
/// </summary>
/// <param name="SourceName">Source (file) name.</param>
/// <param name="SourceKey">Key of the row within the source (CRM id, social handle, visitor id, line number…).</param>
/// <param name="CrmCustomerId">CRM id when the source knows it.</param>
/// <param name="Email">Normalised e-mail.</param>
/// <param name="Phone">E.164 phone.</param>
/// <param name="FullName">Name as given.</param>
/// <param name="City">City as given.</param>
/// <param name="BirthDate">Date of birth (blocks a fuzzy match when both sides have different dates).</param>
/// <param name="EmailHash">SHA-256 hex of the normalised e-mail when only the hash is known (web trackers); rows with an
/// e-mail are hashed the same way, so a hash matches the plain address (rule <see cref="MatchRule.Email"/>).</param>
public sealed record IdentityRecord(
    string SourceName,
    string SourceKey,
    string? CrmCustomerId = null,
    string? Email = null,
    string? Phone = null,
    string? FullName = null,
    string? City = null,
    DateOnly? BirthDate = null,
    string? EmailHash = null);

/// <summary>A customer already in <c>Dimension.Customer</c> (current version), to match new rows against.</summary>
/// <param name="CustomerKey">Surrogate key.</param>
/// <param name="CrmCustomerId">CRM id.</param>
/// <param name="Email">Normalised e-mail.</param>
/// <param name="Phone">E.164 phone.</param>
/// <param name="FullName">Name.</param>
/// <param name="City">City.</param>
/// <param name="BirthDate">Date of birth.</param>
public sealed record KnownCustomer(
    int CustomerKey,
    string? CrmCustomerId = null,
    string? Email = null,
    string? Phone = null,
    string? FullName = null,
    string? City = null,
    DateOnly? BirthDate = null);

/// <summary>How a row was tied to its customer.</summary>
public enum MatchRule
{
    /// <summary>No link: the row is a new customer on its own.</summary>
    None,

    /// <summary>Same CRM id.</summary>
    CrmId,

    /// <summary>Same e-mail match key (sub-address and Gmail dots ignored).</summary>
    Email,

    /// <summary>Same E.164 phone.</summary>
    Phone,

    /// <summary>Name and city similarity above the threshold.</summary>
    FuzzyNameCity,
}

/// <summary>Resolution of one <see cref="IdentityRecord"/>.</summary>
/// <param name="Record">The input row.</param>
/// <param name="CustomerKey">Customer key: an existing one, or a new one from the first new key on.</param>
/// <param name="Rule">Strongest rule linking the row to another member of its customer (<see cref="MatchRule.None"/> for a lone new customer).</param>
/// <param name="Similarity">Similarity of the fuzzy link (1 for deterministic rules, 0 for none).</param>
/// <param name="IsNewCustomer">True when the key was not known before this run.</param>
public sealed record IdentityMatch(IdentityRecord Record, int CustomerKey, MatchRule Rule, double Similarity, bool IsNewCustomer)
{
    /// <summary>Rule as stored in <c>Dimension.Customer.MatchRule</c>: none, crm_id, email, phone, fuzzy_name_city.</summary>
    public string RuleText => Rule switch
    {
        MatchRule.CrmId => "crm_id",
        MatchRule.Email => "email",
        MatchRule.Phone => "phone",
        MatchRule.FuzzyNameCity => "fuzzy_name_city",
        _ => "none",
    };
}
