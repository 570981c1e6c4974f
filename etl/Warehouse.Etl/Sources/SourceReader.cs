using System.Text;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources.Csv;
using Warehouse.Etl.Sources.Json;

namespace Warehouse.Etl.Sources;

/// <summary>Maps one row's fields to a typed record, recording problems in the cleaner.</summary>
internal delegate T? RecordMapper<T>(FieldSource fields, RowCleaner cleaner, long lineNumber)
    where T : class;

/// <summary>Shared CSV and JSON plumbing of the typed readers: framing, field lookup, reject building.</summary>
internal static class SourceReader
{
    public static IEnumerable<SourceItem<T>> ReadCsv<T>(Stream stream, string sourceName, IReadOnlyList<FieldSpec> schema,
        CleaningOptions options, CsvOptions? csvOptions, RecordMapper<T> map)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        return Iterate();

        IEnumerable<SourceItem<T>> Iterate()
        {
            using var reader = new CsvReader(stream, sourceName, csvOptions);
            var header = CsvHeader.Read(reader, []);
            var positions = new int[schema.Count];
            var byFolded = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                var folded = FieldSpec.Fold(header.Names[i]);
                if (folded.Length > 0 && !byFolded.TryAdd(folded, i))
                    throw new SourceFormatException(sourceName, reader.LineNumber, header.Names[i], "column appears twice in the header (names compare without case, spaces and underscores)");
            }
            var missing = new List<string>();
            for (var f = 0; f < schema.Count; f++)
            {
                positions[f] = -1;
                foreach (var name in schema[f].FoldedNames)
                {
                    if (!byFolded.TryGetValue(name, out var p))
                        continue;
                    if (positions[f] < 0)
                    {
                        positions[f] = p;
                        continue;
                    }
                    // Two columns naming one field (e.g. crm_customer_id and its alias id): which one holds the value is a guess.
                    var (a, b) = (Math.Min(positions[f], p), Math.Max(positions[f], p));
                    throw new SourceFormatException(sourceName, reader.LineNumber, header.Names[b], string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"columns {a + 1} '{header.Names[a]}' and {b + 1} '{header.Names[b]}' both name the field {schema[f].Name} (names and aliases: {string.Join(", ", schema[f].Aliases.Prepend(schema[f].Name))}); keep one"));
                }
                if (positions[f] < 0 && schema[f].RequiredColumn)
                    missing.Add(schema[f].Name);
            }
            if (missing.Count > 0)
                throw MissingColumns(sourceName, reader.LineNumber, header.Names, missing, positions.ToHashSet());

            var fields = new CsvFieldSource(reader, positions);
            var cleaner = new RowCleaner(options.MissingPolicies);
            long ordinal = 0;
            while (reader.Read())
            {
                cleaner.Reset();
                ordinal++;
                if (reader.Error is { } error)
                {
                    var column = error.FieldIndex >= 0 && error.FieldIndex < header.Count ? header.Names[error.FieldIndex] : null;
                    yield return Reject<T>(sourceName, reader.LineNumber, ordinal, column, error.Reason, reader.GetRawRecord());
                    continue;
                }
                if (reader.FieldCount != header.Count)
                {
                    yield return Reject<T>(sourceName, reader.LineNumber, ordinal, null,
                        $"row has {reader.FieldCount} fields, the header has {header.Count}", reader.GetRawRecord());
                    continue;
                }
                var record = map(fields, cleaner, reader.LineNumber);
                if (cleaner.HasFailed || record is null)
                    yield return Reject<T>(sourceName, reader.LineNumber, ordinal, cleaner.FailedColumn, cleaner.FailedReason ?? "row rejected", reader.GetRawRecord());
                else
                    yield return SourceItem<T>.Accepted(reader.LineNumber, ordinal, record, null);
            }
        }
    }

    public static IEnumerable<SourceItem<T>> ReadJson<T>(Stream stream, string sourceName, IReadOnlyList<FieldSpec> schema,
        CleaningOptions options, int maxRecordBytes, RecordMapper<T> map)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        return Iterate();

        IEnumerable<SourceItem<T>> Iterate()
        {
            using var scanner = new JsonRecordScanner(stream, sourceName, maxRecordBytes);
            var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var f = 0; f < schema.Count; f++)
            {
                foreach (var name in schema[f].FoldedNames)
                    lookup.TryAdd(name, f);
            }
            var bag = new JsonFieldBag(schema.Count, lookup);
            var cleaner = new RowCleaner(options.MissingPolicies);
            // Elements of an array written on one line share their line: the ordinal tells them apart (staging and reject keys).
            long ordinal = 0;
            while (scanner.Next())
            {
                cleaner.Reset();
                ordinal++;
                var raw = scanner.RawText();
                if (scanner.Error is { } error)
                {
                    yield return Reject<T>(sourceName, scanner.LineNumber, ordinal, null, error, raw);
                    continue;
                }
                if (!bag.Load(scanner.Record.Span, out var column, out var reason))
                {
                    yield return Reject<T>(sourceName, scanner.LineNumber, ordinal, column, reason!, raw);
                    continue;
                }
                var record = map(bag, cleaner, scanner.LineNumber);
                if (cleaner.HasFailed || record is null)
                    yield return Reject<T>(sourceName, scanner.LineNumber, ordinal, cleaner.FailedColumn, cleaner.FailedReason ?? "row rejected", raw);
                else
                    yield return SourceItem<T>.Accepted(scanner.LineNumber, ordinal, record, raw);
            }
        }
    }

    /// <summary>The error for a header without required columns: names the first one and points at the likely misspelling.</summary>
    internal static SourceFormatException MissingColumns(string sourceName, long line, IReadOnlyList<string> header, IReadOnlyList<string> missing,
        IReadOnlySet<int> claimed)
    {
        var (_, found) = HeaderMismatch.Locate(header, claimed);
        return new SourceFormatException(sourceName, line, missing[0],
            $"header lacks required column(s) {string.Join(", ", missing)}; {found}; the header has: {HeaderMismatch.List(header)}");
    }

    private static SourceItem<T> Reject<T>(string source, long line, long ordinal, string? column, string reason, string raw)
        where T : class => SourceItem<T>.Rejected(new SourceReject(source, line, column, reason, raw) { RecordNumber = ordinal });

    private sealed class CsvFieldSource(CsvReader reader, int[] positions) : FieldSource
    {
        public override string? Get(int index, out string? error)
        {
            error = null;
            var p = positions[index];
            if (p < 0)
                return null;
            if (!reader.TryGetString(p, out var s))
            {
                error = "not valid UTF-8 (is the file in another encoding? convert it to UTF-8)";
                return null;
            }
            return s;
        }
    }

    internal static string Utf8Lossy(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Length > SourceReject.MaxRawRecordChars * 2 ? bytes[..(SourceReject.MaxRawRecordChars * 2)] : bytes);
        return text.Length <= SourceReject.MaxRawRecordChars ? text : text[..SourceReject.MaxRawRecordChars];
    }
}
