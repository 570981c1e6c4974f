namespace Warehouse.Segmentation;

/// <summary>
/// A trained, immutable segmentation model: assigns rows (already scaled the way the training data was) to
/// segments numbered 0 … <see cref="NumberOfSegments"/> − 1. DBSCAN-style models return −1 for noise.
/// </summary>
public interface ISegmentationModel
{
    /// <summary>Number of segments the model can assign (noise, −1, not counted).</summary>
    int NumberOfSegments { get; }

    /// <summary>Number of features (columns) a row must have.</summary>
    int FeatureCount { get; }

    /// <summary>Assigns one row. Throws <see cref="System.ArgumentException"/> for a wrong length or a non-finite value.</summary>
    int Predict(double[] row);

    /// <summary>Assigns every row of <paramref name="data"/>.</summary>
    int[] Predict(FeatureMatrix data);

    /// <summary>Serializes the model (signature, format version, checksum) for a <c>varbinary(max)</c> column;
    /// read back with <see cref="SegmentationModelSerializer.Deserialize(byte[])"/>.</summary>
    byte[] Serialize();
}
