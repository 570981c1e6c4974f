using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Mixture;

namespace Warehouse.Segmentation.Tests.Mixture;

public class GaussianMixtureTrainerTests
{
    public static IEnumerable<object[]> Cases() =>
        Fixture.Load("gmm.json").GetProperty("cases").EnumerateArray().Select((c, i) => new object[] { i, c.GetProperty("covariance").GetString()! });

    private static CovarianceType Type(string s) => s switch { "full" => CovarianceType.Full, "diag" => CovarianceType.Diagonal, _ => CovarianceType.Spherical };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EM_from_fixed_start_matches_scikit_learn(int index, string covariance)
    {
        var root = Fixture.Load("gmm.json");
        var data = Fixture.Matrix(root.GetProperty("data"));
        var c = root.GetProperty("cases").EnumerateArray().ElementAt(index);
        var model = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options
        {
            NumberOfComponents = 3,
            CovarianceType = Type(covariance),
            Tolerance = c.GetProperty("tol").GetDouble(),
            MaximumIterations = c.GetProperty("max_iter").GetInt32(),
            InitialWeights = Fixture.Doubles(c.GetProperty("init_weights")),
            InitialMeans = Fixture.Matrix(c.GetProperty("init_means")),
            InitialCovariances = Fixture.Doubles(c.GetProperty("init_covariances")),
        }).Fit(data);
        Assert.Equal(c.GetProperty("n_iter").GetInt32(), model.Iterations);
        Fixture.Close(c.GetProperty("lower_bound").GetDouble(), model.LowerBound, 1e-9, "lower bound");
        var w = Fixture.Doubles(c.GetProperty("weights"));
        for (int i = 0; i < w.Length; i++) Fixture.Close(w[i], model.Weights[i], 1e-9, $"weight {i}");
        var means = Fixture.Matrix(c.GetProperty("means")).Values;
        for (int i = 0; i < means.Length; i++) Fixture.Close(means[i], model.Means.Values[i], 1e-9, $"mean {i}");
        var cov = Fixture.Doubles(c.GetProperty("covariances"));
        for (int i = 0; i < cov.Length; i++) Fixture.Close(cov[i], model.Covariances[i], 1e-8, $"covariance {i}");
        Assert.Equal(Fixture.Ints(c.GetProperty("labels")), model.Predict(data));
        var proba = Fixture.Matrix(c.GetProperty("proba_first10"));
        for (int r = 0; r < 10; r++)
        {
            var p = model.PredictProbabilities(data.GetRow(r));
            for (int k = 0; k < 3; k++) Assert.True(Math.Abs(proba[r, k] - p[k]) < 1e-9, $"probability row {r} component {k}");
        }
        Fixture.Close(c.GetProperty("score").GetDouble() * data.Rows, model.LogLikelihood, 1e-9, "log-likelihood");
        Fixture.Close(c.GetProperty("bic").GetDouble(), model.Bic, 1e-9, "BIC");
        Fixture.Close(c.GetProperty("aic").GetDouble(), model.Aic, 1e-9, "AIC");
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    [InlineData(CovarianceType.Spherical)]
    public void Recovers_planted_clusters_and_round_trips(CovarianceType type)
    {
        var (data, truth) = Planted.Separated(7, 4, 80, 3);
        var model = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 4, CovarianceType = type, Seed = 1 }).Fit(data);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, model.Predict(data)) >= 0.95);
        var back = Assert.IsType<GaussianMixtureModel>(SegmentationModelSerializer.Deserialize(model.Serialize()));
        Assert.Equal(model.Predict(data), back.Predict(data));
        Assert.Equal(model.Bic, back.Bic);
        var p = model.PredictProbabilities(data.GetRow(0));
        Assert.Equal(1.0, p.Sum(), 12);
    }

    [Fact]
    public void Threads_do_not_change_the_fit()
    {
        var (data, _) = Planted.Blobs(2, 3, 3000, 4, 3.0);
        var a = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 3, MaximumIterations = 20 }).Fit(data);
        var b = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 3, MaximumIterations = 20, MaxDegreeOfParallelism = 1 }).Fit(data);
        Assert.Equal(a.LowerBound, b.LowerBound);
        Assert.Equal(a.Means.Values, b.Means.Values);
    }

    [Fact]
    public void Edge_cases()
    {
        var dup = FeatureMatrix.FromRows(Enumerable.Repeat(new[] { 1.0, 2.0 }, 5).ToArray());
        // Duplicate rows: the regularisation keeps the covariance positive definite.
        var m = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 1 }).Fit(dup);
        Assert.Equal(1.0, m.Means.Values[0], 12);
        Assert.Equal(2.0, m.Means.Values[1], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 6 }).Fit(dup));
        var nan = FeatureMatrix.FromRows(new[] { new[] { 1.0 }, new[] { double.NaN } });
        Assert.Contains("row 1", Assert.Throws<ArgumentException>(() => new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options { NumberOfComponents = 1 }).Fit(nan)).Message);
    }
}
