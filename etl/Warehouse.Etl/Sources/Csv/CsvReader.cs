using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Warehouse.Etl.Sources.Csv;

/// <summary>
/// Streaming RFC 4180 CSV reader working on UTF-8 bytes: quoted fields with embedded delimiters, doubled quotes
/// and line breaks; CRLF, LF or CR line ends; an optional UTF-8 byte order mark. Memory is bounded by
/// <see cref="CsvOptions.BufferSize"/> plus <see cref="CsvOptions.MaxRecordBytes"/>, whatever the file size.
/// </summary>
/// <remarks>
/// <para>Row-level problems never throw: a stray quote, text after a closing quote or an over-long record is
/// reported by <see cref="Error"/> and the reader carries on with the next record. Invalid UTF-8 is reported per
/// field by <see cref="TryGetString"/>. Only damage that makes the rest of the file unreadable throws a
/// <see cref="SourceFormatException"/> naming file, line and byte column: a quoted field still open at the end of
/// the file (it would silently swallow every later row) or a UTF-16/UTF-32 byte order mark.</para>
/// <para>Cost: one pass over the bytes, vectorised searches for the next delimiter, quote or line end.</para>
/// </remarks>
public sealed class CsvReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly CsvOptions _options;
    private readonly SearchValues<byte> _unquotedStops;
    private readonly SearchValues<byte> _quotedStops;
    private readonly byte[] _buffer;
    private int _pos;
    private int _len;
    private long _bufferStart;
    private bool _eof;
    private bool _started;
    private bool _skipLf;

    private byte[] _data = new byte[1024];
    private int _dataLen;
    private int[] _fieldEnds = new int[64];
    private int _fieldCount;
    private readonly byte[] _raw = new byte[SourceReject.MaxRawRecordChars * 2];
    private int _rawLen;
    private bool _tooLong;
    private bool _tooManyFields;
    private long _fieldBytes;
    private int _oversizeField;
    private CsvRecordError? _error;

    private long _line = 1;
    private long _lineStart;

    /// <summary>Creates a reader over a UTF-8 stream.</summary>
    /// <param name="stream">Readable stream, read once from its current position.</param>
    /// <param name="sourceName">Name used in rejects and errors (file name relative to the load folder).</param>
    /// <param name="options">Dialect and limits; <see cref="CsvOptions.Default"/> when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on dispose.</param>
    public CsvReader(Stream stream, string sourceName, CsvOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options ?? CsvOptions.Default;
        if (_options.Delimiter is (byte)'\r' or (byte)'\n' || _options.Delimiter == _options.Quote)
            throw new ArgumentException("delimiter must differ from the quote and from line ends", nameof(options));
        if (_options.MaxRecordBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxRecordBytes, "MaxRecordBytes must be ≥ 1");
        SourceName = sourceName;
        _unquotedStops = SearchValues.Create([_options.Delimiter, _options.Quote, (byte)'\r', (byte)'\n']);
        _quotedStops = SearchValues.Create([_options.Quote, (byte)'\n']);
        _buffer = new byte[Math.Max(_options.BufferSize, 16)];
    }

    /// <summary>Name used in rejects and errors.</summary>
    public string SourceName { get; }

    /// <summary>Physical line (1-based) where the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Number of records returned so far, the current one included (a header counts).</summary>
    public long RecordNumber { get; private set; }

    /// <summary>Number of fields of the current record.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>Structural problem of the current record, or <see langword="null"/> when it is well formed.</summary>
    public CsvRecordError? Error => _error;

    /// <summary>Advances to the next record.</summary>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="SourceFormatException">The file is unreadable from here on (see the class remarks).</exception>
    public bool Read()
    {
        if (!_started)
            Start();
        while (ReadRecord())
        {
            if (_options.SkipBlankLines && _fieldCount == 1 && _dataLen == 0 && _rawLen == 0 && _error is null)
                continue;
            RecordNumber++;
            return true;
        }
        return false;
    }

    /// <summary>Unescaped bytes of field <paramref name="index"/> of the current record.</summary>
    public ReadOnlySpan<byte> GetFieldBytes(int index)
    {
        if ((uint)index >= (uint)_fieldCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {_fieldCount})");
        var start = index == 0 ? 0 : _fieldEnds[index - 1];
        return _data.AsSpan(start, _fieldEnds[index] - start);
    }

    /// <summary>Decodes field <paramref name="index"/> as UTF-8, exactly (no trimming).</summary>
    /// <returns>False when the bytes are not valid UTF-8 (<paramref name="value"/> is then empty).</returns>
    public bool TryGetString(int index, out string value)
    {
        var bytes = GetFieldBytes(index);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            value = string.Empty;
            return false;
        }
        value = bytes.Length == 0 ? string.Empty : Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>The current record's source text (invalid UTF-8 replaced), cut to <see cref="SourceReject.MaxRawRecordChars"/> characters.</summary>
    public string GetRawRecord()
    {
        var text = Encoding.UTF8.GetString(_raw, 0, _rawLen);
        return text.Length <= SourceReject.MaxRawRecordChars ? text : text[..SourceReject.MaxRawRecordChars];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_leaveOpen)
            _stream.Dispose();
    }

    private void Start()
    {
        _started = true;
        Fill();
        var head = _buffer.AsSpan(0, _len);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            _pos = 3;
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw new SourceFormatException(SourceName, 1, "1", "the file is UTF-16 or UTF-32 encoded (byte order mark); expected UTF-8");
        }
        else if (_len >= 2 && (head[0] == 0 || head[1] == 0))
        {
            // Text files never start with NUL; UTF-16/32 without a byte order mark does (ASCII letters padded with zero bytes).
            throw new SourceFormatException(SourceName, 1, "1", "the file starts with a NUL byte: UTF-16/UTF-32 without byte order mark or a binary file; expected UTF-8 text");
        }
    }

    private bool Fill()
    {
        if (_eof)
            return false;
        _bufferStart += _len;
        _pos = 0;
        _len = 0;
        while (_len < _buffer.Length)
        {
            var n = _stream.Read(_buffer, _len, _buffer.Length - _len);
            if (n == 0)
            {
                _eof = true;
                break;
            }
            _len += n;
            if (_len >= 4096)
                break;
        }
        return _len > 0;
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        AfterQuote,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadRecord()
    {
        _dataLen = 0;
        _fieldCount = 0;
        _rawLen = 0;
        _tooLong = false;
        _tooManyFields = false;
        _fieldBytes = 0;
        _oversizeField = -1;
        _error = null;
        var state = State.FieldStart;
        var hasContent = false;
        long quoteLine = 0, quoteColumn = 0;
        var recordStarted = false;

        while (true)
        {
            if (_pos >= _len && !Fill())
            {
                if (state == State.Quoted)
                    throw new SourceFormatException(SourceName, quoteLine, quoteColumn.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "a quoted field opened here is never closed (it would swallow every later row); the file is truncated or badly quoted");
                if (!hasContent)
                    return false;
                EndField();
                FinishRecord();
                return true;
            }

            if (_skipLf)
            {
                _skipLf = false;
                if (_buffer[_pos] == (byte)'\n')
                {
                    _pos++;
                    _lineStart = _bufferStart + _pos;
                    continue;
                }
            }

            if (!recordStarted)
            {
                recordStarted = true;
                LineNumber = _line;
            }

            var span = _buffer.AsSpan(_pos, _len - _pos);
            switch (state)
            {
                case State.FieldStart:
                {
                    var b = span[0];
                    if (b == _options.Quote)
                    {
                        hasContent = true;
                        quoteLine = _line;
                        quoteColumn = _bufferStart + _pos - _lineStart + 1;
                        Consume(1);
                        state = State.Quoted;
                    }
                    else if (b == _options.Delimiter)
                    {
                        hasContent = true;
                        Consume(1);
                        EndField();
                    }
                    else if (b is (byte)'\r' or (byte)'\n')
                    {
                        ConsumeNewline(b);
                        EndField();
                        FinishRecord();
                        return true;
                    }
                    else
                    {
                        state = State.Unquoted;
                    }
                    break;
                }
                case State.Unquoted:
                {
                    hasContent = true;
                    var i = span.IndexOfAny(_unquotedStops);
                    if (i < 0)
                    {
                        Append(span);
                        Consume(span.Length);
                        break;
                    }
                    Append(span[..i]);
                    Consume(i);
                    var b = span[i];
                    if (b == _options.Delimiter)
                    {
                        Consume(1);
                        EndField();
                        state = State.FieldStart;
                    }
                    else if (b == _options.Quote)
                    {
                        SetError("quote character inside an unquoted field");
                        Append(span.Slice(i, 1));
                        Consume(1);
                    }
                    else
                    {
                        ConsumeNewline(b);
                        EndField();
                        FinishRecord();
                        return true;
                    }
                    break;
                }
                case State.Quoted:
                {
                    var i = span.IndexOfAny(_quotedStops);
                    if (i < 0)
                    {
                        Append(span);
                        Consume(span.Length);
                        break;
                    }
                    Append(span[..i]);
                    Consume(i);
                    if (span[i] == _options.Quote)
                    {
                        Consume(1);
                        state = State.AfterQuote;
                    }
                    else
                    {
                        Append(span.Slice(i, 1));
                        Consume(1);
                        _line++;
                        _lineStart = _bufferStart + _pos;
                    }
                    break;
                }
                case State.AfterQuote:
                {
                    var b = span[0];
                    if (b == _options.Quote)
                    {
                        Append(span[..1]);
                        Consume(1);
                        state = State.Quoted;
                    }
                    else if (b == _options.Delimiter)
                    {
                        Consume(1);
                        EndField();
                        state = State.FieldStart;
                    }
                    else if (b is (byte)'\r' or (byte)'\n')
                    {
                        ConsumeNewline(b);
                        EndField();
                        FinishRecord();
                        return true;
                    }
                    else
                    {
                        SetError("text after the closing quote of a quoted field");
                        state = State.Unquoted;
                    }
                    break;
                }
            }
        }
    }

    private void FinishRecord()
    {
        if (!_tooLong || _error is not null)
            return;
        // Name the field that alone is over the limit; no column when the record as a whole is (many fields adding up).
        var limit = _options.MaxRecordBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        _error = _oversizeField >= 0
            ? new CsvRecordError(_oversizeField, $"value longer than {limit} bytes (the limit per record); the record is not read")
            : _tooManyFields
                ? new CsvRecordError(-1, $"record has more than {_options.MaxFields:N0} fields (the limit per record)")
                : new CsvRecordError(-1, $"record longer than {limit} bytes (the limit per record); not read");
    }

    private void SetError(string reason) => _error ??= new CsvRecordError(_fieldCount, reason);

    private void ConsumeNewline(byte b)
    {
        _pos++;
        _line++;
        _lineStart = _bufferStart + _pos;
        if (b == (byte)'\r')
            _skipLf = true;
    }

    private void Consume(int count)
    {
        if (count <= 0)
            return;
        var room = _raw.Length - _rawLen;
        if (room > 0)
        {
            var n = Math.Min(room, count);
            _buffer.AsSpan(_pos, n).CopyTo(_raw.AsSpan(_rawLen));
            _rawLen += n;
        }
        _pos += count;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _fieldBytes += bytes.Length;
        if (bytes.IsEmpty || _tooLong)
            return;
        if (_dataLen + bytes.Length > _options.MaxRecordBytes)
        {
            _tooLong = true;
            return;
        }
        if (_dataLen + bytes.Length > _data.Length)
            Array.Resize(ref _data, Math.Min(Math.Max(_data.Length * 2, _dataLen + bytes.Length), Math.Max(_options.MaxRecordBytes, 1024)));
        bytes.CopyTo(_data.AsSpan(_dataLen));
        _dataLen += bytes.Length;
    }

    private void EndField()
    {
        if (_fieldBytes > _options.MaxRecordBytes && _oversizeField < 0)
            _oversizeField = _fieldCount;
        _fieldBytes = 0;
        if (_fieldCount >= _options.MaxFields)
        {
            _tooLong = true;
            _tooManyFields = true;
            return;
        }
        if (_fieldCount == _fieldEnds.Length)
            Array.Resize(ref _fieldEnds, _fieldEnds.Length * 2);
        _fieldEnds[_fieldCount++] = _dataLen;
    }
}
