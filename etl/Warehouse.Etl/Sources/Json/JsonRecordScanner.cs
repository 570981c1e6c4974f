using System.Globalization;

namespace Warehouse.Etl.Sources.Json;

/// <summary>
/// Splits a JSON source into records without reading it whole: either one top-level array of records
/// (<c>[{…},{…}]</c>) or JSON lines (one record per line), chosen by the first non-blank byte. The scanner only
/// tracks brackets and strings; each record is then parsed on its own, so a bad record becomes a reject while
/// the file goes on. Memory: the read buffer plus one record (at most <c>maxRecordBytes</c>; longer records are
/// skipped without being kept and reported by <see cref="Error"/>).
/// </summary>
/// <remarks>
/// Throws <see cref="SourceFormatException"/> (file, line, byte column, reason) when the file cannot be split into
/// records: empty, UTF-16, not starting with <c>[</c> or <c>{</c>, an array that is not closed (truncated file),
/// missing commas between array elements or data after the array. In JSON-lines mode every line stands alone, so
/// only the encoding and the first byte can make the whole file unreadable.
/// </remarks>
internal sealed class JsonRecordScanner : IDisposable
{
    private readonly Stream _stream;
    private readonly string _sourceName;
    private readonly int _maxRecordBytes;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _pos;
    private int _len;
    private bool _eof;
    private int _peeked = -1;
    private long _line = 1;
    private long _column;
    private bool _pendingNewline;

    private byte[] _record = new byte[4096];
    private int _recordLength;
    private bool _tooLong;

    private Mode _mode = Mode.Unknown;
    private bool _arrayEnded;
    private bool _first = true;

    private enum Mode
    {
        Unknown,
        Array,
        Lines,
    }

    public JsonRecordScanner(Stream stream, string sourceName, int maxRecordBytes)
    {
        _stream = stream;
        _sourceName = sourceName;
        _maxRecordBytes = maxRecordBytes > 0 ? maxRecordBytes : throw new ArgumentOutOfRangeException(nameof(maxRecordBytes), maxRecordBytes, "must be ≥ 1");
    }

    /// <summary>Line (1-based) where the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Bytes of the current record (valid until the next call of <see cref="Next"/>).</summary>
    public ReadOnlyMemory<byte> Record => _record.AsMemory(0, _recordLength);

    /// <summary>Framing problem of the current record (too long), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>True when the file is a JSON array (false: JSON lines).</summary>
    public bool IsArray => _mode == Mode.Array;

    /// <summary>The record's text for a reject row (lossy, capped).</summary>
    public string RawText() => SourceReader.Utf8Lossy(_record.AsSpan(0, _recordLength));

    public void Dispose() => _stream.Dispose();

    /// <summary>Moves to the next record; false at the end.</summary>
    public bool Next()
    {
        if (_mode == Mode.Unknown)
            DetectMode();
        _recordLength = 0;
        _tooLong = false;
        Error = null;
        var found = _mode == Mode.Array ? NextInArray() : NextLine();
        if (found && _tooLong)
            Error = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"record longer than {_maxRecordBytes:N0} bytes (the limit per record); not read");
        return found;
    }

    private void DetectMode()
    {
        if (_len == 0 && !_eof)
        {
            _len = _stream.ReadAtLeast(_buffer, 2, throwOnEndOfStream: false);
            _eof = _len == 0;
        }
        if (_len >= 2 && (_buffer[0] == 0 || _buffer[1] == 0))
            throw Fail("the file starts with a NUL byte: UTF-16/UTF-32 without byte order mark or a binary file; expected UTF-8 text");
        var b0 = Read();
        if (b0 == 0xEF)
        {
            if (Read() != 0xBB || Read() != 0xBF)
                throw Fail("not UTF-8 text (broken byte order mark)");
            _column = 0;
        }
        else if (b0 is 0xFF or 0xFE || b0 == 0)
        {
            throw Fail("the file is UTF-16 or UTF-32 encoded; expected UTF-8");
        }
        else if (b0 >= 0)
        {
            Unread(b0);
        }
        var b = SkipWhitespace();
        if (b < 0)
            throw new SourceFormatException(_sourceName, _line, null, "the file is empty; expected a JSON array or JSON lines");
        if (b == '[')
        {
            _mode = Mode.Array;
        }
        else if (b == '{')
        {
            _mode = Mode.Lines;
            Unread(b);
        }
        else
        {
            throw Fail("expected '[' (a JSON array of records) or '{' (JSON lines)");
        }
    }

    private bool NextInArray()
    {
        if (_arrayEnded)
            return false;
        var b = SkipWhitespace();
        if (!_first)
        {
            if (b == ']')
            {
                End();
                return false;
            }
            if (b != ',')
                throw b < 0 ? Truncated() : Fail("expected ',' or ']' after a record");
            b = SkipWhitespace();
            if (b == ']')
                throw Fail("trailing comma before ']'");
        }
        else if (b == ']')
        {
            End();
            return false;
        }
        _first = false;
        if (b < 0)
            throw Truncated();
        LineNumber = _line;
        ScanValue(b);
        return true;
    }

    private void End()
    {
        _arrayEnded = true;
        var b = SkipWhitespace();
        if (b >= 0)
            throw Fail("data after the end of the JSON array");
    }

    private void ScanValue(int b)
    {
        Append(b);
        if (b is '{' or '[')
        {
            var depth = 1;
            var inString = false;
            var escape = false;
            while (depth > 0)
            {
                var c = Read();
                if (c < 0)
                    throw new SourceFormatException(_sourceName, LineNumber, null,
                        "end of file inside the record that starts on this line (truncated file or unbalanced brackets)");
                Append(c);
                if (inString)
                {
                    if (escape)
                        escape = false;
                    else if (c == '\\')
                        escape = true;
                    else if (c == '"')
                        inString = false;
                }
                else if (c == '"')
                {
                    inString = true;
                }
                else if (c is '{' or '[')
                {
                    depth++;
                }
                else if (c is '}' or ']')
                {
                    depth--;
                }
            }
        }
        else if (b == '"')
        {
            var escape = false;
            while (true)
            {
                var c = Read();
                if (c < 0)
                    throw new SourceFormatException(_sourceName, LineNumber, null, "end of file inside a string (truncated file)");
                Append(c);
                if (escape)
                    escape = false;
                else if (c == '\\')
                    escape = true;
                else if (c == '"')
                    break;
            }
        }
        else
        {
            while (true)
            {
                var c = Read();
                if (c < 0 || c is ',' or ']' or ' ' or '\t' or '\r' or '\n')
                {
                    if (c >= 0)
                        Unread(c);
                    break;
                }
                Append(c);
            }
        }
    }

    private bool NextLine()
    {
        while (true)
        {
            var c = Read();
            if (c < 0)
                return false;
            if (c is ' ' or '\t' or '\r' or '\n')
                continue;
            LineNumber = _line;
            Append(c);
            // Rest of the line straight from the buffer: a newline cannot occur inside a JSON value.
            while (true)
            {
                if (_pos >= _len && !Refill())
                    break;
                var span = _buffer.AsSpan(_pos, _len - _pos);
                var newline = span.IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    AppendSpan(span[..newline]);
                    _pos += newline + 1;
                    _pendingNewline = true;
                    break;
                }
                AppendSpan(span);
                _pos = _len;
            }
            while (_recordLength > 0 && _record[_recordLength - 1] is (byte)'\r' or (byte)' ' or (byte)'\t')
                _recordLength--;
            return true;
        }
    }

    private void Append(int b)
    {
        if (_tooLong)
            return;
        if (_recordLength >= _maxRecordBytes)
        {
            _tooLong = true;
            return;
        }
        if (_recordLength == _record.Length)
            Array.Resize(ref _record, Math.Min(_record.Length * 2, Math.Max(_maxRecordBytes, 4096)));
        _record[_recordLength++] = (byte)b;
    }

    private void AppendSpan(ReadOnlySpan<byte> bytes)
    {
        if (_tooLong || bytes.IsEmpty)
            return;
        if (_recordLength + bytes.Length > _maxRecordBytes)
        {
            _tooLong = true;
            return;
        }
        if (_recordLength + bytes.Length > _record.Length)
            Array.Resize(ref _record, Math.Min(Math.Max(_record.Length * 2, _recordLength + bytes.Length), Math.Max(_maxRecordBytes, 4096)));
        bytes.CopyTo(_record.AsSpan(_recordLength));
        _recordLength += bytes.Length;
    }

    private bool Refill()
    {
        if (_eof)
            return false;
        _len = _stream.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (_len == 0)
        {
            _eof = true;
            return false;
        }
        return true;
    }

    private int SkipWhitespace()
    {
        while (true)
        {
            var c = Read();
            if (c is not (' ' or '\t' or '\r' or '\n'))
                return c;
        }
    }

    private void Unread(int b) => _peeked = b;

    private int Read()
    {
        if (_peeked >= 0)
        {
            var p = _peeked;
            _peeked = -1;
            return p;
        }
        if (_pendingNewline)
        {
            _pendingNewline = false;
            _line++;
            _column = 0;
        }
        if (_pos >= _len && !Refill())
            return -1;
        var b = _buffer[_pos++];
        _column++;
        if (b == '\n')
            _pendingNewline = true;
        return b;
    }

    private SourceFormatException Fail(string reason) =>
        new(_sourceName, _line, Math.Max(_column, 1).ToString(CultureInfo.InvariantCulture), reason);

    private SourceFormatException Truncated() =>
        new(_sourceName, _line, null, "end of file before the JSON array is closed with ']' (truncated file?)");
}
