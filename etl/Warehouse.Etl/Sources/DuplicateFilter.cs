using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Sources;

/// <summary>Turns repeated source rows into rejects ("duplicate of line N"), streaming.</summary>
public static class DuplicateFilter
{
    /// <summary>
    /// Passes items through; a record whose key fields equal an earlier record's becomes a reject naming the first
    /// line. Rejects pass unchanged. Memory: one 128-bit key per distinct record (about 50 bytes), not the rows.
    /// </summary>
    /// <param name="items">Reader output.</param>
    /// <param name="sourceName">Source name for the rejects.</param>
    /// <param name="key">The normalised fields that make two rows "the same" (e.g. all fields for exact duplicates,
    /// or CRM id + updated_at for repeated exports of one version).</param>
    /// <param name="column">Column named in the reject, or null for the whole row.</param>
    public static IEnumerable<SourceItem<T>> RejectDuplicates<T>(this IEnumerable<SourceItem<T>> items, string sourceName, Func<T, string?[]> key, string? column = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        return Iterate();

        IEnumerable<SourceItem<T>> Iterate()
        {
            var detector = new DuplicateDetector();
            foreach (var item in items)
            {
                if (item.Record is { } record)
                {
                    var check = detector.Check(item.LineNumber, key(record));
                    if (check.IsInvalid)
                    {
                        var raw = record.ToString();
                        if (raw is { Length: > SourceReject.MaxRawRecordChars })
                            raw = raw[..SourceReject.MaxRawRecordChars];
                        yield return SourceItem<T>.Rejected(new SourceReject(sourceName, item.LineNumber, column, check.Reason!, raw));
                        continue;
                    }
                }
                yield return item;
            }
        }
    }
}
