using System.Runtime.CompilerServices;

namespace Warehouse.Reports.Analysis;

/// <summary>
/// Principal component analysis for the 2-D projection of the report: eigen-decomposition of the covariance matrix of
/// already standardised data by the cyclic Jacobi method (exact for the symmetric d × d matrices we have, d ≤ ~20).
/// Components are sorted by explained variance and given a deterministic sign (largest absolute loading positive), so
/// the picture does not flip between runs. Cost: O(n d²) for the covariance, O(d³) per Jacobi sweep.
/// </summary>
public sealed class PrincipalComponents
{
    private PrincipalComponents(double[] means, double[][] components, double[] variances)
    {
        Means = means;
        Components = components;
        ExplainedVariance = variances;
    }

    /// <summary>Column means subtracted before projecting.</summary>
    public double[] Means { get; }

    /// <summary>Unit-length principal axes, largest variance first; <c>Components[k][j]</c> is the loading of feature j.</summary>
    public double[][] Components { get; }

    /// <summary>Variance along each component (eigenvalues of the sample covariance, divisor n − 1).</summary>
    public double[] ExplainedVariance { get; }

    /// <summary>Share of the total variance each component explains.</summary>
    public double[] ExplainedVarianceRatio
    {
        get
        {
            var total = ExplainedVariance.Sum();
            return ExplainedVariance.Select(v => total > 0 ? v / total : 0).ToArray();
        }
    }

    /// <summary>Fits the components of <paramref name="rows"/> (n × d, n ≥ 2, all finite).</summary>
    /// <exception cref="ArgumentException">Fewer than two rows, ragged rows or non-finite values.</exception>
    public static PrincipalComponents Fit(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2)
        {
            throw new ArgumentException("PCA needs at least two rows.", nameof(rows));
        }

        var d = rows[0].Length;
        var means = new double[d];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != d)
            {
                throw new ArgumentException($"Row {i} has {rows[i].Length} values, expected {d}.", nameof(rows));
            }

            for (var j = 0; j < d; j++)
            {
                if (!double.IsFinite(rows[i][j]))
                {
                    throw new ArgumentException($"Row {i}, column {j} is not a finite number.", nameof(rows));
                }

                means[j] += rows[i][j];
            }
        }

        for (var j = 0; j < d; j++)
        {
            means[j] /= rows.Count;
        }

        var covariance = new double[d, d];
        foreach (var row in rows)
        {
            for (var a = 0; a < d; a++)
            {
                var da = row[a] - means[a];
                for (var b = a; b < d; b++)
                {
                    covariance[a, b] += da * (row[b] - means[b]);
                }
            }
        }

        for (var a = 0; a < d; a++)
        {
            for (var b = a; b < d; b++)
            {
                covariance[a, b] /= rows.Count - 1;
                covariance[b, a] = covariance[a, b];
            }
        }

        var (values, vectors) = JacobiEigen(covariance);
        var order = Enumerable.Range(0, d).OrderByDescending(k => values[k]).ToArray();
        var components = new double[d][];
        var variances = new double[d];
        for (var k = 0; k < d; k++)
        {
            var source = order[k];
            var axis = new double[d];
            for (var j = 0; j < d; j++)
            {
                axis[j] = vectors[j, source];
            }

            var largest = axis.OrderByDescending(Math.Abs).First();
            if (largest < 0)
            {
                for (var j = 0; j < d; j++)
                {
                    axis[j] = -axis[j];
                }
            }

            components[k] = axis;
            variances[k] = Math.Max(0, values[source]);
        }

        return new PrincipalComponents(means, components, variances);
    }

    /// <summary>Coordinates of <paramref name="row"/> on the first <paramref name="count"/> components.</summary>
    public double[] Project(double[] row, int count = 2)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Components.Length);
        var result = new double[count];
        for (var k = 0; k < count; k++)
        {
            double sum = 0;
            for (var j = 0; j < row.Length; j++)
            {
                sum += (row[j] - Means[j]) * Components[k][j];
            }

            result[k] = sum;
        }

        return result;
    }

    /// <summary>Cyclic Jacobi rotations until the off-diagonal mass is negligible; returns eigenvalues and column eigenvectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double[] Values, double[,] Vectors) JacobiEigen(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            v[i, i] = 1;
        }

        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diagonal = 0;
            for (var p = 0; p < n; p++)
            {
                diagonal += a[p, p] * a[p, p];
                for (var q = p + 1; q < n; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }

            if (off <= 1e-30 * Math.Max(diagonal, 1e-300))
            {
                break;
            }

            for (var p = 0; p < n - 1; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0)
                    {
                        continue;
                    }

                    // Rotation angle that zeroes a[p, q] (Numerical Recipes, section 11.1).
                    var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    var t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var akp = a[k, p];
                        var akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var apk = a[p, k];
                        var aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k, p];
                        var vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
            }
        }

        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = a[i, i];
        }

        return (values, v);
    }
}
