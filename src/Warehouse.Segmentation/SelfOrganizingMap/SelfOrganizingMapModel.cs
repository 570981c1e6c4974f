using System;
using System.IO;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation.SelfOrganizingMap;

/// <summary>
/// A trained self-organizing map: unit weights on a grid, each unit's segment, and the map-quality measures.
/// Units are numbered row by row: unit = row·Width + column. Immutable.
/// </summary>
public sealed class SelfOrganizingMapModel : ISegmentationModel
{
    private readonly FeatureMatrix _units;
    private readonly int[] _unitSegments;
    private readonly double[] _grid;

    internal SelfOrganizingMapModel(int width, int height, MapTopology topology, FeatureMatrix units, int[] unitSegments)
    {
        Width = width;
        Height = height;
        Topology = topology;
        _units = units;
        _unitSegments = unitSegments;
        _grid = GridCoordinates(width, height, topology);
        int k = 0;
        foreach (var s in unitSegments) k = Math.Max(k, s + 1);
        NumberOfSegments = k;
    }

    /// <summary>Units per grid row.</summary>
    public int Width { get; }

    /// <summary>Grid rows.</summary>
    public int Height { get; }

    /// <summary>Grid topology.</summary>
    public MapTopology Topology { get; }

    /// <summary>Unit weights (Width·Height × d; copy).</summary>
    public FeatureMatrix UnitWeights => _units.Clone();

    /// <summary>Segment of each unit (copy).</summary>
    public int[] UnitSegments => (int[])_unitSegments.Clone();

    /// <inheritdoc />
    public int NumberOfSegments { get; }

    /// <inheritdoc />
    public int FeatureCount => _units.Columns;

    /// <summary>Plane coordinates (x, y) of a unit for plotting.</summary>
    public double[] UnitPosition(int unit)
    {
        if ((uint)unit >= (uint)(Width * Height)) throw new ArgumentOutOfRangeException(nameof(unit), unit, $"must be in [0, {Width * Height})");
        return new[] { _grid[2 * unit], _grid[2 * unit + 1] };
    }

    /// <summary>Best-matching unit of a row (lowest squared distance, lowest unit on ties).</summary>
    public int BestMatchingUnit(double[] row)
    {
        CheckRow(row);
        return BestUnit(_units.Values, _units.Rows, _units.Columns, row, 0, out _);
    }

    /// <inheritdoc />
    public int Predict(double[] row) => _unitSegments[BestMatchingUnit(row)];

    /// <inheritdoc />
    public int[] Predict(FeatureMatrix data)
    {
        Check(data);
        var result = new int[data.Rows];
        for (int i = 0; i < data.Rows; i++)
            result[i] = _unitSegments[BestUnit(_units.Values, _units.Rows, _units.Columns, data.Values, (long)i * data.Columns, out _)];
        return result;
    }

    /// <summary>Mean Euclidean distance of the rows to their best-matching unit.</summary>
    public double QuantizationError(FeatureMatrix data)
    {
        Check(data);
        double s = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            BestUnit(_units.Values, _units.Rows, _units.Columns, data.Values, (long)i * data.Columns, out double d2);
            s += Math.Sqrt(d2);
        }
        return s / data.Rows;
    }

    /// <summary>Share of rows whose best and second-best units are not grid neighbours (Kiviluoto 1996).</summary>
    public double TopographicError(FeatureMatrix data)
    {
        Check(data);
        int units = _units.Rows, d = _units.Columns;
        if (units < 2) return 0;
        int errors = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            int best = -1, second = -1;
            double b1 = double.PositiveInfinity, b2 = double.PositiveInfinity;
            for (int u = 0; u < units; u++)
            {
                double s = SquaredDistance(_units.Values, u * d, data.Values, (long)i * d, d);
                if (s < b1)
                {
                    b2 = b1; second = best;
                    b1 = s; best = u;
                }
                else if (s < b2)
                {
                    b2 = s; second = u;
                }
            }
            if (!AreNeighbors(best, second)) errors++;
        }
        return (double)errors / data.Rows;
    }

    /// <summary>
    /// U-matrix (Ultsch and Siemon 1990): for each unit, the mean distance between its weights and those of its grid
    /// neighbours (Height × Width, row-major). High values mark cluster borders.
    /// </summary>
    public double[,] UMatrix()
    {
        var u = new double[Height, Width];
        int d = _units.Columns;
        for (int a = 0; a < Width * Height; a++)
        {
            double s = 0;
            int count = 0;
            for (int b = 0; b < Width * Height; b++)
            {
                if (a == b || !AreNeighbors(a, b)) continue;
                s += Math.Sqrt(SquaredDistance(_units.Values, a * d, _units.Values, (long)b * d, d));
                count++;
            }
            u[a / Width, a % Width] = count > 0 ? s / count : 0;
        }
        return u;
    }

    /// <summary>Whether two units are grid neighbours (rectangular: Chebyshev distance 1; hexagonal: the 6 around).</summary>
    public bool AreNeighbors(int a, int b)
    {
        if (a == b) return false;
        if (Topology == MapTopology.Rectangular)
            return Math.Abs(a % Width - b % Width) <= 1 && Math.Abs(a / Width - b / Width) <= 1;
        double dx = _grid[2 * a] - _grid[2 * b], dy = _grid[2 * a + 1] - _grid[2 * b + 1];
        return dx * dx + dy * dy <= 1.0 + 1e-9;
    }

    internal static double[] GridCoordinates(int width, int height, MapTopology topology)
    {
        var g = new double[2 * width * height];
        double rowStep = topology == MapTopology.Hexagonal ? Math.Sqrt(3) / 2 : 1.0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                int u = r * width + c;
                g[2 * u] = c + (topology == MapTopology.Hexagonal && r % 2 == 1 ? 0.5 : 0.0);
                g[2 * u + 1] = r * rowStep;
            }
        return g;
    }

    [MethodImpl(Hot.Optimize)]
    internal static int BestUnit(double[] weights, int units, int d, double[] x, long xo, out double bestDistance)
    {
        int best = 0;
        bestDistance = double.PositiveInfinity;
        for (int u = 0; u < units; u++)
        {
            double s = SquaredDistance(weights, u * d, x, xo, d);
            if (s < bestDistance)
            {
                bestDistance = s;
                best = u;
            }
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SquaredDistance(double[] a, long ao, double[] b, long bo, int d)
    {
        double s = 0;
        for (int j = 0; j < d; j++)
        {
            double t = a[ao + j] - b[bo + j];
            s += t * t;
        }
        return s;
    }

    /// <inheritdoc />
    public byte[] Serialize() => ModelEnvelope.Write(ModelKind.SelfOrganizingMap, w =>
    {
        w.Write(Width);
        w.Write(Height);
        w.Write((byte)Topology);
        ModelEnvelope.WriteMatrix(w, _units);
        ModelEnvelope.WriteInts(w, _unitSegments);
    });

    internal static SelfOrganizingMapModel ReadBody(BinaryReader r)
    {
        int width = r.ReadInt32(), height = r.ReadInt32();
        var topology = (MapTopology)r.ReadByte();
        var units = ModelEnvelope.ReadMatrix(r);
        var segments = ModelEnvelope.ReadInts(r);
        if (width < 1 || height < 1 || !Enum.IsDefined(typeof(MapTopology), topology) || (long)width * height != units.Rows || segments.Length != units.Rows)
            throw ModelEnvelope.Corrupt("self-organizing map dimensions disagree");
        foreach (var s in segments) if (s < 0) throw ModelEnvelope.Corrupt("negative unit segment");
        return new SelfOrganizingMapModel(width, height, topology, units, segments);
    }

    private void Check(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Columns != FeatureCount) throw new ArgumentException($"data has {data.Columns} columns but the map was trained on {FeatureCount}", nameof(data));
        data.EnsureFinite(nameof(data));
    }

    private void CheckRow(double[] row)
    {
        if (row is null) throw new ArgumentNullException(nameof(row));
        if (row.Length != FeatureCount) throw new ArgumentException($"row has {row.Length} values but the map was trained on {FeatureCount} features", nameof(row));
        for (int j = 0; j < row.Length; j++)
            if (double.IsNaN(row[j]) || double.IsInfinity(row[j]))
                throw new ArgumentException($"{_units.DescribeColumn(j)}: value is {row[j]}; rows must be finite", nameof(row));
    }
}
