namespace Warehouse.Etl.Transactions;

/// <summary>
/// The file is not a well-formed CSV file (for example an unterminated quoted field or a missing header column), so no
/// row of it can be trusted. The message names the file, line, column and reason.
/// </summary>
public sealed class CsvFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">File name as given by the user.</param>
    /// <param name="line">1-based physical line.</param>
    /// <param name="column">1-based character position in the line, or the header column number; 0 when not applicable.</param>
    /// <param name="reason">What is wrong.</param>
    public CsvFormatException(string sourceName, long line, int column, string reason)
        : base($"{sourceName}: line {line}, column {column}: {reason}")
    {
        SourceName = sourceName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>File name as given by the user.</summary>
    public string SourceName { get; }

    /// <summary>1-based physical line of the problem.</summary>
    public long Line { get; }

    /// <summary>1-based column (character position) of the problem; 0 when not applicable.</summary>
    public int Column { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
