namespace Warehouse.Etl.Sources;

/// <summary>Demographics / survey answers of one customer (CSV), cleaned; joined to customers by <see cref="CrmCustomerId"/>.</summary>
/// <param name="CrmCustomerId">CRM id of the respondent (required).</param>
/// <param name="SurveyDate">Date the answers were given.</param>
/// <param name="HouseholdSize">People in the household, 1–20.</param>
/// <param name="Children">Children in the household, 0–15.</param>
/// <param name="IncomeBand">Income band label as given (e.g. "30-50k").</param>
/// <param name="Education">Education level as given.</param>
/// <param name="Occupation">Occupation as given.</param>
/// <param name="MaritalStatus">Marital status as given.</param>
/// <param name="Satisfaction">Satisfaction score 1 (low) – 5 (high).</param>
public sealed record SurveyResponse(
    string CrmCustomerId,
    DateOnly? SurveyDate,
    int? HouseholdSize,
    int? Children,
    string? IncomeBand,
    string? Education,
    string? Occupation,
    string? MaritalStatus,
    int? Satisfaction);
