using System;
using System.Globalization;

namespace Warehouse.Segmentation;

/// <summary>
/// A dense, row-major matrix of doubles: one row per customer (observation), one column per feature.
/// </summary>
/// <remarks>
/// The values are stored in one array (<see cref="Values"/>) so that the clustering kernels can stream them
/// without indirection; element (r, c) is <c>Values[r * Columns + c]</c>. The matrix does not copy the array
/// handed to <see cref="FeatureMatrix(double[], int)"/>: callers that keep writing to it change the matrix.
/// Memory: 8 bytes per element. NaN and infinities are allowed in the container; the algorithms reject them
/// with an error naming the row and column (see <see cref="FindNonFinite"/>).
/// </remarks>
public sealed class FeatureMatrix
{
    private string[]? _columnNames;

    /// <summary>Creates a zero-filled matrix.</summary>
    /// <param name="rows">Number of rows, ≥ 0.</param>
    /// <param name="columns">Number of columns, ≥ 1.</param>
    public FeatureMatrix(int rows, int columns)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be ≥ 0");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "must be ≥ 1");
        long size = (long)rows * columns;
        if (size > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows × columns = {size} exceeds the largest array ({int.MaxValue} elements)");
        Rows = rows;
        Columns = columns;
        Values = new double[size];
    }

    /// <summary>Wraps an existing row-major array (not copied).</summary>
    /// <param name="rowMajorValues">Values, row after row; its length must be a multiple of <paramref name="columns"/>.</param>
    /// <param name="columns">Number of columns, ≥ 1.</param>
    public FeatureMatrix(double[] rowMajorValues, int columns)
    {
        if (rowMajorValues is null) throw new ArgumentNullException(nameof(rowMajorValues));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "must be ≥ 1");
        if (rowMajorValues.Length % columns != 0)
            throw new ArgumentException($"length {rowMajorValues.Length} is not a multiple of the column count {columns}", nameof(rowMajorValues));
        Rows = rowMajorValues.Length / columns;
        Columns = columns;
        Values = rowMajorValues;
    }

    /// <summary>Builds a matrix from jagged rows (copied). All rows must have the same length.</summary>
    /// <param name="rows">At least one row; each row at least one value.</param>
    public static FeatureMatrix FromRows(double[][] rows)
    {
        if (rows is null) throw new ArgumentNullException(nameof(rows));
        if (rows.Length == 0) throw new ArgumentException("at least one row is needed to know the column count", nameof(rows));
        if (rows[0] is null) throw new ArgumentException("row 0 is null", nameof(rows));
        int columns = rows[0].Length;
        var m = new FeatureMatrix(rows.Length, columns);
        for (int r = 0; r < rows.Length; r++)
        {
            var row = rows[r] ?? throw new ArgumentException($"row {r} is null", nameof(rows));
            if (row.Length != columns)
                throw new ArgumentException($"row {r} has {row.Length} values but row 0 has {columns}", nameof(rows));
            Array.Copy(row, 0, m.Values, (long)r * columns, columns);
        }
        return m;
    }

    /// <summary>Number of rows (observations).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns { get; }

    /// <summary>The row-major storage, exposed for speed: element (r, c) is <c>Values[r * Columns + c]</c>.</summary>
    public double[] Values { get; }

    /// <summary>Optional feature names, one per column (null when unnamed).</summary>
    /// <exception cref="ArgumentException">When set to an array whose length is not <see cref="Columns"/>.</exception>
    public string[]? ColumnNames
    {
        get => _columnNames;
        set
        {
            if (value is not null && value.Length != Columns)
                throw new ArgumentException($"{value.Length} column names given for {Columns} columns", nameof(value));
            _columnNames = value;
        }
    }

    /// <summary>Gets or sets one element.</summary>
    public double this[int row, int column]
    {
        get
        {
            CheckIndex(row, column);
            return Values[row * Columns + column];
        }
        set
        {
            CheckIndex(row, column);
            Values[row * Columns + column] = value;
        }
    }

    /// <summary>Returns a copy of one row.</summary>
    public double[] GetRow(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"must be in [0, {Rows})");
        var copy = new double[Columns];
        Array.Copy(Values, (long)row * Columns, copy, 0, Columns);
        return copy;
    }

    /// <summary>Returns a new matrix holding the given rows in the given order (copied; names kept).</summary>
    public FeatureMatrix SelectRows(int[] rowIndices)
    {
        if (rowIndices is null) throw new ArgumentNullException(nameof(rowIndices));
        var m = new FeatureMatrix(rowIndices.Length, Columns) { ColumnNames = ColumnNames };
        for (int i = 0; i < rowIndices.Length; i++)
        {
            int r = rowIndices[i];
            if ((uint)r >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(rowIndices), r, $"row index at position {i} must be in [0, {Rows})");
            Array.Copy(Values, (long)r * Columns, m.Values, (long)i * Columns, Columns);
        }
        return m;
    }

    /// <summary>Returns a deep copy (values and names).</summary>
    public FeatureMatrix Clone()
    {
        var copy = new FeatureMatrix((double[])Values.Clone(), Columns) { ColumnNames = (string[]?)ColumnNames?.Clone() };
        return copy;
    }

    /// <summary>Name of a column for messages: its name when known, else "column c".</summary>
    public string DescribeColumn(int column) =>
        _columnNames is not null && (uint)column < (uint)_columnNames.Length && !string.IsNullOrEmpty(_columnNames[column])
            ? $"column {column} ('{_columnNames[column]}')"
            : "column " + column.ToString(CultureInfo.InvariantCulture);

    /// <summary>Finds the first NaN or infinite element, or returns false when every element is finite.</summary>
    public bool FindNonFinite(out int row, out int column)
    {
        var v = Values;
        for (int i = 0; i < v.Length; i++)
        {
            double x = v[i];
            if (double.IsNaN(x) || double.IsInfinity(x))
            {
                row = i / Columns;
                column = i % Columns;
                return true;
            }
        }
        row = -1;
        column = -1;
        return false;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the row, column and value when an element is NaN or infinite.</summary>
    /// <param name="parameterName">Name of the argument the matrix came from, for the exception.</param>
    public void EnsureFinite(string parameterName)
    {
        if (FindNonFinite(out int r, out int c))
        {
            double x = this[r, c];
            string what = double.IsNaN(x) ? "NaN" : x.ToString(CultureInfo.InvariantCulture);
            throw new ArgumentException($"row {r}, {DescribeColumn(c)}: value is {what}; clustering needs finite values (impute or drop the row first)", parameterName);
        }
    }

    private void CheckIndex(int row, int column)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"must be in [0, {Rows})");
        if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column), column, $"must be in [0, {Columns})");
    }
}
