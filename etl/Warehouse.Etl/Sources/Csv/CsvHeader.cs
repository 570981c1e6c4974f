namespace Warehouse.Etl.Sources.Csv;

/// <summary>
/// Column positions from a CSV header line. Names match case-insensitively after trimming; extra columns are
/// allowed (and ignored by the typed readers), missing required columns and duplicate names make the file unreadable.
/// </summary>
public sealed class CsvHeader
{
    private readonly Dictionary<string, int> _index;

    private CsvHeader(IReadOnlyList<string> names, Dictionary<string, int> index)
    {
        Names = names;
        _index = index;
    }

    /// <summary>Column names in file order, as written (trimmed).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of columns.</summary>
    public int Count => Names.Count;

    /// <summary>Reads the first record of <paramref name="reader"/> as the header.</summary>
    /// <param name="reader">A reader positioned before the first record.</param>
    /// <param name="required">Columns that must be present.</param>
    /// <exception cref="SourceFormatException">Empty file, malformed header, duplicate or missing columns.</exception>
    public static CsvHeader Read(CsvReader reader, IEnumerable<string> required)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(required);
        if (!reader.Read())
            throw new SourceFormatException(reader.SourceName, 1, null, "the file is empty; expected a header line");
        if (reader.Error is { } error)
            throw new SourceFormatException(reader.SourceName, reader.LineNumber, null, "malformed header line: " + error.Reason);
        var names = new List<string>(reader.FieldCount);
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (!reader.TryGetString(i, out var name))
                throw new SourceFormatException(reader.SourceName, reader.LineNumber, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "header is not valid UTF-8 (the file is in another encoding; convert it to UTF-8)");
            name = name.Trim();
            names.Add(name);
            if (name.Length == 0)
                continue;
            if (!index.TryAdd(name, i))
                throw new SourceFormatException(reader.SourceName, reader.LineNumber, name, "column name appears twice in the header");
        }
        var missing = required.Where(r => !index.ContainsKey(r)).ToList();
        if (missing.Count > 0)
            throw SourceReader.MissingColumns(reader.SourceName, reader.LineNumber, names, missing, index.Values.ToHashSet());
        return new CsvHeader(names, index);
    }

    /// <summary>Position of column <paramref name="name"/>, or -1 when the file does not have it.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;
}
