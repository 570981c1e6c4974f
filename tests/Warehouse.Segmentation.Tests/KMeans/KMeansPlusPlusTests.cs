using Warehouse.Segmentation.Internal;
using Warehouse.Segmentation.KMeans;

namespace Warehouse.Segmentation.Tests.KMeans;

/// <summary>
/// Greedy k-means++ (Arthur and Vassilvitskii 2007, greedy variant as scikit-learn's <c>_kmeans_plusplus</c>) against
/// a plain transcription written here: the same random draws, candidates scored one after another over all rows,
/// the lowest potential wins (first on ties). The seeding under test scores all candidates in one chunked pass
/// (Vector256 lanes and threads on net10), so it must pick the same rows.
/// </summary>
public class KMeansPlusPlusTests
{
    [Theory]
    [InlineData(5, 6, false, 1)]   // 3 candidates per step: scalar loop
    [InlineData(8, 16, false, 2)]  // 4 candidates: one vector of candidates
    [InlineData(8, 3, true, 2)]
    [InlineData(30, 5, false, -1)] // 5 candidates: a vector and the scalar rest
    public void Picks_the_same_rows_as_the_plain_greedy_algorithm(int k, int d, bool weighted, int threads)
    {
        var rng = new Random(k * 100 + d);
        int n = 3 * LloydKernel.ChunkRows + 11;
        var data = new FeatureMatrix(n, d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) data[i, j] = rng.NextDouble() * 10 + (i % k) * 3;
        double[]? w = weighted ? Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2).ToArray() : null;

        var actual = KMeansPlusPlus.Seed(data, w, k, new SeededRandom(3, 1), threads);
        var expected = PlainGreedy(data, w, k, new SeededRandom(3, 1));

        Assert.Equal(expected, actual);
    }

    private static double[] PlainGreedy(FeatureMatrix data, double[]? w, int k, SeededRandom rng)
    {
        int n = data.Rows, d = data.Columns;
        double Dist(int a, int b)
        {
            double s = 0;
            for (int j = 0; j < d; j++) s += (data[a, j] - data[b, j]) * (data[a, j] - data[b, j]);
            return s;
        }
        double W(int i) => w is null ? 1.0 : w[i];
        int first;
        if (w is null) first = rng.NextInt(n);
        else
        {
            double total = 0, run = 0;
            foreach (double v in w) total += v;
            double target = rng.NextDouble() * total;
            first = 0;
            while (run + w[first] <= target || w[first] <= 0) run += w[first++];
        }
        var chosen = new List<int> { first };
        var closest = Enumerable.Range(0, n).Select(i => Dist(i, first)).ToArray();
        int trials = 2 + (int)Math.Log(k);
        for (int c = 1; c < k; c++)
        {
            var cumulative = new double[n];
            double running = 0, potential = 0;
            for (int i = 0; i < n; i++) potential += closest[i] * W(i);
            for (int i = 0; i < n; i++) cumulative[i] = running += closest[i] * W(i);
            int best = -1;
            double bestPotential = double.PositiveInfinity;
            var candidates = Enumerable.Range(0, trials).Select(_ => rng.NextDouble() * potential)
                .Select(target => Math.Min(n - 1, Enumerable.Range(0, n).FirstOrDefault(i => cumulative[i] >= target, n))).ToArray();
            foreach (int cand in candidates)
            {
                double pot = 0;
                for (int i = 0; i < n; i++) pot += Math.Min(Dist(i, cand), closest[i]) * W(i);
                if (pot < bestPotential)
                {
                    bestPotential = pot;
                    best = cand;
                }
            }
            chosen.Add(best);
            for (int i = 0; i < n; i++) closest[i] = Math.Min(closest[i], Dist(i, best));
        }
        return chosen.SelectMany(r => Enumerable.Range(0, d).Select(j => data[r, j])).ToArray();
    }
}
