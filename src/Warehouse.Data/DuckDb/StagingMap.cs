namespace Warehouse.Data.DuckDb;

/// <summary>
/// The columns, in table order, that a row type writes into a DuckDB table through the column-wise
/// <see cref="DuckDbChunkAppender"/>: <c>Map(r =&gt; r.Property)</c> once per column, as DuckDB.NET's
/// <c>DuckDBAppenderMap</c> is declared.
/// </summary>
/// <remarks>
/// Why not DuckDB.NET's mapped appender: it hands strings to DuckDB as C strings, so text was cut at the first U+0000
/// (a CRM name <c>"nul\u0000byte"</c> was stored as <c>nul</c>, and the ids <c>"Z\u0000A"</c> and <c>"Z\u0000B"</c> became
/// one). The chunk appender passes every string with its byte length, so any text arrives exactly as given; it also checks
/// each column's DuckDB type against the declared kind before the first row (BOOLEAN, INTEGER, BIGINT, DOUBLE, DATE,
/// TIMESTAMP, DECIMAL up to width 18, VARCHAR).
/// </remarks>
/// <typeparam name="T">Row type.</typeparam>
public abstract class StagingMap<T>
    where T : class
{
    private readonly List<DuckDbChunkAppender.Column> _kinds = [];
    private readonly List<Action<DuckDbChunkAppender, int, T>> _writers = [];

    /// <summary>Declares a VARCHAR column.</summary>
    protected void Map(Func<T, string?> value) => Add(DuckDbChunkAppender.Column.Varchar, (a, i, r) => a.SetString(i, value(r)));

    /// <summary>Declares an INTEGER column.</summary>
    protected void Map(Func<T, int> value) => Add(DuckDbChunkAppender.Column.Integer, (a, i, r) => a.SetInt32(i, value(r)));

    /// <summary>Declares a nullable INTEGER column.</summary>
    protected void Map(Func<T, int?> value) => Add(DuckDbChunkAppender.Column.Integer, (a, i, r) =>
    {
        if (value(r) is { } v)
            a.SetInt32(i, v);
        else
            a.SetNull(i);
    });

    /// <summary>Declares a BIGINT column.</summary>
    protected void Map(Func<T, long> value) => Add(DuckDbChunkAppender.Column.BigInt, (a, i, r) => a.SetInt64(i, value(r)));

    /// <summary>Declares a BOOLEAN column.</summary>
    protected void Map(Func<T, bool> value) => Add(DuckDbChunkAppender.Column.Boolean, (a, i, r) => a.SetBoolean(i, value(r)));

    /// <summary>Declares a nullable BOOLEAN column.</summary>
    protected void Map(Func<T, bool?> value) => Add(DuckDbChunkAppender.Column.Boolean, (a, i, r) =>
    {
        if (value(r) is { } v)
            a.SetBoolean(i, v);
        else
            a.SetNull(i);
    });

    /// <summary>Declares a DOUBLE column.</summary>
    protected void Map(Func<T, double> value) => Add(DuckDbChunkAppender.Column.Double, (a, i, r) => a.SetDouble(i, value(r)));

    /// <summary>Declares a DECIMAL column (width ≤ 18; the value must be exact at the column's scale).</summary>
    protected void Map(Func<T, decimal> value) => Add(DuckDbChunkAppender.Column.Decimal, (a, i, r) => a.SetDecimal(i, value(r)));

    /// <summary>Declares a TIMESTAMP column.</summary>
    protected void Map(Func<T, DateTime> value) => Add(DuckDbChunkAppender.Column.Timestamp, (a, i, r) => a.SetTimestamp(i, value(r)));

    /// <summary>Declares a nullable TIMESTAMP column.</summary>
    protected void Map(Func<T, DateTime?> value) => Add(DuckDbChunkAppender.Column.Timestamp, (a, i, r) =>
    {
        if (value(r) is { } v)
            a.SetTimestamp(i, v);
        else
            a.SetNull(i);
    });

    /// <summary>Declares a nullable DATE column.</summary>
    protected void Map(Func<T, DateOnly?> value) => Add(DuckDbChunkAppender.Column.Date, (a, i, r) =>
    {
        if (value(r) is { } v)
            a.SetDate(i, v);
        else
            a.SetNull(i);
    });

    /// <summary>
    /// Appends <paramref name="rows"/> (consumed once, streaming) to a table whose columns are this map's, in order;
    /// returns the rows appended. Nothing is written unless every row was (the appender closes after the last row).
    /// </summary>
    internal long AppendTo(DuckDB.NET.Data.DuckDBConnection connection, string? catalog, string schema, string table, IEnumerable<T> rows)
    {
        using var appender = new DuckDbChunkAppender(connection, catalog, schema, table, [.. _kinds]);
        foreach (var row in rows)
        {
            for (var i = 0; i < _writers.Count; i++)
                _writers[i](appender, i, row);
            appender.EndRow();
        }

        appender.Close();
        return appender.RowCount;
    }

    private void Add(DuckDbChunkAppender.Column kind, Action<DuckDbChunkAppender, int, T> writer)
    {
        _kinds.Add(kind);
        _writers.Add(writer);
    }
}
