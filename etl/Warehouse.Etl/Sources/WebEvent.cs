namespace Warehouse.Etl.Sources;

/// <summary>One web analytics event (JSON lines), cleaned.</summary>
/// <param name="VisitorId">Cookie / device visitor id (required, ≤ 100).</param>
/// <param name="CrmCustomerId">CRM id when the visitor was logged in.</param>
/// <param name="EmailHash">Lower-case hex SHA-256 of the normalised e-mail, when known.</param>
/// <param name="SessionId">Session id from the tracker (required, ≤ 83 characters, no '#': see <see cref="WebEventReader.MaximumSessionIdLength"/>).</param>
/// <param name="Timestamp">Event time, UTC.</param>
/// <param name="Page">Page path or URL as given, trimmed (≤ 400).</param>
/// <param name="EventType">One of <see cref="WebEventReader.EventTypes"/>.</param>
/// <param name="Product">Product code for product events (≤ 50).</param>
/// <param name="Referrer">Referrer as given, trimmed (≤ 400).</param>
/// <param name="Device">Device class, lower case (≤ 32), e.g. desktop, mobile, tablet.</param>
public sealed record WebEvent(
    string VisitorId,
    string? CrmCustomerId,
    string? EmailHash,
    string SessionId,
    DateTime Timestamp,
    string? Page,
    string EventType,
    string? Product,
    string? Referrer,
    string? Device);
