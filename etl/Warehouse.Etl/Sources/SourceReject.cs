namespace Warehouse.Etl.Sources;

/// <summary>
/// A source row that could not be turned into a typed record: where it is and why. Maps one to one onto the
/// <c>Integration.Rejected…</c> tables (<c>SourceName</c>, <c>SourceLineNumber</c>, <c>SourceRecordNumber</c>, <c>ColumnName</c>, <c>Reason</c>, <c>RawRecord</c>).
/// </summary>
/// <param name="SourceName">File (or stream) name the row came from, as given to the reader.</param>
/// <param name="LineNumber">Physical line (1-based, as an editor shows it) where the record starts; for a JSON array the line of the element's opening brace.</param>
/// <param name="ColumnName">Column or JSON property at fault; <see langword="null"/> when the whole row is at fault.</param>
/// <param name="Reason">Human-readable reason, e.g. "not a valid e-mail address".</param>
/// <param name="RawRecord">The row's text (invalid UTF-8 replaced by U+FFFD), cut to <see cref="MaxRawRecordChars"/> characters.</param>
public sealed record SourceReject(string SourceName, long LineNumber, string? ColumnName, string Reason, string? RawRecord)
{
    /// <summary>Longest raw record kept with a reject (the rest is cut off, so huge rows cannot blow up the reject table).</summary>
    public const int MaxRawRecordChars = 4000;

    /// <summary>
    /// 1-based ordinal of the record in the source (<see cref="SourceItem{T}.RecordNumber"/>): distinct per record, also when
    /// several records start on one line (a JSON array written on one line). Defaults to <see cref="LineNumber"/> (one record
    /// per line); the readers set it.
    /// </summary>
    public long RecordNumber
    {
        get => _recordNumber ?? LineNumber;
        init => _recordNumber = value;
    }

    private readonly long? _recordNumber;

    /// <inheritdoc/>
    public override string ToString() =>
        ColumnName is null ? $"{SourceName}, line {LineNumber}: {Reason}" : $"{SourceName}, line {LineNumber}, column {ColumnName}: {Reason}";
}
