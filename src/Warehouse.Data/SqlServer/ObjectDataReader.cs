using System.Data;
using System.Data.Common;
using System.Reflection;

namespace Warehouse.Data.SqlServer;

/// <summary>
/// Streams objects to SqlBulkCopy as rows: one column per public readable property, named after it (so the
/// property names are the staging column names). Values are read once per row; nothing is buffered.
/// </summary>
/// <typeparam name="T">Row type.</typeparam>
public sealed class ObjectDataReader<T> : DbDataReader
{
    private static readonly PropertyInfo[] Properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
        .ToArray();

    private readonly IEnumerator<T> _rows;
    private readonly object?[] _values = new object?[Properties.Length];
    private bool _closed;

    /// <summary>Wraps <paramref name="rows"/>.</summary>
    /// <param name="rows">The rows, enumerated once.</param>
    public ObjectDataReader(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _rows = rows.GetEnumerator();
    }

    /// <summary>The column names, in order: the public properties of <typeparamref name="T"/>.</summary>
    public static IReadOnlyList<string> ColumnNames => Properties.Select(p => p.Name).ToArray();

    /// <summary>Rows read so far.</summary>
    public long RowsRead { get; private set; }

    /// <inheritdoc />
    public override int FieldCount => Properties.Length;

    /// <inheritdoc />
    public override object this[int ordinal] => GetValue(ordinal);

    /// <inheritdoc />
    public override object this[string name] => GetValue(GetOrdinal(name));

    /// <inheritdoc />
    public override int RecordsAffected => -1;

    /// <inheritdoc />
    public override bool HasRows => true;

    /// <inheritdoc />
    public override bool IsClosed => _closed;

    /// <inheritdoc />
    public override int Depth => 0;

    /// <inheritdoc />
    public override bool Read()
    {
        if (_closed || !_rows.MoveNext())
        {
            return false;
        }

        var row = _rows.Current;
        for (var i = 0; i < Properties.Length; i++)
        {
            var value = Properties[i].GetValue(row);
            _values[i] = value switch
            {
                DateOnly date => date.ToDateTime(TimeOnly.MinValue),
                _ => value,
            };
        }

        RowsRead++;
        return true;
    }

    /// <inheritdoc />
    public override bool NextResult() => false;

    /// <inheritdoc />
    public override void Close()
    {
        _closed = true;
        _rows.Dispose();
    }

    /// <inheritdoc />
    public override string GetName(int ordinal) => Properties[ordinal].Name;

    /// <inheritdoc />
    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < Properties.Length; i++)
        {
            if (string.Equals(Properties[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new IndexOutOfRangeException($"{typeof(T).Name} has no property {name}.");
    }

    /// <inheritdoc />
    public override Type GetFieldType(int ordinal)
    {
        var type = Nullable.GetUnderlyingType(Properties[ordinal].PropertyType) ?? Properties[ordinal].PropertyType;
        return type == typeof(DateOnly) ? typeof(DateTime) : type;
    }

    /// <inheritdoc />
    public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

    /// <inheritdoc />
    public override object GetValue(int ordinal) => _values[ordinal] ?? DBNull.Value;

    /// <inheritdoc />
    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var count = Math.Min(values.Length, _values.Length);
        for (var i = 0; i < count; i++)
        {
            values[i] = GetValue(i);
        }

        return count;
    }

    /// <inheritdoc />
    public override bool IsDBNull(int ordinal) => _values[ordinal] is null;

    /// <inheritdoc />
    public override bool GetBoolean(int ordinal) => (bool)GetValue(ordinal);

    /// <inheritdoc />
    public override byte GetByte(int ordinal) => (byte)GetValue(ordinal);

    /// <inheritdoc />
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) =>
        throw new NotSupportedException("binary columns are not streamed by ObjectDataReader");

    /// <inheritdoc />
    public override char GetChar(int ordinal) => (char)GetValue(ordinal);

    /// <inheritdoc />
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) =>
        throw new NotSupportedException("use GetString");

    /// <inheritdoc />
    public override DateTime GetDateTime(int ordinal) => (DateTime)GetValue(ordinal);

    /// <inheritdoc />
    public override decimal GetDecimal(int ordinal) => (decimal)GetValue(ordinal);

    /// <inheritdoc />
    public override double GetDouble(int ordinal) => (double)GetValue(ordinal);

    /// <inheritdoc />
    public override float GetFloat(int ordinal) => (float)GetValue(ordinal);

    /// <inheritdoc />
    public override Guid GetGuid(int ordinal) => (Guid)GetValue(ordinal);

    /// <inheritdoc />
    public override short GetInt16(int ordinal) => (short)GetValue(ordinal);

    /// <inheritdoc />
    public override int GetInt32(int ordinal) => (int)GetValue(ordinal);

    /// <inheritdoc />
    public override long GetInt64(int ordinal) => (long)GetValue(ordinal);

    /// <inheritdoc />
    public override string GetString(int ordinal) => (string)GetValue(ordinal);

    /// <inheritdoc />
    public override System.Collections.IEnumerator GetEnumerator() => throw new NotSupportedException();
}
