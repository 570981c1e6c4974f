using System;
using System.Globalization;
using Warehouse.Segmentation.Internal;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Mixture;

namespace Warehouse.Segmentation.Selection;

/// <summary>
/// Chooses the number of segments over a range of k and returns the whole score curve with the reason.
/// </summary>
/// <remarks>
/// Silhouette: k-means (k-means++, <see cref="Options.KMeansInitializations"/> restarts) per k, mean silhouette, on a
/// stratified sample of <see cref="Options.SilhouetteSampleSize"/> rows when n is larger; k ≥ 2. BIC: a Gaussian
/// mixture per k (<see cref="Options.CovarianceType"/>); k ≥ 1. Gap statistic: log within-cluster dispersion of
/// k-means against <see cref="Options.GapReferences"/> uniform reference sets over the data's bounding box
/// (Tibshirani et al. 2001, rule "smallest k with gap(k) ≥ gap(k+1) − s(k+1)"); k ≥ 1, k + 1 is also fitted.
/// Cost: one fit per k (gap: B + 1 fits per k). Deterministic for a seed. Scale features first.
/// </remarks>
public static class SegmentCountSelector
{
    /// <summary>Options of <see cref="Select"/>.</summary>
    public sealed class Options
    {
        /// <summary>Smallest k tried.</summary>
        public int MinimumK { get; set; } = 2;
        /// <summary>Largest k tried.</summary>
        public int MaximumK { get; set; } = 10;
        /// <summary>Seed of every fit and draw.</summary>
        public int Seed { get; set; }
        /// <summary>k-means restarts per k.</summary>
        public int KMeansInitializations { get; set; } = 3;
        /// <summary>Rows used for the silhouette when n is larger (stratified sample).</summary>
        public int SilhouetteSampleSize { get; set; } = 4000;
        /// <summary>Mixture covariance for BIC.</summary>
        public CovarianceType CovarianceType { get; set; } = CovarianceType.Full;
        /// <summary>Reference data sets B of the gap statistic.</summary>
        public int GapReferences { get; set; } = 10;
    }

    /// <summary>Scores every k of the range by <paramref name="criterion"/> and picks one.</summary>
    public static SegmentCountSelection Select(FeatureMatrix data, SelectionCriterion criterion, Options? options = null)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        options ??= new Options();
        data.EnsureFinite(nameof(data));
        int lo = options.MinimumK, hi = options.MaximumK;
        if (criterion == SelectionCriterion.Silhouette && lo < 2) lo = 2;
        if (lo < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MinimumK, "MinimumK must be ≥ 1");
        int limit = criterion == SelectionCriterion.Silhouette ? data.Rows - 1 : criterion == SelectionCriterion.GapStatistic ? data.Rows - 1 : data.Rows;
        if (hi > limit) hi = limit;
        if (hi < lo) throw new ArgumentException($"no k to try: range [{options.MinimumK}, {options.MaximumK}] with {data.Rows} rows", nameof(data));
        int count = hi - lo + 1;
        var ks = new int[count];
        for (int i = 0; i < count; i++) ks[i] = lo + i;
        switch (criterion)
        {
            case SelectionCriterion.Silhouette:
                {
                    var scores = new double[count];
                    for (int i = 0; i < count; i++)
                    {
                        var labels = KMeansLabels(data, ks[i], options, out _);
                        scores[i] = ClusteringMetrics.SilhouetteSampled(data, labels, options.SilhouetteSampleSize, options.Seed);
                    }
                    int best = ArgBest(scores, true);
                    string reason = $"k = {ks[best]} has the highest mean silhouette, {F(scores[best])}" + RunnerUp(ks, scores, best, true, "silhouette");
                    return new SegmentCountSelection(criterion, ks, scores, null, ks[best], reason);
                }
            case SelectionCriterion.Bic:
                {
                    var scores = new double[count];
                    for (int i = 0; i < count; i++)
                        scores[i] = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = ks[i], CovarianceType = options.CovarianceType, Seed = options.Seed }).Fit(data).Bic;
                    int best = ArgBest(scores, false);
                    string reason = $"k = {ks[best]} has the lowest BIC, {F(scores[best])}" + RunnerUp(ks, scores, best, false, "BIC");
                    return new SegmentCountSelection(criterion, ks, scores, null, ks[best], reason);
                }
            default:
                return Gap(data, ks, options);
        }
    }

    private static SegmentCountSelection Gap(FeatureMatrix data, int[] ks, Options options)
    {
        int count = ks.Length, b = options.GapReferences, n = data.Rows, d = data.Columns;
        if (b < 2) throw new ArgumentOutOfRangeException(nameof(options), b, "GapReferences must be ≥ 2");
        // Fit k = lo … hi + 1 (the rule looks one k ahead) when there are rows for it.
        int extra = ks[count - 1] + 1 <= n ? 1 : 0;
        var gap = new double[count + extra];
        var s = new double[count + extra];
        var min = new double[d];
        var max = new double[d];
        for (int j = 0; j < d; j++) { min[j] = double.PositiveInfinity; max[j] = double.NegativeInfinity; }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double v = data.Values[(long)i * d + j];
                if (v < min[j]) min[j] = v;
                if (v > max[j]) max[j] = v;
            }
        var rng = new SeededRandom(options.Seed, 303);
        var references = new FeatureMatrix[b];
        for (int r = 0; r < b; r++)
        {
            var m = new FeatureMatrix(n, d);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++) m.Values[(long)i * d + j] = min[j] + rng.NextDouble() * (max[j] - min[j]);
            references[r] = m;
        }
        for (int t = 0; t < count + extra; t++)
        {
            int k = ks[0] + t;
            KMeansLabels(data, k, options, out double w);
            double logW = Math.Log(Math.Max(w, double.Epsilon));
            var refLog = new double[b];
            double mean = 0;
            for (int r = 0; r < b; r++)
            {
                KMeansLabels(references[r], k, options, out double wr);
                refLog[r] = Math.Log(Math.Max(wr, double.Epsilon));
                mean += refLog[r];
            }
            mean /= b;
            double ss = 0;
            for (int r = 0; r < b; r++) ss += (refLog[r] - mean) * (refLog[r] - mean);
            gap[t] = mean - logW;
            s[t] = Math.Sqrt(ss / b) * Math.Sqrt(1 + 1.0 / b);
        }
        var scores = new double[count];
        var errors = new double[count];
        Array.Copy(gap, scores, count);
        Array.Copy(s, errors, count);
        for (int t = 0; t + 1 < count + extra; t++)
        {
            if (gap[t] >= gap[t + 1] - s[t + 1])
            {
                string reason = $"k = {ks[t]} is the smallest k with gap(k) = {F(gap[t])} ≥ gap(k+1) − s(k+1) = {F(gap[t + 1])} − {F(s[t + 1])} (Tibshirani et al. 2001)";
                return new SegmentCountSelection(SelectionCriterion.GapStatistic, ks, scores, errors, ks[t], reason);
            }
        }
        int best = ArgBest(scores, true);
        return new SegmentCountSelection(SelectionCriterion.GapStatistic, ks, scores, errors, ks[best],
            $"no k in the range satisfies gap(k) ≥ gap(k+1) − s(k+1); k = {ks[best]} has the largest gap, {F(scores[best])} (consider a wider range)");
    }

    private static int[] KMeansLabels(FeatureMatrix data, int k, Options options, out double inertia)
    {
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = k, Seed = options.Seed, NumberOfInitializations = options.KMeansInitializations }).Fit(data);
        inertia = model.Inertia;
        return model.Predict(data);
    }

    private static int ArgBest(double[] v, bool highest)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
            if (highest ? v[i] > v[best] : v[i] < v[best]) best = i;
        return best;
    }

    private static string RunnerUp(int[] ks, double[] scores, int best, bool highest, string what)
    {
        if (ks.Length < 2) return " (only k tried)";
        int second = -1;
        for (int i = 0; i < ks.Length; i++)
            if (i != best && (second < 0 || (highest ? scores[i] > scores[second] : scores[i] < scores[second]))) second = i;
        return $"; next best k = {ks[second]} with {what} {F(scores[second])}";
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
