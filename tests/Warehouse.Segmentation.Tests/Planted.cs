using Warehouse.Segmentation;

namespace Warehouse.Segmentation.Tests;

/// <summary>Planted Gaussian blobs with known labels, generated with a fixed System.Random seed.</summary>
internal static class Planted
{
    public static (FeatureMatrix Data, int[] Labels) Blobs(int seed, int k, int perCluster, int d, double separation, double spread = 1.0)
    {
        var rng = new Random(seed);
        var centers = new double[k, d];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) centers[c, j] = (rng.NextDouble() * 2 - 1) * separation;
        // Push centres apart so the planted partition is recoverable.
        int n = k * perCluster;
        var m = new FeatureMatrix(n, d);
        var labels = new int[n];
        for (int c = 0; c < k; c++)
            for (int p = 0; p < perCluster; p++)
            {
                int i = c * perCluster + p;
                labels[i] = c;
                for (int j = 0; j < d; j++) m[i, j] = centers[c, j] + Gaussian(rng) * spread;
            }
        return (m, labels);
    }

    /// <summary>Well separated blobs: centres on a scaled simplex-like lattice (distance ≥ 8σ).</summary>
    public static (FeatureMatrix Data, int[] Labels) Separated(int seed, int k, int perCluster, int d, double spread = 1.0)
    {
        var rng = new Random(seed);
        int n = k * perCluster;
        var m = new FeatureMatrix(n, d);
        var labels = new int[n];
        for (int c = 0; c < k; c++)
        {
            var center = new double[d];
            center[c % d] = 10.0 * (1 + c / d);
            if (c / d % 2 == 1) center[(c + 1) % d] = -10.0;
            for (int p = 0; p < perCluster; p++)
            {
                int i = c * perCluster + p;
                labels[i] = c;
                for (int j = 0; j < d; j++) m[i, j] = center[j] + Gaussian(rng) * spread;
            }
        }
        return (m, labels);
    }

    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
