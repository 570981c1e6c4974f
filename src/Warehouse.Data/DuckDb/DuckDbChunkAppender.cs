using System.Runtime.CompilerServices;
using System.Text;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Warehouse.Data.DuckDb;

/// <summary>
/// Column-wise bulk appender: values are written straight into the vectors of one DuckDB data chunk
/// (<c>duckdb_vector_size()</c> rows, 2,048) and each full chunk goes to the table in one
/// <c>duckdb_append_data_chunk</c> call. Numbers are stores into vector memory; a string is one UTF-8 encode and
/// one <c>duckdb_vector_assign_string_element_len</c> call with its byte length, so any text (quotes, line breaks,
/// U+0000, any Unicode) arrives exactly as given.
/// </summary>
/// <remarks>
/// Why: DuckDB.NET's mapped appender costs ≈ 75 ns per value (a row object per row, a getter delegate, a closure and a
/// marshalled copy per string), ≈ 1 µs for a purchase line, which capped staging below 1M rows/s; this writer is a
/// few ns per number and one native call per string. Unlike DuckDB.NET's raw appender it checks every column's type
/// against the declared <see cref="Column"/> kinds when it opens (../shared/FACTS.md: a raw append of the wrong
/// width silently corrupts rows), so a table that does not match fails before any row is written.
/// Not thread-safe; one appender per thread, on the thread that owns the connection's transaction.
/// </remarks>
internal sealed unsafe class DuckDbChunkAppender : IDisposable
{
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly int UnixEpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private readonly string _table;
    private readonly Column[] _columns;
    private readonly DuckDB.NET.Native.DuckDBAppender _appender;
    private readonly DuckDBDataChunk _chunk;
    private readonly IntPtr[] _vectors;
    private readonly void*[] _data;
    private readonly ulong*[] _validity;
    private readonly byte[][] _scratch;
    private readonly string?[] _lastString;
    private readonly int[] _lastLength;
    private readonly decimal[] _decimalFactor;
    private readonly long[] _decimalLimit;
    private readonly int _capacity;
    private int _row;
    private bool _closed;

    /// <summary>Kinds of column this appender writes, with the DuckDB type each must have.</summary>
    public enum Column
    {
        /// <summary>BOOLEAN.</summary>
        Boolean,

        /// <summary>INTEGER.</summary>
        Integer,

        /// <summary>BIGINT.</summary>
        BigInt,

        /// <summary>TIMESTAMP (microseconds, no time zone).</summary>
        Timestamp,

        /// <summary>DECIMAL with a width of at most 18 (stored as BIGINT).</summary>
        Decimal,

        /// <summary>VARCHAR.</summary>
        Varchar,

        /// <summary>DATE (days since 1970-01-01).</summary>
        Date,

        /// <summary>DOUBLE.</summary>
        Double,
    }

    /// <summary>Opens an appender on a table whose columns must be exactly <paramref name="columns"/>, in order.</summary>
    /// <param name="connection">An open connection (its current transaction receives the rows).</param>
    /// <param name="catalog">Catalog (<c>temp</c> for a temporary table), or null for the default.</param>
    /// <param name="schema">Schema.</param>
    /// <param name="table">Table.</param>
    /// <param name="columns">The expected column kinds.</param>
    /// <exception cref="InvalidOperationException">The table does not exist or its columns differ from <paramref name="columns"/>.</exception>
    public DuckDbChunkAppender(DuckDBConnection connection, string? catalog, string schema, string table, params Column[] columns)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(columns);
        _table = catalog is null ? $"{schema}.{table}" : $"{catalog}.{schema}.{table}";
        _columns = columns;
        if (NativeMethods.Appender.DuckDBAppenderCreateExt(connection.NativeConnection, catalog, schema, table, out _appender) != DuckDBState.Success)
        {
            var message = ErrorMessage();
            _appender.Dispose();
            throw new InvalidOperationException($"Cannot append to {_table}: {message}");
        }

        var types = new DuckDBLogicalType[columns.Length];
        try
        {
            var count = (int)NativeMethods.Appender.DuckDBAppenderColumnCount(_appender);
            if (count != columns.Length)
            {
                throw new InvalidOperationException($"{_table} has {count} columns; the appender writes {columns.Length}.");
            }

            _decimalFactor = new decimal[columns.Length];
            _decimalLimit = new long[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                types[i] = NativeMethods.Appender.DuckDBAppenderColumnType(_appender, (ulong)i);
                CheckType(i, types[i]);
            }

            _chunk = NativeMethods.DataChunks.DuckDBCreateDataChunk(types.Select(t => t.DangerousGetHandle()).ToArray(), (ulong)columns.Length);
        }
        catch
        {
            _appender.Dispose();
            throw;
        }
        finally
        {
            foreach (var type in types)
            {
                type?.Dispose();
            }
        }

        _capacity = (int)NativeMethods.Helpers.DuckDBVectorSize();
        _vectors = new IntPtr[columns.Length];
        _data = new void*[columns.Length];
        _validity = new ulong*[columns.Length];
        _scratch = new byte[columns.Length][];
        _lastString = new string?[columns.Length];
        _lastLength = new int[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            _scratch[i] = columns[i] == Column.Varchar ? new byte[256] : [];
        }

        BindVectors();
    }

    /// <summary>Rows appended so far (including the rows still in the current chunk).</summary>
    public long RowCount { get; private set; }

    /// <summary>Writes an INTEGER.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetInt32(int column, int value) => ((int*)_data[column])[_row] = value;

    /// <summary>Writes a BIGINT.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetInt64(int column, long value) => ((long*)_data[column])[_row] = value;

    /// <summary>Writes a BOOLEAN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetBoolean(int column, bool value) => ((byte*)_data[column])[_row] = value ? (byte)1 : (byte)0;

    /// <summary>Writes a DATE.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetDate(int column, DateOnly value) => ((int*)_data[column])[_row] = value.DayNumber - UnixEpochDayNumber;

    /// <summary>Writes a DOUBLE.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetDouble(int column, double value) => ((double*)_data[column])[_row] = value;

    /// <summary>Writes a TIMESTAMP (the clock value as given; the kind is ignored, as DuckDB.NET does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetTimestamp(int column, DateTime value) => ((long*)_data[column])[_row] = (value.Ticks - UnixEpochTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>Writes a DECIMAL; the value must be exact at the column's scale and within its width.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value has more decimals than the column or is too large.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SetDecimal(int column, decimal value)
    {
        var scaled = value * _decimalFactor[column];
        if (decimal.Truncate(scaled) != scaled || Math.Abs(scaled) >= _decimalLimit[column])
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"does not fit column {column + 1} of {_table} exactly");
        }

        ((long*)_data[column])[_row] = decimal.ToInt64(scaled);
    }

    /// <summary>Writes a VARCHAR, or NULL for null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SetString(int column, string? value)
    {
        if (value is null)
        {
            SetNull(column);
            return;
        }

        // Keys and codes repeat on neighbouring rows (interned by the parsers): encode each distinct instance once.
        var bytes = _scratch[column];
        int length;
        if (ReferenceEquals(value, _lastString[column]))
        {
            length = _lastLength[column];
        }
        else
        {
            var most = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (most > bytes.Length)
            {
                bytes = _scratch[column] = new byte[Math.Max(most, bytes.Length * 2)];
            }

            length = Encoding.UTF8.GetBytes(value, bytes);
            _lastString[column] = value;
            _lastLength[column] = length;
        }

        fixed (byte* p = bytes)
        {
            NativeMethods.Vectors.DuckDBVectorAssignStringElementLength(_vectors[column], (ulong)_row, p, length);
        }
    }

    /// <summary>Writes NULL.</summary>
    public void SetNull(int column)
    {
        var validity = _validity[column];
        if (validity is null)
        {
            NativeMethods.Vectors.DuckDBVectorEnsureValidityWritable(_vectors[column]);
            validity = _validity[column] = NativeMethods.Vectors.DuckDBVectorGetValidity(_vectors[column]);
        }

        validity[_row >> 6] &= ~(1UL << (_row & 63));
    }

    /// <summary>Ends the row; every column must have been set. A full chunk goes to the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndRow()
    {
        RowCount++;
        if (++_row == _capacity)
        {
            FlushChunk();
        }
    }

    /// <summary>Appends the last chunk and closes the appender (DuckDB writes its buffered rows into the table).</summary>
    /// <exception cref="InvalidOperationException">DuckDB refused the rows (e.g. a duplicate key); the message is DuckDB's.</exception>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        if (_row > 0)
        {
            FlushChunk();
        }

        _closed = true;
        Check(NativeMethods.Appender.DuckDBAppenderClose(_appender), "close");
    }

    /// <summary>Releases the appender; rows not yet closed are discarded, never written (a failed load appends nothing afterwards).</summary>
    public void Dispose()
    {
        if (!_closed && !_appender.IsInvalid && !_appender.IsClosed)
        {
            // duckdb_appender_destroy flushes what it buffered: clear it first, or a load rolled back before this call
            // would see the rows appended outside its transaction.
            NativeMethods.Appender.DuckDBAppenderClear(_appender);
            _closed = true;
        }

        _chunk?.Dispose();
        _appender.Dispose();
    }

    private void FlushChunk()
    {
        NativeMethods.DataChunks.DuckDBDataChunkSetSize(_chunk, (ulong)_row);
        Check(NativeMethods.Appender.DuckDBAppendDataChunk(_appender, _chunk), "append a chunk to");
        NativeMethods.DataChunks.DuckDBDataChunkReset(_chunk);
        _row = 0;
        BindVectors();
    }

    private void BindVectors()
    {
        // A reset chunk may hand out other buffers, and its validity masks are all-valid again (allocated on the first NULL).
        for (var i = 0; i < _columns.Length; i++)
        {
            _vectors[i] = NativeMethods.DataChunks.DuckDBDataChunkGetVector(_chunk, i);
            _data[i] = NativeMethods.Vectors.DuckDBVectorGetData(_vectors[i]);
            _validity[i] = null;
        }
    }

    private void CheckType(int index, DuckDBLogicalType type)
    {
        var actual = NativeMethods.LogicalType.DuckDBGetTypeId(type);
        var expected = _columns[index] switch
        {
            Column.Boolean => DuckDBType.Boolean,
            Column.Integer => DuckDBType.Integer,
            Column.BigInt => DuckDBType.BigInt,
            Column.Timestamp => DuckDBType.Timestamp,
            Column.Decimal => DuckDBType.Decimal,
            Column.Date => DuckDBType.Date,
            Column.Double => DuckDBType.Double,
            _ => DuckDBType.Varchar,
        };
        if (actual != expected)
        {
            throw new InvalidOperationException($"Column {index + 1} of {_table} is {actual}; the appender writes {expected}.");
        }

        if (expected == DuckDBType.Decimal)
        {
            var width = NativeMethods.LogicalType.DuckDBDecimalWidth(type);
            var scale = NativeMethods.LogicalType.DuckDBDecimalScale(type);
            if (NativeMethods.LogicalType.DuckDBDecimalInternalType(type) != DuckDBType.BigInt)
            {
                throw new InvalidOperationException($"Column {index + 1} of {_table} is DECIMAL({width}, {scale}); the appender writes widths 10 to 18.");
            }

            _decimalFactor[index] = Pow10(scale);
            _decimalLimit[index] = (long)Pow10(width);
        }
    }

    private static decimal Pow10(int exponent)
    {
        var value = 1m;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }

    private void Check(DuckDBState state, string what)
    {
        if (state != DuckDBState.Success)
        {
            throw new InvalidOperationException($"Cannot {what} {_table}: {ErrorMessage()}");
        }
    }

    private string ErrorMessage()
    {
        using var error = NativeMethods.Appender.DuckDBAppenderErrorData(_appender);
        return NativeMethods.ErrorData.DuckDBErrorDataMessage(error);
    }
}
