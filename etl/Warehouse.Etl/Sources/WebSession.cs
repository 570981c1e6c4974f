namespace Warehouse.Etl.Sources;

/// <summary>A web session built from events by <see cref="WebSessionizer"/>; maps onto <c>Integration.WebSession_Staging</c> / <c>Fact.WebSession</c>.</summary>
/// <param name="SessionId">Tracker session id; a tracker session split by inactivity gets <c>#</c> and the UTC start time (yyyyMMddTHHmmssZ) appended from its second part on.</param>
/// <param name="WebVisitorId">Visitor id.</param>
/// <param name="CrmCustomerId">First customer id seen in the session, if any.</param>
/// <param name="EmailHash">First e-mail hash seen in the session, if any.</param>
/// <param name="StartTime">First event time, UTC.</param>
/// <param name="EndTime">Last event time, UTC.</param>
/// <param name="DurationSeconds">Whole seconds from first to last event (0 for a single-event session).</param>
/// <param name="PageViews">Events of type page_view or product_view.</param>
/// <param name="ProductViews">Events of type product_view.</param>
/// <param name="AddToCarts">Events of type add_to_cart.</param>
/// <param name="Conversions">Events of type purchase.</param>
/// <param name="Device">Device of the first event.</param>
/// <param name="Referrer">Referrer of the first event (the landing referrer).</param>
/// <param name="EventCount">Events in the session (for read = loaded + rejected accounting).</param>
/// <param name="FirstLineNumber">Source line of the session's first event.</param>
/// <param name="FirstRecordNumber">Record number (<see cref="SourceItem{T}.RecordNumber"/>) of the session's first event: the
/// session's key in staging (two sessions can start on one line of a JSON array written on one line).</param>
public sealed record WebSession(
    string SessionId,
    string WebVisitorId,
    string? CrmCustomerId,
    string? EmailHash,
    DateTime StartTime,
    DateTime EndTime,
    int DurationSeconds,
    int PageViews,
    int ProductViews,
    int AddToCarts,
    int Conversions,
    string? Device,
    string? Referrer,
    int EventCount,
    long FirstLineNumber,
    long FirstRecordNumber);
