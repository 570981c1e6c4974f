using System;
using System.IO;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation.Hierarchical;

/// <summary>
/// A cut of an agglomerative merge tree: the tree (<see cref="Tree"/>), the training rows' segments and the
/// segment centroids; <see cref="Predict(double[])"/> assigns a new row to the nearest centroid.
/// </summary>
public sealed class HierarchicalModel : ISegmentationModel
{
    private readonly int[] _labels;
    private readonly FeatureMatrix _centroids;
    private readonly double[] _norms;

    private HierarchicalModel(LinkageMatrix tree, int[] labels, FeatureMatrix centroids)
    {
        Tree = tree;
        _labels = labels;
        _centroids = centroids;
        _norms = LloydKernel.SquaredNorms(centroids.Values, centroids.Rows, centroids.Columns);
    }

    internal static HierarchicalModel Create(LinkageMatrix tree, FeatureMatrix data, int[] labels)
    {
        int k = 0;
        foreach (var l in labels) k = Math.Max(k, l + 1);
        int d = data.Columns;
        var centroids = new FeatureMatrix(k, d) { ColumnNames = (string[]?)data.ColumnNames?.Clone() };
        var counts = new int[k];
        for (int i = 0; i < data.Rows; i++)
        {
            counts[labels[i]]++;
            for (int j = 0; j < d; j++) centroids.Values[labels[i] * d + j] += data.Values[(long)i * d + j];
        }
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) centroids.Values[c * d + j] /= counts[c];
        return new HierarchicalModel(tree, labels, centroids);
    }

    /// <summary>The full merge tree (scipy linkage format, dendrogram data).</summary>
    public LinkageMatrix Tree { get; }

    /// <summary>Segment of each training row (copy), numbered by first appearance.</summary>
    public int[] TrainingLabels => (int[])_labels.Clone();

    /// <summary>Mean of each segment's training rows (copy).</summary>
    public FeatureMatrix Centroids => _centroids.Clone();

    /// <inheritdoc />
    public int NumberOfSegments => _centroids.Rows;

    /// <inheritdoc />
    public int FeatureCount => _centroids.Columns;

    /// <inheritdoc />
    public int Predict(double[] row)
    {
        if (row is null) throw new ArgumentNullException(nameof(row));
        if (row.Length != FeatureCount) throw new ArgumentException($"row has {row.Length} values but the model was trained on {FeatureCount} features", nameof(row));
        for (int j = 0; j < row.Length; j++)
            if (double.IsNaN(row[j]) || double.IsInfinity(row[j]))
                throw new ArgumentException($"{_centroids.DescribeColumn(j)}: value is {row[j]}; rows must be finite", nameof(row));
        return LloydKernel.NearestScalar(row, 0, row.Length, _centroids.Values, _norms, _centroids.Rows);
    }

    /// <inheritdoc />
    public int[] Predict(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Columns != FeatureCount) throw new ArgumentException($"data has {data.Columns} columns but the model was trained on {FeatureCount}", nameof(data));
        data.EnsureFinite(nameof(data));
        var labels = new int[data.Rows];
        LloydKernel.AssignAndSum(data.Values, data.Rows, data.Columns, null, _centroids.Values, _centroids.Rows, labels, null, null, -1);
        return labels;
    }

    /// <inheritdoc />
    public byte[] Serialize() => ModelEnvelope.Write(ModelKind.Hierarchical, w =>
    {
        Tree.Write(w);
        ModelEnvelope.WriteInts(w, _labels);
        ModelEnvelope.WriteMatrix(w, _centroids);
    });

    internal static HierarchicalModel ReadBody(BinaryReader r)
    {
        var tree = LinkageMatrix.Read(r);
        var labels = ModelEnvelope.ReadInts(r);
        var centroids = ModelEnvelope.ReadMatrix(r);
        if (labels.Length != tree.LeafCount) throw ModelEnvelope.Corrupt($"{labels.Length} labels for {tree.LeafCount} leaves");
        foreach (var l in labels)
            if ((uint)l >= (uint)centroids.Rows) throw ModelEnvelope.Corrupt($"label {l} without centroid");
        return new HierarchicalModel(tree, labels, centroids);
    }
}
