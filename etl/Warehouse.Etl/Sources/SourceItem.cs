namespace Warehouse.Etl.Sources;

/// <summary>
/// One row read from a source: either a typed <see cref="Record"/> or a <see cref="Reject"/>, never both.
/// Readers yield one item per source row, so rows read = records + rejects.
/// </summary>
/// <typeparam name="T">Typed record.</typeparam>
public readonly record struct SourceItem<T>
    where T : class
{
    private SourceItem(long lineNumber, T? record, SourceReject? reject)
    {
        LineNumber = lineNumber;
        Record = record;
        Reject = reject;
    }

    /// <summary>Physical line (1-based) where the row starts.</summary>
    public long LineNumber { get; }

    /// <summary>The typed record, or <see langword="null"/> when the row was rejected.</summary>
    public T? Record { get; }

    /// <summary>Why the row was rejected, or <see langword="null"/> when it was accepted.</summary>
    public SourceReject? Reject { get; }

    /// <summary>True when the row was rejected.</summary>
    public bool IsRejected => Reject is not null;

    /// <summary>An accepted row.</summary>
    public static SourceItem<T> Accepted(long lineNumber, T record) =>
        new(lineNumber, record ?? throw new ArgumentNullException(nameof(record)), null);

    /// <summary>A rejected row.</summary>
    public static SourceItem<T> Rejected(SourceReject reject) =>
        new((reject ?? throw new ArgumentNullException(nameof(reject))).LineNumber, null, reject);
}
