using System.Runtime.CompilerServices;
using System.Text;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// Streaming RFC 4180 reader: one record at a time from a growing-as-needed character buffer, so memory stays flat
/// whatever the file size. Fields may be quoted (<c>"a,b"</c>, doubled quotes inside), quoted fields may span lines,
/// records end with LF or CRLF. Blank lines are skipped. Malformed text (an unterminated quoted field, a quote inside
/// an unquoted field, text after a closing quote, bytes that are not valid UTF-8) throws <see cref="CsvFormatException"/>
/// naming the file, line and column: such a file cannot be split into records reliably, so nothing of it is loaded.
/// A record with the wrong number of fields is not a format error; the caller rejects that row.
/// </summary>
/// <remarks>
/// Fields are exposed as spans into the buffer (no allocation) and, on demand, as strings. <see cref="LineNumber"/> is
/// the physical line where the record starts (the header is line 1), which is what an editor shows.
/// </remarks>
public sealed class CsvRecordReader : IDisposable
{
    private const int InitialBufferSize = 1 << 16;

    private readonly TextReader _reader;
    private readonly string _sourceName;
    private readonly char _delimiter;
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
    public CsvRecordReader(Stream stream, string sourceName, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentOutOfRangeException(nameof(delimiter), delimiter, "must not be a quote or a line break");
        }

        _reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        _sourceName = sourceName;
        _delimiter = delimiter;
    }

    /// <summary>Physical line (1-based) where the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Number of fields of the current record.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>The current record exactly as written in the file, without its line terminator.</summary>
    public string RawRecord => new(_buffer, _recordStart, _recordEnd - _recordStart);

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
            if (c == '\r' && PeekAfter(ref p) == '\n')
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
                    if (next != _delimiter && next != '\n' && !(next == '\r' && PeekAfter(ref i) == '\n'))
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

                    var ch = _buffer[i];
                    if (ch == _delimiter || ch == '\n')
                    {
                        break;
                    }

                    if (ch == '\r' && PeekAfter(ref i) == '\n')
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
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();

    private void AddField(int absoluteStart, int length, bool quoted, bool escaped)
    {
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

    private char PeekAfter(ref int i)
    {
        if (i + 1 >= _length)
        {
            var unused = 0;
            i = Refill(i, ref unused);
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

        var shift = _recordStart;
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

    private int ReadInto(int offset)
    {
        try
        {
            return _reader.Read(_buffer, offset, _buffer.Length - offset);
        }
        catch (DecoderFallbackException e)
        {
            throw new CsvFormatException(_sourceName, _line, 0,
                $"the file is not valid UTF-8 (invalid byte sequence near this line: {e.Message}); convert it to UTF-8 first");
        }
    }

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();

    private readonly record struct Field(int Start, int Length, bool Quoted, bool HasEscapedQuotes);
}
