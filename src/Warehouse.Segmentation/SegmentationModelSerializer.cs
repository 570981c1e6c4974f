using System;
using System.IO;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Serialization;

namespace Warehouse.Segmentation;

/// <summary>
/// Reads any model written by <see cref="ISegmentationModel.Serialize"/>. The payload format (signature "WSEG",
/// format version, model kind, length, body, CRC-32) is described on the envelope; version history: 1 — first format.
/// </summary>
public static class SegmentationModelSerializer
{
    /// <summary>The newest payload format version this build writes and reads.</summary>
    public const int CurrentFormatVersion = ModelEnvelope.CurrentVersion;

    /// <summary>Reads a model.</summary>
    /// <exception cref="ArgumentNullException">Null payload.</exception>
    /// <exception cref="InvalidDataException">Not a model, truncated, checksum mismatch, a newer format version, or an
    /// unknown model kind; the message says which.</exception>
    public static ISegmentationModel Deserialize(byte[] payload)
    {
        using var r = ModelEnvelope.Open(payload, out var kind);
        try
        {
            ISegmentationModel model = kind switch
            {
                ModelKind.KMeans => KMeansModel.ReadBody(r),
                ModelKind.Scaled => ScaledSegmentationModel.ReadBody(r),
                ModelKind.Hierarchical => Hierarchical.HierarchicalModel.ReadBody(r),
                ModelKind.Dbscan => Dbscan.DbscanModel.ReadBody(r),
                ModelKind.GaussianMixture => Mixture.GaussianMixtureModel.ReadBody(r),
                ModelKind.SelfOrganizingMap => SelfOrganizingMap.SelfOrganizingMapModel.ReadBody(r),
                ModelKind.FeatureScaler => throw new InvalidDataException("payload holds a feature scaler, not a segmentation model; use FeatureScaler.Deserialize"),
                _ => throw new InvalidDataException($"payload holds model kind {(byte)kind}, unknown to this build; upgrade Warehouse.Segmentation"),
            };
            if (r.BaseStream.Position != r.BaseStream.Length)
                throw ModelEnvelope.Corrupt($"{r.BaseStream.Length - r.BaseStream.Position} unread bytes after the {kind} body");
            return model;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"corrupt segmentation payload: the {kind} body ends early", e);
        }
    }

    /// <summary>Reads the model kind of a payload without reading the model (after validating the envelope).</summary>
    public static ModelKind PeekKind(byte[] payload)
    {
        using var r = ModelEnvelope.Open(payload, out var kind);
        return kind;
    }
}
