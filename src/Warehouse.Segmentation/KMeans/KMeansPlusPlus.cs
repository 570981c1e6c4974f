using System;
using System.Runtime.CompilerServices;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.KMeans;

/// <summary>
/// Greedy k-means++ seeding (Arthur and Vassilvitskii 2007; the greedy variant of scikit-learn's
/// <c>_kmeans_plusplus</c>): the first centre is a row drawn with probability ∝ weight; each next centre is the best
/// of 2 + ⌊ln k⌋ candidates drawn with probability ∝ weight × squared distance to the nearest chosen centre, "best"
/// meaning the lowest resulting potential. Cost O(n·d·k·log k).
/// </summary>
internal static class KMeansPlusPlus
{
    [MethodImpl(Hot.Optimize)]
    internal static double[] Seed(FeatureMatrix data, double[]? w, int k, SeededRandom rng, int maxDegreeOfParallelism)
    {
        _ = maxDegreeOfParallelism;
        int n = data.Rows, d = data.Columns;
        var x = data.Values;
        var centers = new double[k * d];
        int trials = 2 + (int)Math.Log(k);

        int first = PickWeighted(w, n, rng);
        Array.Copy(x, (long)first * d, centers, 0, d);
        var closest = new double[n];
        for (int i = 0; i < n; i++) closest[i] = SquaredDistance(x, (long)i * d, x, (long)first * d, d);
        double potential = Dot(closest, w);

        var cumulative = new double[n];
        var candidateDist = new double[n];
        var bestDist = new double[n];
        for (int c = 1; c < k; c++)
        {
            double running = 0;
            for (int i = 0; i < n; i++)
            {
                running += w is null ? closest[i] : closest[i] * w[i];
                cumulative[i] = running;
            }
            int bestCandidate = -1;
            double bestPotential = double.PositiveInfinity;
            for (int t = 0; t < trials; t++)
            {
                double target = rng.NextDouble() * potential;
                int cand = SearchSorted(cumulative, target);
                double pot = 0;
                long co = (long)cand * d;
                for (int i = 0; i < n; i++)
                {
                    double dist = SquaredDistance(x, (long)i * d, x, co, d);
                    double m = dist < closest[i] ? dist : closest[i];
                    candidateDist[i] = m;
                    pot += w is null ? m : m * w[i];
                }
                if (pot < bestPotential)
                {
                    bestPotential = pot;
                    bestCandidate = cand;
                    Array.Copy(candidateDist, bestDist, n);
                }
            }
            potential = bestPotential;
            Array.Copy(bestDist, closest, n);
            Array.Copy(x, (long)bestCandidate * d, centers, (long)c * d, d);
        }
        return centers;
    }

    private static int PickWeighted(double[]? w, int n, SeededRandom rng)
    {
        if (w is null) return rng.NextInt(n);
        double total = 0;
        for (int i = 0; i < n; i++) total += w[i];
        double target = rng.NextDouble() * total;
        double running = 0;
        for (int i = 0; i < n; i++)
        {
            running += w[i];
            if (running > target && w[i] > 0) return i;
        }
        for (int i = n - 1; i >= 0; i--) if (w[i] > 0) return i;
        return n - 1;
    }

    /// <summary>First index whose cumulative value is ≥ target (numpy searchsorted, side left), clipped to n − 1.</summary>
    private static int SearchSorted(double[] cumulative, double target)
    {
        int lo = 0, hi = cumulative.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cumulative[mid] < target) lo = mid + 1;
            else hi = mid;
        }
        return Math.Min(lo, cumulative.Length - 1);
    }

    private static double Dot(double[] a, double[]? w)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += w is null ? a[i] : a[i] * w[i];
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SquaredDistance(double[] a, long ao, double[] b, long bo, int d)
    {
        double s = 0;
        for (int j = 0; j < d; j++)
        {
            double t = a[ao + j] - b[bo + j];
            s += t * t;
        }
        return s;
    }
}
