using System;
using System.IO;
using Warehouse.Segmentation.Scaling;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation;

/// <summary>
/// A model together with the feature scaler it was trained behind, stored as one payload: <see cref="Predict(double[])"/>
/// takes rows in original units, scales them exactly as the training rows were, then assigns them.
/// </summary>
public sealed class ScaledSegmentationModel : ISegmentationModel
{
    /// <summary>Wraps a scaler and a model trained on its output.</summary>
    public ScaledSegmentationModel(FeatureScaler scaler, ISegmentationModel model)
    {
        Scaler = scaler ?? throw new ArgumentNullException(nameof(scaler));
        Model = model ?? throw new ArgumentNullException(nameof(model));
        if (model is ScaledSegmentationModel) throw new ArgumentException("the model is already scaled", nameof(model));
        if (scaler.FeatureCount != model.FeatureCount)
            throw new ArgumentException($"the scaler has {scaler.FeatureCount} columns but the model expects {model.FeatureCount}", nameof(model));
    }

    /// <summary>The scaler applied first.</summary>
    public FeatureScaler Scaler { get; }

    /// <summary>The model applied to scaled rows.</summary>
    public ISegmentationModel Model { get; }

    /// <inheritdoc />
    public int NumberOfSegments => Model.NumberOfSegments;

    /// <inheritdoc />
    public int FeatureCount => Model.FeatureCount;

    /// <inheritdoc />
    public int Predict(double[] row) => Model.Predict(Scaler.Transform(row));

    /// <inheritdoc />
    public int[] Predict(FeatureMatrix data) => Model.Predict(Scaler.Transform(data));

    /// <inheritdoc />
    public byte[] Serialize()
    {
        var inner = Model.Serialize();
        return ModelEnvelope.Write(ModelKind.Scaled, w =>
        {
            Scaler.WriteBody(w);
            w.Write(inner.Length);
            w.Write(inner);
        });
    }

    internal static ScaledSegmentationModel ReadBody(BinaryReader r)
    {
        var scaler = FeatureScaler.ReadBody(r);
        int length = ModelEnvelope.ReadCount(r, "inner model length");
        var inner = r.ReadBytes(length);
        if (inner.Length != length) throw ModelEnvelope.Corrupt("inner model truncated");
        if (SegmentationModelSerializer.PeekKind(inner) == ModelKind.Scaled) throw ModelEnvelope.Corrupt("nested scaled model");
        var model = SegmentationModelSerializer.Deserialize(inner);
        if (model.FeatureCount != scaler.FeatureCount) throw ModelEnvelope.Corrupt("scaler and model disagree on the number of features");
        return new ScaledSegmentationModel(scaler, model);
    }
}
