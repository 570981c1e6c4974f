using Warehouse.Segmentation.Scaling;

namespace Warehouse.Segmentation.Tests.Scaling;

/// <summary>Hand-calculated cases of the cleaning the host and the SQL CLR procedure share.</summary>
public class FeaturePreprocessingTests
{
    [Fact]
    public void Medians_are_the_upper_median_of_the_present_values()
    {
        double?[][] rows =
        [
            [1.0, 4.0, null],
            [null, 1.0, null],
            [3.0, 3.0, null],
            [2.0, 2.0, null],
        ];

        var medians = FeaturePreprocessing.ColumnMedians(rows, 3);

        // Column 0: present 1, 2, 3 → sorted[3 / 2] = 2. Column 1: 1, 2, 3, 4 → sorted[4 / 2] = 3 (upper median). Column 2: none.
        Assert.Equal([2.0, 3.0, null], medians);
    }

    [Theory]
    [InlineData(null, 3.0, false, 3.0)]    // missing → median
    [InlineData(-5.0, 3.0, false, -5.0)]   // present values are kept
    [InlineData(-5.0, 3.0, true, 0.0)]     // a net refund counts as no spend under log1p scaling
    [InlineData(null, -2.0, true, 0.0)]    // the floor applies to a filled value too
    [InlineData(7.5, 3.0, true, 7.5)]
    public void Clean_fills_then_floors(double? value, double median, bool floor, double expected)
    {
        Assert.Equal(expected, FeaturePreprocessing.Clean(value, median, floor));
    }

    [Fact]
    public void Only_log1p_columns_are_floored()
    {
        Assert.True(FeaturePreprocessing.FloorsAtZero(ScalingMethod.Log1pZScore));
        Assert.False(FeaturePreprocessing.FloorsAtZero(ScalingMethod.ZScore));
        Assert.False(FeaturePreprocessing.FloorsAtZero(ScalingMethod.Robust));
    }
}
