namespace Warehouse.Data.Loading;

/// <summary>A source row that could not be loaded, with the reason: a row of one of the <c>Integration.Rejected…</c> tables.</summary>
public sealed class RejectedRow
{
    /// <summary>The load.</summary>
    public int LineageKey { get; set; }

    /// <summary>File name of the source.</summary>
    public string SourceName { get; set; } = string.Empty;

    /// <summary>Physical line (or record number) in the source.</summary>
    public long SourceLineNumber { get; set; }

    /// <summary>1-based ordinal of the record in the source (the row's key with the lineage: several records can share a line).</summary>
    public long SourceRecordNumber { get; set; }

    /// <summary>Source column at fault, or null when the whole row is at fault.</summary>
    public string? ColumnName { get; set; }

    /// <summary>Why the row was rejected.</summary>
    public string Reason { get; set; } = string.Empty;

    /// <summary>The record exactly as read.</summary>
    public string? RawRecord { get; set; }
}

