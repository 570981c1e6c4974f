using System;
using System.Collections.Generic;
using Warehouse.Segmentation.Internal;

namespace Warehouse.Segmentation.Metrics;

public static partial class ClusteringMetrics
{
    /// <summary>
    /// Mean silhouette on a stratified sample: each label contributes rows in proportion to its size but at least
    /// min(size, <paramref name="minimumPerCluster"/>), so small segments are not lost (scikit-learn's
    /// <c>sample_size</c> draws uniformly and can miss them). The silhouette is computed among the sampled rows.
    /// O(m²·d) for a sample of m rows. Deterministic for a seed.
    /// </summary>
    /// <param name="data">Rows.</param>
    /// <param name="labels">Label of each row.</param>
    /// <param name="sampleSize">Target sample size m (≥ 2); the whole data when m ≥ n.</param>
    /// <param name="seed">Seed of the draw.</param>
    /// <param name="minimumPerCluster">Rows kept from every label, at least.</param>
    public static double SilhouetteSampled(FeatureMatrix data, int[] labels, int sampleSize, int seed = 0, int minimumPerCluster = 20)
    {
        CheckData(data, labels);
        if (sampleSize < 2) throw new ArgumentOutOfRangeException(nameof(sampleSize), sampleSize, "must be ≥ 2");
        if (minimumPerCluster < 1) throw new ArgumentOutOfRangeException(nameof(minimumPerCluster), minimumPerCluster, "must be ≥ 1");
        if (sampleSize >= data.Rows) return Silhouette(data, labels);
        var sample = StratifiedSample(labels, sampleSize, seed, minimumPerCluster);
        var sub = data.SelectRows(sample);
        var subLabels = new int[sample.Length];
        for (int i = 0; i < sample.Length; i++) subLabels[i] = labels[sample[i]];
        return Silhouette(sub, subLabels);
    }

    /// <summary>Row indices of a stratified sample (ascending).</summary>
    internal static int[] StratifiedSample(int[] labels, int sampleSize, int seed, int minimumPerCluster)
    {
        var dense = Densify(labels, out int k);
        var members = new List<int>[k];
        for (int c = 0; c < k; c++) members[c] = new List<int>();
        for (int i = 0; i < labels.Length; i++) members[dense[i]].Add(i);
        var rng = new SeededRandom(seed, 77);
        var chosen = new List<int>(sampleSize + k * minimumPerCluster);
        double fraction = (double)sampleSize / labels.Length;
        for (int c = 0; c < k; c++)
        {
            var m = members[c];
            int take = Math.Min(m.Count, Math.Max((int)Math.Round(fraction * m.Count), minimumPerCluster));
            // Partial Fisher–Yates on a copy.
            var arr = m.ToArray();
            for (int t = 0; t < take; t++)
            {
                int j = t + rng.NextInt(arr.Length - t);
                (arr[t], arr[j]) = (arr[j], arr[t]);
                chosen.Add(arr[t]);
            }
        }
        chosen.Sort();
        return chosen.ToArray();
    }

    /// <summary>
    /// Bootstrap stability (after Lange et al. 2004 / Hennig 2007): fits the model on the full data and on
    /// <paramref name="resamples"/> bootstrap resamples (rows drawn with replacement), assigns every original row
    /// with each refit, and returns the ARI of each refit's assignment against the full fit's. Mean near 1: the
    /// segmentation is stable under resampling.
    /// </summary>
    /// <param name="data">Rows.</param>
    /// <param name="fit">Trains a model on a matrix (e.g. <c>m =&gt; new KMeansTrainer(options).Fit(m)</c>).</param>
    /// <param name="resamples">Number of bootstrap refits, ≥ 1.</param>
    /// <param name="seed">Seed of the resampling.</param>
    public static StabilityResult BootstrapStability(FeatureMatrix data, Func<FeatureMatrix, ISegmentationModel> fit, int resamples = 10, int seed = 0)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (fit is null) throw new ArgumentNullException(nameof(fit));
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "must be ≥ 1");
        if (data.Rows == 0) throw new ArgumentException("no rows", nameof(data));
        var reference = fit(data).Predict(data);
        var rng = new SeededRandom(seed, 91);
        var scores = new double[resamples];
        var idx = new int[data.Rows];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < idx.Length; i++) idx[i] = rng.NextInt(data.Rows);
            var model = fit(data.SelectRows(idx));
            scores[b] = AdjustedRandIndex(reference, model.Predict(data));
        }
        return new StabilityResult(scores);
    }
}
