using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Warehouse.Data.Loading;

namespace Warehouse.Data.SqlServer;

/// <summary>
/// The rejected rows of one SQL Server load, spilled to a temporary file as they come and read back once, in order,
/// into the bulk copy of <c>Integration.Reject_Staging</c>: a load can hold one SqlBulkCopy at a time per connection,
/// and the staged rows stream while the rejects arrive, so the rejects wait, on disk rather than in memory (Online
/// Retail: 140k rejects with their raw records). Memory: one write buffer, one read buffer, one row.
/// </summary>
/// <remarks>
/// <para>Format, per row: the line number and the record number (7-bit encoded), then the column, reason and raw record, each a header
/// (7-bit encoded: 0 = null, else 1 + (byte count × 2 + encoding)) and its bytes, UTF-8 (encoding 0), or UTF-16 in the
/// machine's byte order (encoding 1) for text that UTF-8 cannot hold exactly (an unpaired surrogate), so every string
/// comes back as given. The file is private to the process that wrote it; lineage key and source name are the load's and
/// are not stored per row.</para>
/// <para>The file is opened with <see cref="FileOptions.DeleteOnClose"/>; elsewhere than on Windows its name is unlinked at
/// once (the open handle keeps the data), so a process that dies leaves no file with raw records behind. Dispose closes
/// it: the space is freed.</para>
/// </remarks>
internal sealed class RejectSpool : IDisposable
{
    private const int BufferSize = 1 << 16;

    private readonly FileStream _file;
    private readonly BinaryWriter _writer;
    private byte[] _bytes = new byte[256];
    private long _end;
    private bool _reading;

    /// <summary>Creates an empty spool file in <paramref name="directory"/> (default: the user's temporary directory).</summary>
    /// <param name="directory">Where the file goes; it must exist.</param>
    public RejectSpool(string? directory = null)
    {
        Path = System.IO.Path.Combine(directory ?? System.IO.Path.GetTempPath(), $"warehouse-rejects-{Guid.NewGuid():N}.spool");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize,
            FileOptions.DeleteOnClose | FileOptions.SequentialScan);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(Path);
        }

        _writer = new BinaryWriter(_file, Encoding.UTF8, leaveOpen: true);
    }

    /// <summary>The file's name (on Windows the file exists until <see cref="Dispose"/>; elsewhere it is unlinked at once).</summary>
    public string Path { get; }

    /// <summary>Rows spooled.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes spooled.</summary>
    public long Length => _end;

    /// <summary>Appends a rejected row of a source with one record per line start (its record number is its line).</summary>
    /// <param name="sourceLineNumber">Line in the source.</param>
    /// <param name="columnName">Column at fault, or null.</param>
    /// <param name="reason">Why.</param>
    /// <param name="rawRecord">The record as read, or null.</param>
    /// <exception cref="InvalidOperationException">The spool is being read.</exception>
    public void Add(long sourceLineNumber, string? columnName, string reason, string? rawRecord) =>
        Add(sourceLineNumber, sourceLineNumber, columnName, reason, rawRecord);

    /// <summary>Appends a rejected row.</summary>
    /// <param name="sourceLineNumber">Line in the source where the record starts.</param>
    /// <param name="sourceRecordNumber">1-based ordinal of the record in the source.</param>
    /// <param name="columnName">Column at fault, or null.</param>
    /// <param name="reason">Why.</param>
    /// <param name="rawRecord">The record as read, or null.</param>
    /// <exception cref="InvalidOperationException">The spool is being read.</exception>
    public void Add(long sourceLineNumber, long sourceRecordNumber, string? columnName, string reason, string? rawRecord)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ObjectDisposedException.ThrowIf(!_file.CanWrite, this);
        if (_reading)
        {
            throw new InvalidOperationException("Rows cannot be added to a reject spool while it is read.");
        }

        if (_file.Position != _end)
        {
            _file.Position = _end;
        }

        _writer.Write7BitEncodedInt64(sourceLineNumber);
        _writer.Write7BitEncodedInt64(sourceRecordNumber);
        WriteText(columnName);
        WriteText(reason);
        WriteText(rawRecord);
        _end = _file.Position;
        Count++;
    }

    /// <summary>
    /// The spooled rows in the order they were added, as <see cref="RejectedRow"/>s of the load; one instance is reused for
    /// every row (consume each before the next, as ObjectDataReader does).
    /// </summary>
    /// <param name="lineageKey">The load's lineage key.</param>
    /// <param name="sourceName">The load's source name.</param>
    public IEnumerable<RejectedRow> Read(int lineageKey, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ObjectDisposedException.ThrowIf(!_file.CanRead, this);
        return Iterate();

        IEnumerable<RejectedRow> Iterate()
        {
            _reading = true;
            try
            {
                _file.Position = 0;
                using var reader = new BinaryReader(_file, Encoding.UTF8, leaveOpen: true);
                var row = new RejectedRow { LineageKey = lineageKey, SourceName = sourceName };
                for (long i = 0; i < Count; i++)
                {
                    row.SourceLineNumber = reader.Read7BitEncodedInt64();
                    row.SourceRecordNumber = reader.Read7BitEncodedInt64();
                    row.ColumnName = ReadText(reader);
                    row.Reason = ReadText(reader) ?? throw new InvalidDataException($"The reject spool {Path} has no reason at row {i + 1}.");
                    row.RawRecord = ReadText(reader);
                    yield return row;
                }
            }
            finally
            {
                _reading = false;
            }
        }
    }

    /// <summary>Closes the file, which deletes it.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }

    private void WriteText(string? text)
    {
        if (text is null)
        {
            _writer.Write7BitEncodedInt64(0);
            return;
        }

        var utf8Max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_bytes.Length < utf8Max)
        {
            _bytes = new byte[Math.Max(utf8Max, _bytes.Length * 2)];
        }

        if (Utf8.FromUtf16(text, _bytes, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            _writer.Write7BitEncodedInt64(1 + ((long)written << 1));
            _writer.Write(_bytes, 0, written);
            return;
        }

        var utf16 = MemoryMarshal.AsBytes(text.AsSpan());
        _writer.Write7BitEncodedInt64(1 + (((long)utf16.Length << 1) | 1));
        _writer.Write(utf16);
    }

    private string? ReadText(BinaryReader reader)
    {
        var header = reader.Read7BitEncodedInt64();
        if (header == 0)
        {
            return null;
        }

        var length = checked((int)((header - 1) >> 1));
        if (_bytes.Length < length)
        {
            _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
        }

        reader.BaseStream.ReadExactly(_bytes, 0, length);
        return ((header - 1) & 1) == 0
            ? Encoding.UTF8.GetString(_bytes, 0, length)
            : new string(MemoryMarshal.Cast<byte, char>(_bytes.AsSpan(0, length)));
    }
}
