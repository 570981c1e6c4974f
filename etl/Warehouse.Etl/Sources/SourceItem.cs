namespace Warehouse.Etl.Sources;

/// <summary>
/// One row read from a source: either a typed <see cref="Record"/> or a <see cref="Reject"/>, never both.
/// Readers yield one item per source row, so rows read = records + rejects.
/// </summary>
/// <typeparam name="T">Typed record.</typeparam>
public readonly record struct SourceItem<T>
    where T : class
{
    private SourceItem(long lineNumber, long recordNumber, T? record, SourceReject? reject, string? rawRecord = null)
    {
        LineNumber = lineNumber;
        RecordNumber = recordNumber;
        Record = record;
        Reject = reject;
        RawRecord = rawRecord;
    }

    /// <summary>Physical line (1-based) where the row starts.</summary>
    public long LineNumber { get; }

    /// <summary>
    /// 1-based ordinal of the row among the rows the reader yielded (accepted and rejected alike): unlike
    /// <see cref="LineNumber"/> it is distinct per row, also when several records start on one line (a JSON array written on
    /// one line), so the staging and reject tables key rows by it.
    /// </summary>
    public long RecordNumber { get; }

    /// <summary>The typed record, or <see langword="null"/> when the row was rejected.</summary>
    public T? Record { get; }

    /// <summary>Why the row was rejected, or <see langword="null"/> when it was accepted.</summary>
    public SourceReject? Reject { get; }

    /// <summary>
    /// The accepted row's text as read (invalid UTF-8 replaced by U+FFFD, cut to <see cref="SourceReject.MaxRawRecordChars"/>),
    /// kept where the reader has it anyway (JSON records) so that a later step rejecting the record (the web sessionizer: out
    /// of time order, repeated) stores the record exactly as read; null otherwise. A rejected row's is in <see cref="Reject"/>.
    /// </summary>
    public string? RawRecord { get; }

    /// <summary>True when the row was rejected.</summary>
    public bool IsRejected => Reject is not null;

    /// <summary>An accepted row of a source with one record per line (items built in code): its record number is its line.</summary>
    public static SourceItem<T> Accepted(long lineNumber, T record) => Accepted(lineNumber, lineNumber, record, null);

    /// <summary>An accepted row with its record number and its text as read (see <see cref="RawRecord"/>).</summary>
    public static SourceItem<T> Accepted(long lineNumber, long recordNumber, T record, string? rawRecord) =>
        new(lineNumber, recordNumber, record ?? throw new ArgumentNullException(nameof(record)), null, rawRecord);

    /// <summary>A rejected row (line and record number are the reject's).</summary>
    public static SourceItem<T> Rejected(SourceReject reject) =>
        new((reject ?? throw new ArgumentNullException(nameof(reject))).LineNumber, reject.RecordNumber, null, reject);
}
