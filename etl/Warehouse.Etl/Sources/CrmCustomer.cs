namespace Warehouse.Etl.Sources;

/// <summary>A customer from the CRM export (CSV or JSON), cleaned; maps onto <c>Integration.Customer_Staging</c>.</summary>
/// <param name="CrmCustomerId">CRM id, trimmed (required, ≤ 50 characters).</param>
/// <param name="FullName">Name as given, trimmed (≤ 200).</param>
/// <param name="Email">Normalised e-mail (lower case, IDN as punycode).</param>
/// <param name="Phone">E.164 phone.</param>
/// <param name="BirthDate">Date of birth (1900-01-01 to today).</param>
/// <param name="Gender"><c>female</c>, <c>male</c>, <c>other</c> or <c>unknown</c>.</param>
/// <param name="City">City as given, trimmed (≤ 100).</param>
/// <param name="Country">Country as given, trimmed (≤ 100).</param>
/// <param name="SignupDate">Registration date.</param>
/// <param name="ConsentMarketing">Marketing consent; null when the source does not say (treat as no consent).</param>
/// <param name="ConsentProfiling">Profiling consent; null when the source does not say (treat as no consent).</param>
/// <param name="SourceUpdatedAt">Last update time in the CRM, UTC; drives the incremental cutoff.</param>
public sealed record CrmCustomer(
    string CrmCustomerId,
    string? FullName,
    string? Email,
    string? Phone,
    DateOnly? BirthDate,
    string? Gender,
    string? City,
    string? Country,
    DateOnly? SignupDate,
    bool? ConsentMarketing,
    bool? ConsentProfiling,
    DateTime? SourceUpdatedAt);
