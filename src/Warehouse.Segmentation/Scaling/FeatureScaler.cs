using System;
using System.Globalization;
using System.IO;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation.Scaling;

/// <summary>
/// Per-column feature scaling fitted on training data and stored with the model, so that new rows are scaled
/// exactly as the training rows were.
/// </summary>
/// <remarks>
/// Each column gets a <see cref="ScalingMethod"/>, a centre and a scale; <c>y = (f(x) − centre) / scale</c> where
/// f is log1p for <see cref="ScalingMethod.Log1pZScore"/> and the identity otherwise. A column that is constant in
/// the training data carries no information: it is mapped to 0 for every row (not NaN, not x − centre).
/// Cost: Fit O(n·d) (Robust: O(n log n) per column for the percentiles), Transform O(n·d). NaN or infinite inputs
/// throw <see cref="ArgumentException"/> naming the row and the column.
/// </remarks>
public sealed class FeatureScaler
{
    private readonly ScalingMethod[] _methods;
    private readonly double[] _centers;
    private readonly double[] _scales;
    private readonly bool[] _constant;
    private readonly string[]? _names;

    private FeatureScaler(ScalingMethod[] methods, double[] centers, double[] scales, bool[] constant, string[]? names)
    {
        _methods = methods;
        _centers = centers;
        _scales = scales;
        _constant = constant;
        _names = names;
    }

    /// <summary>Number of columns the scaler expects.</summary>
    public int FeatureCount => _methods.Length;

    /// <summary>The method of each column (copy).</summary>
    public ScalingMethod[] Methods => (ScalingMethod[])_methods.Clone();

    /// <summary>The centre subtracted from each column after the log1p step (mean, median or min; copy).</summary>
    public double[] Centers => (double[])_centers.Clone();

    /// <summary>The divisor of each column (standard deviation, IQR or range; 1 for None and constant columns; copy).</summary>
    public double[] Scales => (double[])_scales.Clone();

    /// <summary>Whether each column was constant in the training data (such columns map to 0; copy).</summary>
    public bool[] ConstantColumns => (bool[])_constant.Clone();

    /// <summary>Column names captured from the training matrix, if it had any (copy).</summary>
    public string[]? ColumnNames => (string[]?)_names?.Clone();

    /// <summary>Fits one method for every column.</summary>
    public static FeatureScaler Fit(FeatureMatrix data, ScalingMethod method)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        var methods = new ScalingMethod[data.Columns];
        for (int c = 0; c < methods.Length; c++) methods[c] = method;
        return Fit(data, methods);
    }

    /// <summary>Fits one method per column.</summary>
    /// <param name="data">Training rows, at least one.</param>
    /// <param name="perColumn">One method per column of <paramref name="data"/>.</param>
    public static FeatureScaler Fit(FeatureMatrix data, ScalingMethod[] perColumn)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (perColumn is null) throw new ArgumentNullException(nameof(perColumn));
        if (perColumn.Length != data.Columns)
            throw new ArgumentException($"{perColumn.Length} scaling methods given for {data.Columns} columns", nameof(perColumn));
        if (data.Rows == 0) throw new ArgumentException("cannot fit a scaler on 0 rows", nameof(data));
        int n = data.Rows, d = data.Columns;
        var centers = new double[d];
        var scales = new double[d];
        var constant = new bool[d];
        var column = new double[n];
        var v = data.Values;
        for (int c = 0; c < d; c++)
        {
            var method = perColumn[c];
            if (!Enum.IsDefined(typeof(ScalingMethod), method))
                throw new ArgumentOutOfRangeException(nameof(perColumn), method, $"unknown scaling method for {data.DescribeColumn(c)}");
            for (int r = 0; r < n; r++)
            {
                double x = v[(long)r * d + c];
                column[r] = Forward(method, x, r, c, data.ColumnNames, nameof(data));
            }
            double min = column[0], max = column[0];
            for (int r = 1; r < n; r++)
            {
                if (column[r] < min) min = column[r];
                if (column[r] > max) max = column[r];
            }
            constant[c] = min == max;
            switch (method)
            {
                case ScalingMethod.None:
                    centers[c] = 0;
                    scales[c] = 1;
                    constant[c] = false; // None means untouched, even when constant
                    break;
                case ScalingMethod.ZScore:
                case ScalingMethod.Log1pZScore:
                    MeanStd(column, out centers[c], out scales[c]);
                    break;
                case ScalingMethod.Robust:
                    {
                        var sorted = (double[])column.Clone();
                        Array.Sort(sorted);
                        centers[c] = Percentile(sorted, 0.5);
                        double iqr = Percentile(sorted, 0.75) - Percentile(sorted, 0.25);
                        if (iqr > 0) scales[c] = iqr;
                        else MeanStd(column, out _, out scales[c]);
                        break;
                    }
                case ScalingMethod.MinMax:
                    centers[c] = min;
                    scales[c] = max - min;
                    break;
            }
            if (constant[c] || !(scales[c] > 0))
            {
                constant[c] = method != ScalingMethod.None;
                scales[c] = 1;
            }
        }
        return new FeatureScaler((ScalingMethod[])perColumn.Clone(), centers, scales, constant, (string[]?)data.ColumnNames?.Clone());
    }

    /// <summary>Scales every row into a new matrix (the input is not modified).</summary>
    public FeatureMatrix Transform(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Columns != FeatureCount)
            throw new ArgumentException($"data has {data.Columns} columns but the scaler was fitted on {FeatureCount}", nameof(data));
        int n = data.Rows, d = data.Columns;
        var result = new FeatureMatrix(n, d) { ColumnNames = data.ColumnNames ?? _names };
        var src = data.Values;
        var dst = result.Values;
        for (int r = 0; r < n; r++)
        {
            long o = (long)r * d;
            for (int c = 0; c < d; c++)
                dst[o + c] = Apply(c, src[o + c], r, data.ColumnNames, nameof(data));
        }
        return result;
    }

    /// <summary>Scales one row into a new array.</summary>
    public double[] Transform(double[] row)
    {
        if (row is null) throw new ArgumentNullException(nameof(row));
        if (row.Length != FeatureCount)
            throw new ArgumentException($"row has {row.Length} values but the scaler was fitted on {FeatureCount} columns", nameof(row));
        var result = new double[row.Length];
        for (int c = 0; c < row.Length; c++) result[c] = Apply(c, row[c], 0, _names, nameof(row));
        return result;
    }

    /// <summary>Maps scaled values back to the original units (for reporting centroids). Constant columns return
    /// their training value.</summary>
    public double[] InverseTransform(double[] scaledRow)
    {
        if (scaledRow is null) throw new ArgumentNullException(nameof(scaledRow));
        if (scaledRow.Length != FeatureCount)
            throw new ArgumentException($"row has {scaledRow.Length} values but the scaler was fitted on {FeatureCount} columns", nameof(scaledRow));
        var result = new double[scaledRow.Length];
        for (int c = 0; c < result.Length; c++)
        {
            double y = _constant[c] ? _centers[c] : scaledRow[c] * _scales[c] + _centers[c];
            result[c] = _methods[c] == ScalingMethod.Log1pZScore ? Math.Exp(y) - 1 : y;
        }
        return result;
    }

    /// <summary>Serializes the scaler (same envelope as models: signature, version, checksum).</summary>
    public byte[] Serialize() => ModelEnvelope.Write(ModelKind.FeatureScaler, WriteBody);

    internal void WriteBody(BinaryWriter w)
    {
        w.Write(_methods.Length);
        for (int c = 0; c < _methods.Length; c++)
        {
            w.Write((byte)_methods[c]);
            w.Write(_centers[c]);
            w.Write(_scales[c]);
            w.Write(_constant[c]);
        }
        ModelEnvelope.WriteStrings(w, _names);
    }

    /// <summary>Reads a scaler written by <see cref="Serialize"/>.</summary>
    /// <exception cref="InvalidDataException">Corrupt, truncated, newer-format payload, or not a scaler.</exception>
    public static FeatureScaler Deserialize(byte[] payload)
    {
        using var r = ModelEnvelope.Open(payload, out var kind);
        if (kind != ModelKind.FeatureScaler)
            throw new InvalidDataException($"payload holds a {kind} object, not a feature scaler");
        try
        {
            return ReadBody(r);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("corrupt feature scaler payload: body ends early", e);
        }
    }

    internal static FeatureScaler ReadBody(BinaryReader r)
    {
        int d = ModelEnvelope.ReadCount(r, "column count");
        if (d < 1) throw ModelEnvelope.Corrupt("scaler with no columns");
        var methods = new ScalingMethod[d];
        var centers = new double[d];
        var scales = new double[d];
        var constant = new bool[d];
        for (int c = 0; c < d; c++)
        {
            methods[c] = (ScalingMethod)r.ReadByte();
            if (!Enum.IsDefined(typeof(ScalingMethod), methods[c])) throw ModelEnvelope.Corrupt($"unknown scaling method {(byte)methods[c]} in column {c}");
            centers[c] = r.ReadDouble();
            scales[c] = r.ReadDouble();
            constant[c] = r.ReadBoolean();
        }
        var names = ModelEnvelope.ReadStrings(r);
        if (names is not null && names.Length != d) throw ModelEnvelope.Corrupt($"{names.Length} column names for {d} columns");
        return new FeatureScaler(methods, centers, scales, constant, names);
    }

    private double Apply(int c, double x, int row, string[]? names, string parameterName)
    {
        double f = Forward(_methods[c], x, row, c, names, parameterName);
        if (_methods[c] == ScalingMethod.None) return f;
        if (_constant[c]) return 0.0;
        return (f - _centers[c]) / _scales[c];
    }

    private static double Forward(ScalingMethod method, double x, int row, int column, string[]? names, string parameterName)
    {
        if (double.IsNaN(x) || double.IsInfinity(x))
            throw new ArgumentException($"row {row}, {Describe(column, names)}: value is {Format(x)}; scaling needs finite values (impute or drop the row first)", parameterName);
        if (method == ScalingMethod.Log1pZScore)
        {
            if (x <= -1)
                throw new ArgumentException($"row {row}, {Describe(column, names)}: value {Format(x)} is ≤ −1, outside the domain of log1p scaling", parameterName);
            return Log1p(x);
        }
        return x;
    }

    /// <summary>log(1 + x), accurate for small x (neither target has a log1p; this is the classic correction of Goldberg 1991).</summary>
    internal static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        return Math.Log(u) * x / (u - 1.0);
    }

    private static void MeanStd(double[] column, out double mean, out double std)
    {
        // Two-pass for accuracy (matches numpy's var with ddof = 0 to rounding).
        double sum = 0;
        for (int i = 0; i < column.Length; i++) sum += column[i];
        mean = sum / column.Length;
        double ss = 0;
        for (int i = 0; i < column.Length; i++)
        {
            double t = column[i] - mean;
            ss += t * t;
        }
        std = Math.Sqrt(ss / column.Length);
    }

    /// <summary>numpy's default ("linear") percentile of sorted values, q in [0, 1].</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    private static string Describe(int column, string[]? names) =>
        names is not null && column < names.Length && !string.IsNullOrEmpty(names[column])
            ? $"column {column} ('{names[column]}')"
            : "column " + column.ToString(CultureInfo.InvariantCulture);

    private static string Format(double x) => double.IsNaN(x) ? "NaN" : x.ToString("R", CultureInfo.InvariantCulture);
}
