using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// Streaming RFC 4180 reader: one record at a time from a growing-as-needed character buffer, so memory stays flat
/// whatever the file size. Fields may be quoted (<c>"a,b"</c>, doubled quotes inside), quoted fields may span lines,
/// records end with LF or CRLF. Blank lines are skipped. Malformed text (an unterminated quoted field, a quote inside
/// an unquoted field, text after a closing quote, bytes that are not valid UTF-8) throws <see cref="CsvFormatException"/>
/// naming the file, line and column: such a file cannot be split into records reliably, so nothing of it is loaded.
/// A record with the wrong number of fields is not a format error; the caller rejects that row. Neither is a record longer
/// than the limit (1 Mi characters by default, as the other sources' 1 MiB): it is scanned to its end without being held
/// in memory (<see cref="RecordTooLong"/>, only its first <see cref="SourceReject.MaxRawRecordChars"/> characters are kept).
/// </summary>
/// <remarks>
/// Fields are exposed as spans into the buffer (no allocation) and, on demand, as strings. <see cref="LineNumber"/> is
/// the physical line where the record starts (the header is line 1), which is what an editor shows.
/// </remarks>
public sealed class CsvRecordReader : IDisposable
{
    /// <summary>Default longest record in characters (1 Mi, the 1 MiB of the other sources' readers for ASCII text).</summary>
    public const int DefaultMaxRecordChars = 1 << 20;

    private const int InitialBufferSize = 1 << 16;

    private readonly Stream _stream;
    private readonly string _sourceName;
    private readonly char _delimiter;
    private readonly int _maxRecordChars;

    // What ends an unquoted field (or makes it malformed): the delimiter, CR, LF, a quote. Searched vectorised, so a field's
    // ordinary characters are skipped 8-32 at a time instead of compared one by one.
    private readonly SearchValues<char> _unquotedStops;

    // What matters inside a quoted field: the quote (closing or doubled) and LF (line counting).
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\n");

    // UTF-8 bytes not yet decoded: [_byteStart, _byteEnd). Decoding is ours (not a StreamReader's) so that an invalid byte
    // is reported where the parser reaches it, with its true line and column, not where a read-ahead block began.
    private readonly byte[] _bytes = new byte[1 << 16];
    private int _byteStart;
    private int _byteEnd;
    private bool _bytesEnded;
    private bool _started;
    private bool _invalidPending;
    private byte _invalidByte;

    private bool _tooLong;
    private string? _tooLongPrefix;
    private char[] _buffer = new char[InitialBufferSize];
    private int _length;
    private int _position;
    private bool _endOfInput;
    private long _line = 1;
    private int _lineStart;

    private Field[] _fields = new Field[16];
    private int _fieldCount;
    private int _recordStart;
    private int _recordEnd;

    /// <summary>Opens a reader over <paramref name="stream"/>, decoding strict UTF-8 (a BOM is skipped).</summary>
    /// <param name="stream">The file content.</param>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <param name="delimiter">Field delimiter, a comma by default.</param>
    /// <param name="maxRecordChars">Longest record in characters; a longer one is skipped and flagged <see cref="RecordTooLong"/>.</param>
    public CsvRecordReader(Stream stream, string sourceName, char delimiter = ',', int maxRecordChars = DefaultMaxRecordChars)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentOutOfRangeException(nameof(delimiter), delimiter, "must not be a quote or a line break");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordChars, 1);
        _stream = stream;
        _sourceName = sourceName;
        _delimiter = delimiter;
        _maxRecordChars = maxRecordChars;
        _unquotedStops = SearchValues.Create([delimiter, '\r', '\n', '"']);
    }

    /// <summary>Longest record in characters; a longer one is <see cref="RecordTooLong"/>.</summary>
    public int MaxRecordChars => _maxRecordChars;

    /// <summary>
    /// The current record is longer than <see cref="MaxRecordChars"/>: it was read to its end (quotes respected, so the
    /// next record starts where it should) but not kept; its fields are not available and <see cref="RawRecord"/> is its
    /// first <see cref="SourceReject.MaxRawRecordChars"/> characters.
    /// </summary>
    public bool RecordTooLong => _tooLong;

    /// <summary>Physical line (1-based) where the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Number of fields of the current record.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>The current record exactly as written in the file, without its line terminator (the kept start of a record that is <see cref="RecordTooLong"/>).</summary>
    public string RawRecord => _tooLong ? _tooLongPrefix! : new(_buffer, _recordStart, _recordEnd - _recordStart);

    /// <summary>The first <paramref name="maxChars"/> characters of <see cref="RawRecord"/> (for reject rows).</summary>
    public string GetRawRecord(int maxChars)
    {
        var raw = _tooLong ? _tooLongPrefix!.AsSpan() : _buffer.AsSpan(_recordStart, _recordEnd - _recordStart);
        return raw.Length <= maxChars ? raw.ToString() : raw[..maxChars].ToString();
    }

    /// <summary>Field <paramref name="index"/> of the current record as a span (quotes removed; doubled quotes are
    /// still doubled when <see cref="NeedsUnescape"/> is true).</summary>
    public ReadOnlySpan<char> GetSpan(int index)
    {
        var f = _fields[index];
        return _buffer.AsSpan(_recordStart + f.Start, f.Length);
    }

    /// <summary>Whether field <paramref name="index"/> holds doubled quotes that <see cref="GetString"/> unescapes.</summary>
    public bool NeedsUnescape(int index) => _fields[index].HasEscapedQuotes;

    /// <summary>Field <paramref name="index"/> of the current record as a string, exactly as given (no trimming).</summary>
    public string GetString(int index)
    {
        var span = GetSpan(index);
        return _fields[index].HasEscapedQuotes ? span.ToString().Replace("\"\"", "\"", StringComparison.Ordinal) : new string(span);
    }

    /// <summary>Whether field <paramref name="index"/> was quoted in the file.</summary>
    public bool IsQuoted(int index) => _fields[index].Quoted;

    /// <summary>Advances to the next record.</summary>
    /// <returns>false at the end of the file.</returns>
    /// <exception cref="CsvFormatException">The text is not well-formed CSV.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Read()
    {
        while (true)
        {
            if (_position >= _length && !Fill())
            {
                return false;
            }

            // Blank lines carry no data; skip them.
            _recordStart = _position;
            var c = _buffer[_position];
            if (c == '\n')
            {
                _position++;
                NewLine(_position);
                continue;
            }

            var p = _position;
            var none = 0; // between records nothing but p (and _position, which Refill moves itself) points into the buffer
            if (c == '\r' && PeekAfter(ref p, ref none) == '\n')
            {
                _position = p + 2;
                NewLine(_position);
                continue;
            }

            break;
        }

        _recordStart = _position;
        LineNumber = _line;
        _fieldCount = 0;
        _tooLong = false;
        _tooLongPrefix = null;
        var i = _position;
        while (true)
        {
            var fieldStart = i;
            if (i >= _length)
            {
                i = Refill(i, ref fieldStart);
            }

            if (i < _length && _buffer[i] == '"')
            {
                var quoteLine = _line;
                var quoteColumn = i - _lineStart + 1;
                i++;
                var contentStart = i;
                var escaped = false;
                while (true)
                {
                    if (i >= _length)
                    {
                        i = Refill(i, ref contentStart);
                        if (i >= _length)
                        {
                            throw new CsvFormatException(_sourceName, quoteLine, quoteColumn,
                                "unterminated quoted field (the closing quote is missing before the end of the file)");
                        }
                    }

                    var skip = _buffer.AsSpan(i, _length - i).IndexOfAny(QuotedStops);
                    if (skip < 0)
                    {
                        i = _length;
                        continue;
                    }

                    i += skip;
                    var ch = _buffer[i];
                    if (ch == '"')
                    {
                        if (i + 1 >= _length)
                        {
                            i = Refill(i, ref contentStart);
                        }

                        if (i + 1 < _length && _buffer[i + 1] == '"')
                        {
                            escaped = true;
                            i += 2;
                            continue;
                        }

                        break;
                    }

                    if (ch == '\n')
                    {
                        NewLine(i + 1);
                    }

                    i++;
                }

                AddField(contentStart, i - contentStart, quoted: true, escaped);
                i++; // closing quote
                if (i >= _length)
                {
                    i = Refill(i, ref fieldStart);
                }

                if (i < _length)
                {
                    var next = _buffer[i];
                    if (next != _delimiter && next != '\n' && !(next == '\r' && PeekAfter(ref i, ref fieldStart) == '\n'))
                    {
                        throw new CsvFormatException(_sourceName, _line, i - _lineStart + 1,
                            $"unexpected character '{Printable(next)}' after the closing quote of a quoted field");
                    }
                }
            }
            else
            {
                while (true)
                {
                    if (i >= _length)
                    {
                        i = Refill(i, ref fieldStart);
                        if (i >= _length)
                        {
                            break;
                        }
                    }

                    var skip = _buffer.AsSpan(i, _length - i).IndexOfAny(_unquotedStops);
                    if (skip < 0)
                    {
                        i = _length;
                        continue;
                    }

                    i += skip;
                    var ch = _buffer[i];
                    if (ch == _delimiter || ch == '\n')
                    {
                        break;
                    }

                    if (ch == '\r' && PeekAfter(ref i, ref fieldStart) == '\n')
                    {
                        break;
                    }

                    if (ch == '"')
                    {
                        throw new CsvFormatException(_sourceName, _line, i - _lineStart + 1,
                            "quote character inside an unquoted field (fields containing quotes must be quoted and the quotes doubled)");
                    }

                    i++;
                }

                AddField(fieldStart, i - fieldStart, quoted: false, escaped: false);
            }

            // i is at a delimiter, a line end or the end of the input.
            if (i >= _length)
            {
                i = Refill(i, ref fieldStart);
            }

            if (i >= _length)
            {
                _recordEnd = i;
                _position = i;
                CheckLength();
                return true;
            }

            var terminator = _buffer[i];
            if (terminator == _delimiter)
            {
                i++;
                continue;
            }

            _recordEnd = i;
            i += terminator == '\r' ? 2 : 1;
            _position = i;
            NewLine(i);
            CheckLength();
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>A record that fitted in the buffer but is longer than the limit is too long all the same.</summary>
    private void CheckLength()
    {
        if (!_tooLong && _recordEnd - _recordStart > _maxRecordChars)
        {
            MarkTooLong(_recordEnd);
        }
    }

    private void MarkTooLong(int scanned)
    {
        _tooLong = true;
        _tooLongPrefix = new string(_buffer, _recordStart, Math.Min(SourceReject.MaxRawRecordChars, scanned - _recordStart));
        _fieldCount = 0;
    }

    private void AddField(int absoluteStart, int length, bool quoted, bool escaped)
    {
        if (_tooLong)
        {
            return;
        }

        if (_fieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[_fieldCount++] = new Field(absoluteStart - _recordStart, length, quoted, escaped);
    }

    private void NewLine(int nextLineStart)
    {
        _line++;
        _lineStart = nextLineStart;
    }

    /// <summary>The character after <c>_buffer[i]</c> ('\0' at the end of the input). Looking past the buffer's end refills
    /// it, which moves the record: <paramref name="i"/> and <paramref name="other"/> (the caller's other index into the
    /// record, e.g. the field's start) are rebased with it.</summary>
    private char PeekAfter(ref int i, ref int other)
    {
        if (i + 1 >= _length)
        {
            i = Refill(i, ref other);
        }

        return i + 1 < _length ? _buffer[i + 1] : '\0';
    }

    /// <summary>Reads more input, keeping the current record at the start of the buffer; returns the rebased index.</summary>
    private int Refill(int index, ref int other)
    {
        if (_endOfInput)
        {
            return index;
        }

        // A record past the limit keeps nothing of itself: the buffer is reused from the scan position on, so it stops growing.
        if (!_tooLong && index - _recordStart > _maxRecordChars)
        {
            MarkTooLong(index);
        }

        var shift = _tooLong ? index : _recordStart;
        if (shift > 0)
        {
            Array.Copy(_buffer, shift, _buffer, 0, _length - shift);
            _length -= shift;
            _recordStart = 0;
            _position -= shift;
            _lineStart -= shift;
            index -= shift;
            other -= shift;
        }

        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = ReadInto(_length);
        if (read == 0)
        {
            _endOfInput = true;
        }

        _length += read;
        return index;
    }

    private bool Fill()
    {
        if (_endOfInput)
        {
            return false;
        }

        // Between records: nothing to keep.
        _lineStart -= _position;
        _recordStart = 0;
        _position = 0;
        _length = 0;
        var read = ReadInto(0);
        if (read == 0)
        {
            _endOfInput = true;
            return false;
        }

        _length = read;
        return true;
    }

    /// <summary>Decodes more UTF-8 into <c>_buffer[offset..]</c>; 0 at the end of the input.</summary>
    /// <exception cref="CsvFormatException">The parser reached a byte sequence that is not UTF-8, or the file is UTF-16/32.</exception>
    private int ReadInto(int offset)
    {
        if (!_started)
        {
            Start();
        }

        if (_invalidPending)
        {
            throw InvalidUtf8(offset);
        }

        if (_buffer.Length - offset < 2)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2); // room for a surrogate pair
        }

        while (true)
        {
            if (_byteStart == _byteEnd && !_bytesEnded)
            {
                ReadBytes();
            }

            var status = Utf8.ToUtf16(_bytes.AsSpan(_byteStart, _byteEnd - _byteStart), _buffer.AsSpan(offset), out var read, out var written,
                replaceInvalidSequences: false, isFinalBlock: _bytesEnded);
            _byteStart += read;
            switch (status)
            {
                case OperationStatus.Done:
                    if (written > 0 || _bytesEnded)
                    {
                        return written;
                    }

                    break;
                case OperationStatus.DestinationTooSmall:
                    return written;
                case OperationStatus.NeedMoreData:
                    if (written > 0)
                    {
                        return written;
                    }

                    ReadBytes();
                    break;
                default:
                    // The text before the bad sequence is returned; the error is raised when the parser asks for more,
                    // i.e. when it has counted the lines and columns up to the bad byte.
                    _invalidPending = true;
                    _invalidByte = _bytes[_byteStart];
                    if (written > 0)
                    {
                        return written;
                    }

                    throw InvalidUtf8(offset);
            }
        }
    }

    /// <summary>Reads the first bytes: skips a UTF-8 byte order mark, refuses UTF-16/32 ones.</summary>
    private void Start()
    {
        _started = true;
        while (_byteEnd < 3 && !_bytesEnded)
        {
            ReadBytes();
        }

        var head = _bytes.AsSpan(0, _byteEnd);
        if (head.StartsWith("\uFEFF"u8))
        {
            _byteStart = 3;
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new CsvFormatException(_sourceName, 1, 1, "the file is UTF-16 or UTF-32 (byte order mark); convert it to UTF-8 first");
        }
    }

    /// <summary>Keeps the undecoded bytes (an incomplete sequence) and appends what the stream gives.</summary>
    private void ReadBytes()
    {
        var kept = _byteEnd - _byteStart;
        if (_byteStart > 0)
        {
            _bytes.AsSpan(_byteStart, kept).CopyTo(_bytes);
            _byteStart = 0;
            _byteEnd = kept;
        }

        var n = _stream.Read(_bytes, _byteEnd, _bytes.Length - _byteEnd);
        if (n == 0)
        {
            _bytesEnded = true;
        }

        _byteEnd += n;
    }

    /// <summary>The error for a bad byte met at <paramref name="offset"/>: every character before it has been scanned, so the
    /// current line is its line and its column is the characters since the line's start, plus one.</summary>
    private CsvFormatException InvalidUtf8(int offset) =>
        new(_sourceName, _line, offset - _lineStart + 1,
            $"byte 0x{_invalidByte:X2} is not valid UTF-8 (is the file in another encoding, e.g. Windows-1252 or Latin-1?); convert it to UTF-8 first");

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();

    private readonly record struct Field(int Start, int Length, bool Quoted, bool HasEscapedQuotes);
}
