using System.IO;
using Warehouse.Segmentation.Scaling;

namespace Warehouse.Segmentation.Tests.Scaling;

public class FeatureScalerTests
{
    private static FeatureMatrix Sample() => FeatureMatrix.FromRows(new[]
    {
        new[] { 1.0, 5.0, 0.0 },
        new[] { 2.0, 5.0, 9.0 },
        new[] { 3.0, 5.0, 99.0 },
        new[] { 6.0, 5.0, 999.0 },
    });

    [Fact]
    public void ZScore_hand_calculated_and_constant_column_is_zero()
    {
        // Column 0: mean 3, population variance (4 + 1 + 0 + 9)/4 = 3.5.
        var s = FeatureScaler.Fit(Sample(), ScalingMethod.ZScore);
        var t = s.Transform(Sample());
        Assert.Equal(-2 / Math.Sqrt(3.5), t[0, 0], 14);
        Assert.Equal(3 / Math.Sqrt(3.5), t[3, 0], 14);
        for (int r = 0; r < 4; r++) Assert.Equal(0.0, t[r, 1]);
        Assert.Equal(0.0, s.Transform(new[] { 3.0, 123.0, 1 })[1]);
    }

    [Fact]
    public void Robust_uses_median_and_numpy_linear_iqr()
    {
        // Column 0 sorted 1,2,3,6: median 2.5; q25 = 1.75, q75 = 3.75 → IQR 2.
        var s = FeatureScaler.Fit(Sample(), ScalingMethod.Robust);
        Assert.Equal(2.5, s.Centers[0], 14);
        Assert.Equal(2.0, s.Scales[0], 14);
        Assert.Equal((6 - 2.5) / 2, s.Transform(Sample())[3, 0], 14);
    }

    [Fact]
    public void Log1p_then_zscore_and_min_max()
    {
        var s = FeatureScaler.Fit(Sample(), new[] { ScalingMethod.MinMax, ScalingMethod.None, ScalingMethod.Log1pZScore });
        var t = s.Transform(Sample());
        Assert.Equal(0.0, t[0, 0]);
        Assert.Equal(0.4, t[2, 0], 14);
        Assert.Equal(1.0, t[3, 0]);
        Assert.Equal(5.0, t[1, 1]);
        // log1p: 0, ln 10, ln 100, ln 1000 → equally spaced; z-scores symmetric: ±1.5/√1.25, ±0.5/√1.25.
        Assert.Equal(-1.5 / Math.Sqrt(1.25), t[0, 2], 12);
        Assert.Equal(0.5 / Math.Sqrt(1.25), t[2, 2], 12);
        var back = s.InverseTransform(s.Transform(new[] { 2.0, 5.0, 99.0 }));
        Assert.Equal(99.0, back[2], 9);
    }

    [Fact]
    public void NaN_is_an_error_naming_row_and_column()
    {
        var m = Sample();
        m[2, 1] = double.NaN;
        m.ColumnNames = new[] { "Frequency", "Tenure", "Monetary" };
        var e = Assert.Throws<ArgumentException>(() => FeatureScaler.Fit(m, ScalingMethod.ZScore));
        Assert.Contains("row 2", e.Message);
        Assert.Contains("Tenure", e.Message);
        var fitted = FeatureScaler.Fit(Sample(), ScalingMethod.ZScore);
        var e2 = Assert.Throws<ArgumentException>(() => fitted.Transform(m));
        Assert.Contains("row 2", e2.Message);
    }

    [Fact]
    public void Log1p_rejects_values_at_or_below_minus_one()
    {
        var m = Sample();
        m[1, 2] = -1;
        var e = Assert.Throws<ArgumentException>(() => FeatureScaler.Fit(m, ScalingMethod.Log1pZScore));
        Assert.Contains("row 1", e.Message);
        Assert.Contains("column 2", e.Message);
    }

    [Fact]
    public void Serialize_round_trip_and_corruption()
    {
        var s = FeatureScaler.Fit(Sample(), new[] { ScalingMethod.Robust, ScalingMethod.ZScore, ScalingMethod.Log1pZScore });
        var bytes = s.Serialize();
        var back = FeatureScaler.Deserialize(bytes);
        Assert.Equal(s.Transform(Sample()).Values, back.Transform(Sample()).Values);
        bytes[bytes.Length / 2] ^= 0x40;
        Assert.Throws<InvalidDataException>(() => FeatureScaler.Deserialize(bytes));
    }
}
