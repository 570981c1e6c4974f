using Warehouse.Segmentation.Dbscan;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Segmentation.Tests.Dbscan;

public class DbscanTrainerTests
{
    public static IEnumerable<object[]> Cases() =>
        Fixture.Load("dbscan.json").GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    private static System.Text.Json.JsonElement Case(string name) =>
        Fixture.Load("dbscan.json").GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Labels_and_core_rows_match_scikit_learn(string name)
    {
        // scikit-learn gives an ambiguous border row to the first cluster that reaches it, i.e. the cluster with the
        // lowest core row; we apply that rule explicitly, so even border rows are expected to agree exactly.
        var c = Case(name);
        var data = Fixture.Matrix(c.GetProperty("data"));
        var model = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = c.GetProperty("eps").GetDouble(), MinPoints = c.GetProperty("min_samples").GetInt32() }).Fit(data);
        Assert.Equal(Fixture.Ints(c.GetProperty("core_sample_indices")), model.CoreSampleIndices);
        Assert.Equal(Fixture.Ints(c.GetProperty("labels")), model.TrainingLabels);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void K_distances_match_scikit_learn(string name)
    {
        var c = Case(name);
        var ours = DbscanTrainer.KDistances(Fixture.Matrix(c.GetProperty("data")), c.GetProperty("k").GetInt32());
        var expected = Fixture.Doubles(c.GetProperty("k_distances_desc"));
        for (int i = 0; i < expected.Length; i++) Fixture.Close(expected[i], ours[i], 1e-12, $"k-distance {i}");
    }

    [Fact]
    public void Recovers_planted_clusters_with_suggested_epsilon_and_assigns_new_rows()
    {
        var (data, truth) = Planted.Separated(6, 4, 80, 3, 0.5);
        double eps = DbscanTrainer.SuggestEpsilon(data, 6);
        var model = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = eps, MinPoints = 6 }).Fit(data);
        Assert.True(4 == model.NumberOfSegments, $"eps {eps}: {model.NumberOfSegments} clusters, {model.NoiseCount} noise");
        // The knee leaves the Gaussian tails as noise; score the clustered rows and bound the noise.
        var labels = model.TrainingLabels;
        var kept = Enumerable.Range(0, labels.Length).Where(i => labels[i] >= 0).ToArray();
        Assert.True(model.NoiseCount < labels.Length / 10, $"eps {eps}: {model.NoiseCount} noise rows");
        Assert.True(ClusteringMetrics.AdjustedRandIndex(kept.Select(i => truth[i]).ToArray(), kept.Select(i => labels[i]).ToArray()) >= 0.95, $"eps {eps}");
        Assert.Equal(model.TrainingLabels[0], model.Predict(data.GetRow(0)));
        Assert.Equal(-1, model.Predict(new[] { 1000.0, 1000, 1000 }));
        var back = Assert.IsType<DbscanModel>(SegmentationModelSerializer.Deserialize(model.Serialize()));
        Assert.Equal(model.Predict(data), back.Predict(data));
    }

    [Fact]
    public void Threads_and_chunks_do_not_change_labels()
    {
        var (data, _) = Planted.Separated(3, 5, 1500, 4);
        var a = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = 1.3, MinPoints = 8 }).Fit(data);
        var b = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = 1.3, MinPoints = 8, MaxDegreeOfParallelism = 1 }).Fit(data);
        Assert.Equal(a.TrainingLabels, b.TrainingLabels);
        Assert.True(a.NumberOfSegments >= 2, $"{a.NumberOfSegments} clusters, {a.NoiseCount} noise");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Matches_the_definition_on_integer_data_with_distance_ties(int threads)
    {
        // Reference: the definition of Ester et al. evaluated by brute force (all pairs, breadth-first components,
        // clusters numbered by lowest core row, a border row takes the lowest cluster id among its core neighbours).
        // Integer coordinates make many distances exactly ε, so "≤ ε" is exercised on ties; 6,000 rows span several
        // rounds of the pruned edge pass, dense blobs exercise the pruning, the scattered rows border and noise.
        var rng = new Random(11);
        const int n = 6000, d = 3;
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            int blob = i % 4;
            double spread = blob == 3 ? 40 : 4;
            rows[i] = Enumerable.Range(0, d).Select(j => Math.Round(blob * 15 + j * blob + (rng.NextDouble() - 0.5) * spread)).ToArray();
        }
        var data = FeatureMatrix.FromRows(rows);
        const double eps = 2.0;
        const int minPts = 12;
        var model = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = eps, MinPoints = minPts, MaxDegreeOfParallelism = threads }).Fit(data);

        var neighbours = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            neighbours[i] = new List<int>();
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int t = 0; t < d; t++) s += (rows[i][t] - rows[j][t]) * (rows[i][t] - rows[j][t]);
                if (s <= eps * eps) neighbours[i].Add(j);
            }
        }
        var core = neighbours.Select(l => l.Count >= minPts).ToArray();
        var expected = Enumerable.Repeat(-1, n).ToArray();
        int clusters = 0;
        for (int i = 0; i < n; i++)
        {
            if (!core[i] || expected[i] >= 0) continue;
            var queue = new Queue<int>();
            expected[i] = clusters;
            queue.Enqueue(i);
            while (queue.Count > 0)
                foreach (int j in neighbours[queue.Dequeue()])
                    if (core[j] && expected[j] < 0)
                    {
                        expected[j] = clusters;
                        queue.Enqueue(j);
                    }
            clusters++;
        }
        for (int i = 0; i < n; i++)
            if (!core[i]) expected[i] = neighbours[i].Where(j => core[j]).Select(j => expected[j]).DefaultIfEmpty(-1).Min();

        Assert.True(clusters >= 3 && expected.Count(l => l < 0) > 100, $"{clusters} clusters, {expected.Count(l => l < 0)} noise: the data should have both");
        Assert.Equal(Enumerable.Range(0, n).Where(i => core[i]).ToArray(), model.CoreSampleIndices);
        Assert.Equal(expected, model.TrainingLabels);
    }

    [Fact]
    public void Edge_cases()
    {
        var one = FeatureMatrix.FromRows(new[] { new[] { 1.0, 1.0 } });
        Assert.Equal(new[] { -1 }, new DbscanTrainer(new DbscanTrainer.Options { MinPoints = 2 }).Fit(one).TrainingLabels);
        Assert.Equal(new[] { 0 }, new DbscanTrainer(new DbscanTrainer.Options { MinPoints = 1 }).Fit(one).TrainingLabels);
        var dup = FeatureMatrix.FromRows(Enumerable.Repeat(new[] { 2.0, 3.0 }, 10).ToArray());
        var m = new DbscanTrainer(new DbscanTrainer.Options { MinPoints = 10 }).Fit(dup);
        Assert.All(m.TrainingLabels, l => Assert.Equal(0, l));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DbscanTrainer(new DbscanTrainer.Options { Epsilon = 0 }));
    }
}
