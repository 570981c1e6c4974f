using Warehouse.Segmentation;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;

namespace Warehouse.Segmentation.Tests.KMeans;

public class KMeansTrainerTests
{
    public static IEnumerable<object[]> Cases() =>
        Fixture.Load("kmeans_lloyd.json").GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lloyd_from_fixed_start_matches_scikit_learn(string name)
    {
        var c = Fixture.Load("kmeans_lloyd.json").GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var data = Fixture.Matrix(c.GetProperty("data"));
        var init = Fixture.Matrix(c.GetProperty("init"));
        var weights = c.GetProperty("weights").ValueKind == System.Text.Json.JsonValueKind.Null ? null : Fixture.Doubles(c.GetProperty("weights"));
        var options = new KMeansTrainer.Options
        {
            NumberOfClusters = c.GetProperty("k").GetInt32(),
            InitialCentroids = init,
            Tolerance = c.GetProperty("tol").GetDouble(),
            MaximumIterations = c.GetProperty("max_iter").GetInt32(),
        };
        var model = new KMeansTrainer(options).Fit(data, weights);

        Fixture.Close(c.GetProperty("inertia").GetDouble(), model.Inertia, 1e-9, "inertia");
        Assert.Equal(c.GetProperty("n_iter").GetInt32(), model.Iterations);
        Assert.Equal(Fixture.Ints(c.GetProperty("labels")), model.Predict(data));
        var centers = Fixture.Matrix(c.GetProperty("centers"));
        for (int i = 0; i < centers.Values.Length; i++)
            Fixture.Close(centers.Values[i], model.Centroids.Values[i], 1e-9, $"centre value {i}");
    }

    [Theory]
    [InlineData(1, 4, 3)]
    [InlineData(2, 6, 5)]
    [InlineData(3, 8, 16)]
    public void Recovers_planted_clusters(int seed, int k, int d)
    {
        var (data, truth) = Planted.Separated(seed, k, 60, d);
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = k, Seed = seed }).Fit(data);
        double ari = ClusteringMetrics.AdjustedRandIndex(truth, model.Predict(data));
        Assert.True(ari >= 0.95, $"ARI {ari}");
    }

    [Fact]
    public void Same_seed_gives_same_model_and_threads_do_not_change_bits()
    {
        var (data, _) = Planted.Blobs(5, 6, 3000, 7, 3.0, 1.5); // 18,000 rows: several chunks, parallel path on net10
        var a = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 6, Seed = 3, NumberOfInitializations = 2 }).Fit(data);
        var b = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 6, Seed = 3, NumberOfInitializations = 2, MaxDegreeOfParallelism = 1 }).Fit(data);
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.Inertia), BitConverter.DoubleToInt64Bits(b.Inertia));
        Assert.Equal(a.Centroids.Values, b.Centroids.Values);
        var c = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 6, Seed = 4, NumberOfInitializations = 2 }).Fit(data);
        Assert.True(Math.Abs(c.Inertia - a.Inertia) < 1e-6 * a.Inertia || !c.Centroids.Values.SequenceEqual(a.Centroids.Values));
    }

    [Fact]
    public void Inertia_is_the_within_cluster_sum_of_squares_of_the_labels()
    {
        var (data, _) = Planted.Blobs(8, 3, 50, 2, 4.0);
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3 }).Fit(data);
        Fixture.Close(ClusteringMetrics.Inertia(data, model.Predict(data)), model.Inertia, 1e-9, "inertia");
    }

    [Fact]
    public void K_greater_than_rows_is_a_clear_error()
    {
        var data = FeatureMatrix.FromRows(new[] { new[] { 1.0 }, new[] { 2.0 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3 }).Fit(data));
        Assert.Contains("k = 3", e.Message);
        Assert.Contains("n = 2", e.Message);
    }

    [Fact]
    public void NaN_names_row_and_column()
    {
        var data = FeatureMatrix.FromRows(new[] { new[] { 1.0, 2 }, new[] { 2.0, double.NaN }, new[] { 3.0, 3 } });
        data.ColumnNames = new[] { "Recency", "Monetary" };
        var e = Assert.Throws<ArgumentException>(() => new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 2 }).Fit(data));
        Assert.Contains("row 1", e.Message);
        Assert.Contains("Monetary", e.Message);
    }

    [Fact]
    public void One_row_one_cluster()
    {
        var data = FeatureMatrix.FromRows(new[] { new[] { 4.0, -2 } });
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 1 }).Fit(data);
        Assert.Equal(new[] { 4.0, -2 }, model.Centroids.Values);
        Assert.Equal(0.0, model.Inertia);
        Assert.Equal(0, model.Predict(new[] { 100.0, 100 }));
    }

    [Fact]
    public void Duplicate_rows_with_fewer_distinct_rows_than_k_do_not_crash()
    {
        var rows = Enumerable.Range(0, 20).Select(i => new[] { (double)(i % 2), 1.0 }).ToArray();
        var data = FeatureMatrix.FromRows(rows);
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3 }).Fit(data);
        Assert.Equal(0.0, model.Inertia);
        var labels = model.Predict(data);
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(rows.Select(r => (int)r[0]).ToArray(), labels));
    }

    [Fact]
    public void Constant_column_does_not_change_the_partition()
    {
        var (data, truth) = Planted.Separated(2, 3, 40, 2);
        var wide = new FeatureMatrix(data.Rows, 3);
        for (int i = 0; i < data.Rows; i++)
        {
            wide[i, 0] = data[i, 0];
            wide[i, 1] = 7.0;
            wide[i, 2] = data[i, 1];
        }
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3 }).Fit(wide);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, model.Predict(wide)) >= 0.95);
    }

    [Fact]
    public void Sample_weights_act_like_repeated_rows()
    {
        var (data, _) = Planted.Blobs(12, 3, 30, 2, 3.0);
        var weights = Enumerable.Range(0, data.Rows).Select(i => (double)(1 + i % 3)).ToArray();
        var repeated = new List<double[]>();
        for (int i = 0; i < data.Rows; i++)
            for (int r = 0; r < weights[i]; r++) repeated.Add(data.GetRow(i));
        var init = data.SelectRows(new[] { 0, 30, 60 });
        var weighted = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3, InitialCentroids = init, Tolerance = 0 }).Fit(data, weights);
        var expanded = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3, InitialCentroids = init, Tolerance = 0 }).Fit(FeatureMatrix.FromRows(repeated.ToArray()));
        Fixture.Close(expanded.Inertia, weighted.Inertia, 1e-9, "inertia");
    }

    [Fact]
    public void Random_initialization_also_recovers_planted_clusters()
    {
        var (data, truth) = Planted.Separated(9, 4, 50, 4);
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 4, Initialization = KMeansInitialization.Random, NumberOfInitializations = 10 }).Fit(data);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, model.Predict(data)) >= 0.95);
    }
}
