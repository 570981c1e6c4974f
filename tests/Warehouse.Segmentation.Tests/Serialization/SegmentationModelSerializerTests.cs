using System.IO;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Scaling;

namespace Warehouse.Segmentation.Tests.Serialization;

public class SegmentationModelSerializerTests
{
    private static KMeansModel Model()
    {
        var (data, _) = Planted.Separated(1, 3, 20, 3);
        data.ColumnNames = new[] { "a", "b", "c" };
        return new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3 }).Fit(data);
    }

    [Fact]
    public void KMeans_round_trip_predicts_the_same()
    {
        var model = Model();
        var (data, _) = Planted.Separated(2, 3, 20, 3);
        var back = Assert.IsType<KMeansModel>(SegmentationModelSerializer.Deserialize(model.Serialize()));
        Assert.Equal(model.Predict(data), back.Predict(data));
        Assert.Equal(model.Inertia, back.Inertia);
        Assert.Equal(model.Iterations, back.Iterations);
        Assert.Equal(new[] { "a", "b", "c" }, back.Centroids.ColumnNames);
    }

    [Fact]
    public void Payload_starts_with_signature_and_version()
    {
        var bytes = Model().Serialize();
        Assert.Equal((byte)'W', bytes[0]);
        Assert.Equal((byte)'S', bytes[1]);
        Assert.Equal((byte)'E', bytes[2]);
        Assert.Equal((byte)'G', bytes[3]);
        Assert.Equal(SegmentationModelSerializer.CurrentFormatVersion, BitConverter.ToUInt16(bytes, 4));
    }

    [Fact]
    public void Newer_version_is_a_clear_error()
    {
        var bytes = Model().Serialize();
        bytes[4] = 99;
        var e = Assert.Throws<InvalidDataException>(() => SegmentationModelSerializer.Deserialize(bytes));
        Assert.Contains("version 99", e.Message);
        Assert.Contains("newer", e.Message);
    }

    [Fact]
    public void Corrupt_truncated_and_foreign_payloads_are_clear_errors()
    {
        var bytes = Model().Serialize();
        var flipped = (byte[])bytes.Clone();
        flipped[20] ^= 1;
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => SegmentationModelSerializer.Deserialize(flipped)).Message);
        var truncated = bytes.Take(bytes.Length - 9).ToArray();
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => SegmentationModelSerializer.Deserialize(truncated)).Message);
        Assert.Contains("signature", Assert.Throws<InvalidDataException>(() => SegmentationModelSerializer.Deserialize(new byte[40])).Message);
        var scaler = FeatureScaler.Fit(FeatureMatrix.FromRows(new[] { new[] { 1.0 }, new[] { 2.0 } }), ScalingMethod.ZScore).Serialize();
        Assert.Contains("scaler", Assert.Throws<InvalidDataException>(() => SegmentationModelSerializer.Deserialize(scaler)).Message);
    }
}

public class ScaledSegmentationModelTests
{
    [Fact]
    public void Scaler_is_stored_with_the_model_and_applied_to_raw_rows()
    {
        var (data, _) = Planted.Separated(3, 3, 30, 2);
        var raw = data.Clone();
        for (int i = 0; i < raw.Rows; i++) raw[i, 1] = raw[i, 1] * 1000 + 50; // money-like units
        var scaler = Warehouse.Segmentation.Scaling.FeatureScaler.Fit(raw, Warehouse.Segmentation.Scaling.ScalingMethod.ZScore);
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3 }).Fit(scaler.Transform(raw));
        var scaled = new ScaledSegmentationModel(scaler, model);
        var back = Assert.IsType<ScaledSegmentationModel>(SegmentationModelSerializer.Deserialize(scaled.Serialize()));
        Assert.Equal(model.Predict(scaler.Transform(raw)), back.Predict(raw));
        Assert.Equal(model.Predict(scaler.Transform(raw.GetRow(5))), back.Predict(raw.GetRow(5)));
        Assert.IsType<KMeansModel>(back.Model);
        Assert.Throws<ArgumentException>(() => new ScaledSegmentationModel(scaler, new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 2 }).Fit(FeatureMatrix.FromRows(new[] { new[] { 1.0 }, new[] { 2.0 } }))));
    }
}
