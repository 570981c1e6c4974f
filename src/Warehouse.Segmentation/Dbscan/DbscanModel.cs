using System;
using System.IO;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation.Dbscan;

/// <summary>
/// A DBSCAN result: training labels (noise −1) and the core rows with their cluster, used to assign new rows: a
/// new row joins the cluster of the nearest core row within ε, else it is noise (−1). Immutable.
/// </summary>
public sealed class DbscanModel : ISegmentationModel
{
    private readonly FeatureMatrix _corePoints;
    private readonly int[] _coreLabels;
    private readonly int[] _coreIndices;
    private readonly int[] _labels;
    private readonly KdTree _tree;

    internal DbscanModel(double epsilon, int minPoints, int clusters, FeatureMatrix corePoints, int[] coreLabels, int[] coreIndices, int[] labels)
    {
        Epsilon = epsilon;
        MinPoints = minPoints;
        NumberOfSegments = clusters;
        _corePoints = corePoints;
        _coreLabels = coreLabels;
        _coreIndices = coreIndices;
        _labels = labels;
        _tree = new KdTree(corePoints.Values, corePoints.Rows, corePoints.Columns);
    }

    /// <summary>Neighbourhood radius ε.</summary>
    public double Epsilon { get; }

    /// <summary>Rows within ε (itself included) that make a core row.</summary>
    public int MinPoints { get; }

    /// <inheritdoc />
    public int NumberOfSegments { get; }

    /// <inheritdoc />
    public int FeatureCount => _corePoints.Columns;

    /// <summary>Cluster of each training row, −1 for noise (copy).</summary>
    public int[] TrainingLabels => (int[])_labels.Clone();

    /// <summary>Training-row indices of the core rows, ascending (copy).</summary>
    public int[] CoreSampleIndices => (int[])_coreIndices.Clone();

    /// <summary>Number of training rows labelled noise.</summary>
    public int NoiseCount
    {
        get
        {
            int c = 0;
            foreach (var l in _labels) if (l < 0) c++;
            return c;
        }
    }

    /// <inheritdoc />
    public int Predict(double[] row)
    {
        if (row is null) throw new ArgumentNullException(nameof(row));
        if (row.Length != FeatureCount) throw new ArgumentException($"row has {row.Length} values but the model was trained on {FeatureCount} features", nameof(row));
        for (int j = 0; j < row.Length; j++)
            if (double.IsNaN(row[j]) || double.IsInfinity(row[j]))
                throw new ArgumentException($"{_corePoints.DescribeColumn(j)}: value is {row[j]}; rows must be finite", nameof(row));
        return Assign(row, 0, new int[KdTree.StackSize]);
    }

    /// <inheritdoc />
    public int[] Predict(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Columns != FeatureCount) throw new ArgumentException($"data has {data.Columns} columns but the model was trained on {FeatureCount}", nameof(data));
        data.EnsureFinite(nameof(data));
        var stack = new int[KdTree.StackSize];
        var result = new int[data.Rows];
        for (int i = 0; i < data.Rows; i++) result[i] = Assign(data.Values, (long)i * data.Columns, stack);
        return result;
    }

    private int Assign(double[] x, long offset, int[] stack)
    {
        if (_corePoints.Rows == 0) return -1;
        int t = _tree.Nearest(x, offset, Epsilon * Epsilon, stack);
        return t < 0 ? -1 : _coreLabels[_tree.RowAt(t)];
    }

    /// <inheritdoc />
    public byte[] Serialize() => ModelEnvelope.Write(ModelKind.Dbscan, w =>
    {
        w.Write(Epsilon);
        w.Write(MinPoints);
        w.Write(NumberOfSegments);
        ModelEnvelope.WriteMatrix(w, _corePoints);
        ModelEnvelope.WriteInts(w, _coreLabels);
        ModelEnvelope.WriteInts(w, _coreIndices);
        ModelEnvelope.WriteInts(w, _labels);
    });

    internal static DbscanModel ReadBody(BinaryReader r)
    {
        double eps = r.ReadDouble();
        int minPts = r.ReadInt32();
        int clusters = r.ReadInt32();
        var core = ModelEnvelope.ReadMatrix(r);
        var coreLabels = ModelEnvelope.ReadInts(r);
        var coreIndices = ModelEnvelope.ReadInts(r);
        var labels = ModelEnvelope.ReadInts(r);
        if (!(eps > 0) || minPts < 1 || clusters < 0) throw ModelEnvelope.Corrupt("invalid DBSCAN parameters");
        if (coreLabels.Length != core.Rows || coreIndices.Length != core.Rows) throw ModelEnvelope.Corrupt("core arrays disagree in length");
        foreach (var l in coreLabels) if ((uint)l >= (uint)clusters) throw ModelEnvelope.Corrupt($"core label {l} out of range");
        return new DbscanModel(eps, minPts, clusters, core, coreLabels, coreIndices, labels);
    }
}
