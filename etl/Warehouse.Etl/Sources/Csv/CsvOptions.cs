namespace Warehouse.Etl.Sources.Csv;

/// <summary>Dialect and safety limits of <see cref="CsvReader"/>.</summary>
public sealed class CsvOptions
{
    /// <summary>Default options: comma, double quote, 1 MiB per record, blank lines skipped.</summary>
    public static CsvOptions Default { get; } = new();

    /// <summary>Field delimiter (an ASCII byte). Default <c>,</c>; use <c>;</c> for many European exports or <c>\t</c> for TSV.</summary>
    public byte Delimiter { get; init; } = (byte)',';

    /// <summary>Quote character (an ASCII byte). Default <c>"</c>; a quote inside a quoted field is written twice (RFC 4180).</summary>
    public byte Quote { get; init; } = (byte)'"';

    /// <summary>
    /// Longest record kept, in bytes of field data. A longer record is still read to its end (memory stays bounded)
    /// and reported through <see cref="CsvReader.Error"/>, so the caller rejects it instead of loading a truncated row.
    /// </summary>
    public int MaxRecordBytes { get; init; } = 1 << 20;

    /// <summary>Most fields kept per record; more is reported like an over-long record.</summary>
    public int MaxFields { get; init; } = 4096;

    /// <summary>Skip lines that hold nothing at all (they still count for line numbers). Default true.</summary>
    public bool SkipBlankLines { get; init; } = true;

    /// <summary>Size of the read buffer in bytes. Default 64 KiB.</summary>
    public int BufferSize { get; init; } = 1 << 16;
}
