using DuckDB.NET.Data.Mapping;

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

    /// <summary>Source column at fault, or null when the whole row is at fault.</summary>
    public string? ColumnName { get; set; }

    /// <summary>Why the row was rejected.</summary>
    public string Reason { get; set; } = string.Empty;

    /// <summary>The record exactly as read.</summary>
    public string? RawRecord { get; set; }
}

/// <summary>Appender map of <see cref="RejectedRow"/>: the column order shared by the reject tables.</summary>
public sealed class RejectedRowMap : DuckDBAppenderMap<RejectedRow>
{
    /// <summary>Declares the columns in table order.</summary>
    public RejectedRowMap()
    {
        Map(r => r.LineageKey);
        Map(r => r.SourceName);
        Map(r => r.SourceLineNumber);
        Map(r => r.ColumnName);
        Map(r => r.Reason);
        Map(r => r.RawRecord);
    }
}
