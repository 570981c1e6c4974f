namespace Warehouse.Etl.Sources;

/// <summary>
/// Thrown when a source file cannot be read at all (no header, wrong encoding, broken structure that makes the
/// remaining rows unreadable). Bad individual rows never throw; they become <see cref="SourceReject"/>s.
/// </summary>
public sealed class SourceFormatException : Exception
{
    /// <summary>Creates the exception; the message names file, line, column and reason.</summary>
    /// <param name="sourceName">File name as given to the reader.</param>
    /// <param name="lineNumber">1-based line where the problem was found.</param>
    /// <param name="column">1-based byte column within the line, or a column name; <see langword="null"/> when not applicable.</param>
    /// <param name="reason">What is wrong.</param>
    public SourceFormatException(string sourceName, long lineNumber, string? column, string reason)
        : base(column is null
            ? $"{sourceName}, line {lineNumber}: {reason}"
            : $"{sourceName}, line {lineNumber}, column {column}: {reason}")
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
        Column = column;
        Reason = reason;
    }

    /// <summary>File name as given to the reader.</summary>
    public string SourceName { get; }

    /// <summary>1-based line where the problem was found.</summary>
    public long LineNumber { get; }

    /// <summary>1-based byte column (as text) or column name; <see langword="null"/> when not applicable.</summary>
    public string? Column { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
