using System;
using System.IO;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// A trained k-means model: k centroids; a row belongs to its nearest centroid (Euclidean, ties to the lowest
/// index). Immutable: properties return copies.
/// </summary>
public sealed class KMeansModel : ISegmentationModel
{
    private readonly FeatureMatrix _centroids;
    private readonly double[] _clusterWeights;
    private readonly double[] _norms;
    private readonly int _maxDop;

    internal KMeansModel(FeatureMatrix centroids, double inertia, int iterations, bool converged, double[] clusterWeights, int maxDegreeOfParallelism)
    {
        _centroids = centroids;
        Inertia = inertia;
        Iterations = iterations;
        Converged = converged;
        _clusterWeights = clusterWeights;
        _maxDop = maxDegreeOfParallelism;
        _norms = LloydKernel.SquaredNorms(centroids.Values, centroids.Rows, centroids.Columns);
    }

    /// <summary>The centroids, one row per cluster (copy).</summary>
    public FeatureMatrix Centroids => _centroids.Clone();

    /// <summary>Sum of (weighted) squared distances of the training rows to their centroid.</summary>
    public double Inertia { get; }

    /// <summary>Lloyd iterations of the winning run.</summary>
    public int Iterations { get; }

    /// <summary>Whether the winning run stopped before the iteration cap (labels stable or shift ≤ tolerance).</summary>
    public bool Converged { get; }

    /// <summary>Total training weight (row count when unweighted) of each cluster (copy).</summary>
    public double[] ClusterWeights => (double[])_clusterWeights.Clone();

    /// <inheritdoc />
    public int NumberOfSegments => _centroids.Rows;

    /// <inheritdoc />
    public int FeatureCount => _centroids.Columns;

    /// <inheritdoc />
    public int Predict(double[] row)
    {
        CheckRow(row);
        return LloydKernel.NearestScalar(row, 0, row.Length, _centroids.Values, _norms, _centroids.Rows);
    }

    /// <inheritdoc />
    public int[] Predict(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Columns != FeatureCount)
            throw new ArgumentException($"data has {data.Columns} columns but the model was trained on {FeatureCount}", nameof(data));
        data.EnsureFinite(nameof(data));
        var labels = new int[data.Rows];
        LloydKernel.AssignAndSum(data.Values, data.Rows, data.Columns, null, _centroids.Values, _centroids.Rows, labels, null, null, _maxDop);
        return labels;
    }

    /// <summary>Squared Euclidean distance from a row to every centroid.</summary>
    public double[] SquaredDistances(double[] row)
    {
        CheckRow(row);
        var result = new double[NumberOfSegments];
        for (int c = 0; c < result.Length; c++)
            result[c] = KMeansPlusPlus.SquaredDistance(row, 0, _centroids.Values, (long)c * FeatureCount, FeatureCount);
        return result;
    }

    /// <inheritdoc />
    public byte[] Serialize() => ModelEnvelope.Write(ModelKind.KMeans, WriteBody);

    internal void WriteBody(BinaryWriter w)
    {
        ModelEnvelope.WriteMatrix(w, _centroids);
        w.Write(Inertia);
        w.Write(Iterations);
        w.Write(Converged);
        ModelEnvelope.WriteDoubles(w, _clusterWeights);
    }

    internal static KMeansModel ReadBody(BinaryReader r)
    {
        var centroids = ModelEnvelope.ReadMatrix(r);
        if (centroids.Rows < 1) throw ModelEnvelope.Corrupt("k-means model with no centroids");
        double inertia = r.ReadDouble();
        int iterations = r.ReadInt32();
        bool converged = r.ReadBoolean();
        var weights = ModelEnvelope.ReadDoubles(r);
        if (weights.Length != centroids.Rows) throw ModelEnvelope.Corrupt($"{weights.Length} cluster weights for {centroids.Rows} centroids");
        return new KMeansModel(centroids, inertia, iterations, converged, weights, -1);
    }

    private void CheckRow(double[] row)
    {
        if (row is null) throw new ArgumentNullException(nameof(row));
        if (row.Length != FeatureCount)
            throw new ArgumentException($"row has {row.Length} values but the model was trained on {FeatureCount} features", nameof(row));
        for (int j = 0; j < row.Length; j++)
            if (double.IsNaN(row[j]) || double.IsInfinity(row[j]))
                throw new ArgumentException($"{_centroids.DescribeColumn(j)}: value is {row[j]}; rows must be finite", nameof(row));
    }
}
