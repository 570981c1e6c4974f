using System;
using System.Collections.Generic;

namespace Warehouse.Segmentation.KMeans;

/// <summary>One Lloyd run from given centres (scikit-learn's <c>_kmeans_single_lloyd</c> semantics).</summary>
internal sealed class LloydRun
{
    private LloydRun(double[] centers, int[] labels, double inertia, int iterations, bool converged, double[] clusterWeights)
    {
        Centers = centers;
        Labels = labels;
        Inertia = inertia;
        Iterations = iterations;
        Converged = converged;
        ClusterWeights = clusterWeights;
    }

    internal double[] Centers { get; }
    internal int[] Labels { get; }
    internal double Inertia { get; }
    internal int Iterations { get; }
    internal bool Converged { get; }
    internal double[] ClusterWeights { get; }

    internal static LloydRun Run(FeatureMatrix data, double[]? w, double[] centers, int k, int maxIterations, double tolerance, int maxDop)
    {
        int n = data.Rows, d = data.Columns;
        var x = data.Values;
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = -1;
        var sums = new double[k * d];
        var weights = new double[k];
        var newCenters = new double[k * d];
        bool strict = false, converged = false;
        int iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            long changes = LloydKernel.AssignAndSum(x, n, d, w, centers, k, labels, sums, weights, maxDop);
            RelocateEmptyClusters(x, n, d, w, centers, k, labels, sums, weights);
            for (int c = 0; c < k; c++)
            {
                if (weights[c] > 0)
                {
                    double alpha = 1.0 / weights[c];
                    for (int j = 0; j < d; j++) newCenters[c * d + j] = sums[c * d + j] * alpha;
                }
                else
                {
                    Array.Copy(centers, c * d, newCenters, c * d, d);
                }
            }
            double shift = 0;
            for (int t = 0; t < k * d; t++)
            {
                double delta = newCenters[t] - centers[t];
                shift += delta * delta;
            }
            (centers, newCenters) = (newCenters, centers);
            if (changes == 0)
            {
                strict = true;
                converged = true;
                break;
            }
            if (shift <= tolerance)
            {
                converged = true;
                break;
            }
        }
        int iterations = Math.Min(iteration + 1, maxIterations);
        // Labels were computed with the centres before the last update unless nothing changed: the closing pass
        // relabels them then, and adds up inertia and cluster weights in the same read of the matrix.
        var finalWeights = new double[k];
        double inertia = LloydKernel.FinalPass(x, n, d, w, centers, k, labels, !strict, finalWeights, maxDop);
        return new LloydRun(centers, labels, inertia, iterations, converged, finalWeights);
    }

    /// <summary>
    /// Gives each empty cluster the row farthest from its current centre (largest first; ties: lowest row),
    /// taking that row's weight out of its old cluster, as scikit-learn's <c>_relocate_empty_clusters_dense</c>.
    /// </summary>
    private static void RelocateEmptyClusters(double[] x, int n, int d, double[]? w, double[] oldCenters, int k, int[] labels, double[] sums, double[] weights)
    {
        var empty = new List<int>();
        for (int c = 0; c < k; c++) if (weights[c] == 0) empty.Add(c);
        if (empty.Count == 0) return;
        var dist = new double[n];
        for (int i = 0; i < n; i++) dist[i] = KMeansPlusPlus.SquaredDistance(x, (long)i * d, oldCenters, (long)labels[i] * d, d);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int cmp = dist[b].CompareTo(dist[a]);
            return cmp != 0 ? cmp : a.CompareTo(b);
        });
        for (int e = 0; e < empty.Count && e < n; e++)
        {
            int row = order[e];
            int target = empty[e];
            int old = labels[row];
            double wi = w is null ? 1.0 : w[row];
            for (int j = 0; j < d; j++)
            {
                double v = x[(long)row * d + j] * wi;
                sums[old * d + j] -= v;
                sums[target * d + j] = v;
            }
            weights[target] = wi;
            weights[old] -= wi;
        }
    }
}
