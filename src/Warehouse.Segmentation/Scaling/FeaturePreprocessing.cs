using System;
using System.Collections.Generic;

namespace Warehouse.Segmentation.Scaling;

/// <summary>
/// The cleaning every segmentation applies before scaling, in the host (etl SegmentationRunner) and in the SQL CLR
/// procedure alike, so both cluster the same numbers: a missing value takes its column's median (the upper median of
/// the present values, <c>sorted[n / 2]</c>), and a column scaled with <see cref="ScalingMethod.Log1pZScore"/> is floored
/// at 0 (log1p needs x &gt; −1; a net refund counts as no spend). Time O(n log n) per column (the sort), memory O(n).
/// </summary>
public static class FeaturePreprocessing
{
    /// <summary>
    /// The upper median of the present values of each column, or null for a column without any value.
    /// </summary>
    /// <param name="rows">Rows of the feature table; each holds <paramref name="columns"/> values, null when missing.</param>
    /// <param name="columns">Number of columns.</param>
    public static double?[] ColumnMedians(IReadOnlyList<double?[]> rows, int columns)
    {
        if (rows == null)
        {
            throw new ArgumentNullException(nameof(rows));
        }

        if (columns < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "must be ≥ 0");
        }

        var medians = new double?[columns];
        var present = new List<double>(rows.Count);
        for (var c = 0; c < columns; c++)
        {
            present.Clear();
            for (var r = 0; r < rows.Count; r++)
            {
                var value = rows[r][c];
                if (value.HasValue)
                {
                    present.Add(value.Value);
                }
            }

            if (present.Count > 0)
            {
                present.Sort();
                medians[c] = present[present.Count / 2];
            }
        }

        return medians;
    }

    /// <summary>True when the column's values are floored at 0 before scaling (log1p scaling).</summary>
    /// <param name="method">The column's scaling.</param>
    public static bool FloorsAtZero(ScalingMethod method) => method == ScalingMethod.Log1pZScore;

    /// <summary>The value clustered: <paramref name="value"/>, or the column median when missing; floored at 0 when asked.</summary>
    /// <param name="value">The value read, or null.</param>
    /// <param name="median">The column median (<see cref="ColumnMedians"/>).</param>
    /// <param name="floorAtZero">Floor at 0 (<see cref="FloorsAtZero"/>).</param>
    public static double Clean(double? value, double median, bool floorAtZero)
    {
        var v = value ?? median;
        return floorAtZero ? Math.Max(0, v) : v;
    }
}
