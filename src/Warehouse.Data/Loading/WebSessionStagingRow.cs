using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Loading;

/// <summary>One web session (sessionised events) on its way into <c>Integration.WebSession_Staging</c>.</summary>
public sealed class WebSessionStagingRow
{
    /// <summary>File name of the source.</summary>
    public string SourceName { get; set; } = string.Empty;

    /// <summary>Line of the session's first event.</summary>
    public long SourceLineNumber { get; set; }

    /// <summary>1-based ordinal of the record in the source (the row's key with the lineage: several records can share a line).</summary>
    public long SourceRecordNumber { get; set; }

    /// <summary>Session id (tracker id, or tracker id + start when split by inactivity).</summary>
    public string SessionId { get; set; } = string.Empty;

    /// <summary>Visitor id.</summary>
    public string WebVisitorId { get; set; } = string.Empty;

    /// <summary>CRM id of a logged-in visitor.</summary>
    public string? CrmCustomerId { get; set; }

    /// <summary>SHA-256 of the normalised e-mail.</summary>
    public string? EmailHash { get; set; }

    /// <summary>Start (UTC).</summary>
    public DateTime StartTime { get; set; }

    /// <summary>End (UTC).</summary>
    public DateTime EndTime { get; set; }

    /// <summary>Page views.</summary>
    public int PageViews { get; set; }

    /// <summary>Product views.</summary>
    public int ProductViews { get; set; }

    /// <summary>Add-to-carts.</summary>
    public int AddToCarts { get; set; }

    /// <summary>Purchases.</summary>
    public int Conversions { get; set; }

    /// <summary>Device.</summary>
    public string? Device { get; set; }

    /// <summary>Referrer.</summary>
    public string? Referrer { get; set; }

    /// <summary>Source events the session was built from (the unit of the lineage counts on both engines).</summary>
    public int EventCount { get; set; }

    /// <summary>The load.</summary>
    public int LineageKey { get; set; }
}

/// <summary>Appender map of <see cref="WebSessionStagingRow"/>.</summary>
public sealed class WebSessionStagingRowMap : StagingMap<WebSessionStagingRow>
{
    /// <summary>Declares the columns in table order.</summary>
    public WebSessionStagingRowMap()
    {
        Map(r => r.SourceName);
        Map(r => r.SourceLineNumber);
        Map(r => r.SourceRecordNumber);
        Map(r => r.SessionId);
        Map(r => r.WebVisitorId);
        Map(r => r.CrmCustomerId);
        Map(r => r.EmailHash);
        Map(r => r.StartTime);
        Map(r => r.EndTime);
        Map(r => r.PageViews);
        Map(r => r.ProductViews);
        Map(r => r.AddToCarts);
        Map(r => r.Conversions);
        Map(r => r.Device);
        Map(r => r.Referrer);
        Map(r => r.EventCount);
        Map(r => r.LineageKey);
    }
}

/// <summary>One analysed social comment on its way into <c>Integration.SocialInteraction_Staging</c>.</summary>
public sealed class SocialStagingRow
{
    /// <summary>File name of the source.</summary>
    public string SourceName { get; set; } = string.Empty;

    /// <summary>Line of the comment.</summary>
    public long SourceLineNumber { get; set; }

    /// <summary>1-based ordinal of the record in the source (the row's key with the lineage: several records can share a line).</summary>
    public long SourceRecordNumber { get; set; }

    /// <summary>Platform.</summary>
    public string Platform { get; set; } = string.Empty;

    /// <summary>Comment id.</summary>
    public string CommentId { get; set; } = string.Empty;

    /// <summary>Author handle.</summary>
    public string SocialHandle { get; set; } = string.Empty;

    /// <summary>Normalised e-mail, if given.</summary>
    public string? Email { get; set; }

    /// <summary>Parent comment.</summary>
    public string? ReplyToCommentId { get; set; }

    /// <summary>Time (UTC).</summary>
    public DateTime CommentTime { get; set; }

    /// <summary>Text exactly as given.</summary>
    public string CommentText { get; set; } = string.Empty;

    /// <summary>Likes.</summary>
    public int Likes { get; set; }

    /// <summary>Sentiment score (−1 to 1).</summary>
    public double SentimentScore { get; set; }

    /// <summary>positive, neutral, negative.</summary>
    public string SentimentLabel { get; set; } = string.Empty;

    /// <summary>Keywords, comma-separated.</summary>
    public string? Keywords { get; set; }

    /// <summary>The load.</summary>
    public int LineageKey { get; set; }
}

/// <summary>Appender map of <see cref="SocialStagingRow"/>.</summary>
public sealed class SocialStagingRowMap : StagingMap<SocialStagingRow>
{
    /// <summary>Declares the columns in table order.</summary>
    public SocialStagingRowMap()
    {
        Map(r => r.SourceName);
        Map(r => r.SourceLineNumber);
        Map(r => r.SourceRecordNumber);
        Map(r => r.Platform);
        Map(r => r.CommentId);
        Map(r => r.SocialHandle);
        Map(r => r.Email);
        Map(r => r.ReplyToCommentId);
        Map(r => r.CommentTime);
        Map(r => r.CommentText);
        Map(r => r.Likes);
        Map(r => r.SentimentScore);
        Map(r => r.SentimentLabel);
        Map(r => r.Keywords);
        Map(r => r.LineageKey);
    }
}
