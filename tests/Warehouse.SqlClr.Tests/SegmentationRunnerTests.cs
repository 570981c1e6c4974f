using System.Data.SqlTypes;
using System.Globalization;
using Dapper;
using Microsoft.Data.SqlClient.Server;
using Warehouse.Data.DuckDb;
using Warehouse.Segmentation;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Scaling;

namespace Warehouse.SqlClr.Tests;

/// <summary>
/// The procedure logic of Segmentation.RunSegmentation runs against the DuckDB warehouse through the same ADO.NET
/// interfaces it uses on the SQL Server context connection, and gives exactly the segments of the host path (read the
/// features, median for missing, log1p columns floored at 0, per-feature scaler, k-means with the same seed and restarts).
/// Data: 240 customers planted around three profiles (loyal high spenders, bargain hunters, lapsed), seed 7.
/// </summary>
public class SegmentationRunnerTests
{
    private const int AsOfDateKey = 20240101;
    private static readonly string[] Features = ["RecencyDays", "Frequency", "MonetaryValue", "AverageOrderValue", "TenureDays", "Age"];
    private static readonly ScalingMethod[] Scaling =
        [ScalingMethod.ZScore, ScalingMethod.Log1pZScore, ScalingMethod.Log1pZScore, ScalingMethod.Log1pZScore, ScalingMethod.ZScore, ScalingMethod.ZScore];

    private static string FeatureQuery(char marker) =>
        "SELECT f.\"CustomerKey\", " + string.Join(", ", Features.Select(n => $"CAST(f.\"{n}\" AS DOUBLE) AS \"{n}\"")) +
        $" FROM \"Segmentation\".\"CustomerFeature\" AS f WHERE f.\"AsOfDateKey\" = {marker}AsOfDateKey ORDER BY f.\"CustomerKey\"";

    private static (DuckDbWarehouse Warehouse, int[] Truth) Planted()
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        var random = new Random(7);
        double Noise(double scale) => (random.NextDouble() - 0.5) * 2 * scale;
        (double Recency, double Frequency, double Monetary, double Aov, double Tenure)[] profiles =
        [
            (10, 30, 5000, 170, 700),   // loyal high spenders
            (60, 8, 280, 35, 400),      // bargain hunters
            (320, 2, 110, 55, 520),     // lapsed
        ];
        var truth = new int[240];
        using var transaction = warehouse.Connection.BeginTransaction();
        for (var i = 0; i < truth.Length; i++)
        {
            var p = i % 3;
            truth[i] = p;
            var profile = profiles[p];
            var frequency = Math.Max(1, (int)Math.Round(profile.Frequency * (1 + Noise(0.2))));
            // A few net refunds (negative monetary value) and unknown ages exercise the floor and the median.
            var monetary = i % 37 == 5 ? -25.0 : Math.Round(profile.Monetary * (1 + Noise(0.25)), 2);
            warehouse.Connection.Execute(warehouse.Sql("""
                INSERT INTO "Segmentation"."CustomerFeature" ("CustomerKey", "AsOfDateKey", "RecencyDays", "Frequency", "MonetaryValue",
                    "AverageOrderValue", "TenureDays", "CancellationRate", "Age")
                VALUES (@key, @asOf, @recency, @frequency, @monetary, @aov, @tenure, 0, @age)
                """), new
            {
                key = i + 1,
                asOf = AsOfDateKey,
                recency = (int)Math.Max(0, profile.Recency * (1 + Noise(0.3))),
                frequency,
                monetary,
                aov = Math.Round(profile.Aov * (1 + Noise(0.2)), 2),
                tenure = (int)(profile.Tenure * (1 + Noise(0.2))),
                age = i % 11 == 0 ? (int?)null : 25 + (i % 40),
            }, transaction);
        }

        transaction.Commit();
        return (warehouse, truth);
    }

    private static SegmentationRequest Request() => new()
    {
        FeatureQuery = FeatureQuery('$'),
        AsOfDateKey = AsOfDateKey,
        Algorithm = "kmeans",
        Options = "k=3;nInit=10",
        ScalingMethod = string.Join(",", Scaling),
        Seed = 42,
    };

    /// <summary>The host path, written from the core library directly.</summary>
    private static (int[] Labels, byte[] Model, byte[] Scaler) Host(DuckDbWarehouse warehouse)
    {
        var rows = warehouse.Connection.Query(warehouse.Sql(FeatureQuery('@')), new { AsOfDateKey }).Select(r => (IDictionary<string, object?>)r).ToList();
        var medians = Features.Select(f =>
        {
            var present = rows.Where(r => r[f] is not null).Select(r => Convert.ToDouble(r[f], CultureInfo.InvariantCulture)).Order().ToArray();
            return present[present.Length / 2];
        }).ToArray();
        var values = new double[rows.Count * Features.Length];
        for (var i = 0; i < rows.Count; i++)
        {
            for (var c = 0; c < Features.Length; c++)
            {
                var v = rows[i][Features[c]] is { } x ? Convert.ToDouble(x, CultureInfo.InvariantCulture) : medians[c];
                values[(i * Features.Length) + c] = Scaling[c] == ScalingMethod.Log1pZScore ? Math.Max(0, v) : v;
            }
        }

        var raw = new FeatureMatrix(values, Features.Length) { ColumnNames = Features };
        var scaler = FeatureScaler.Fit(raw, Scaling);
        var scaled = scaler.Transform(raw);
        var model = new KMeansTrainer(new KMeansTrainer.Options { NumberOfClusters = 3, Seed = 42, NumberOfInitializations = 10 }).Fit(scaled);
        return (model.Predict(scaled), model.Serialize(), scaler.Serialize());
    }

    [Fact]
    public void ProcedureLogicOnDuckDbGivesExactlyTheHostSegments()
    {
        var (warehouse, truth) = Planted();
        using (warehouse)
        {
            var result = SegmentationRunner.Run(warehouse.Connection, Request(), '$');
            var host = Host(warehouse);

            Assert.Equal(Enumerable.Range(1, 240).Select(i => (long)i), result.Keys);
            Assert.Equal(host.Labels, result.Labels);
            Assert.Equal(host.Model, result.ModelBytes);
            Assert.Equal(host.Scaler, result.ScalerBytes);
            Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, result.Labels) >= 0.9, "the planted profiles are recovered");
            Assert.Equal(3, result.NumberOfSegments);
            Assert.Equal("KMeans", result.ModelFormat);
            Assert.InRange(result.Silhouette!.Value, 0.3, 1.0);
            Assert.True(result.DaviesBouldin > 0);
            Assert.Contains("\"cluster\":0", result.SegmentsJson, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ScoringFunctionsReproduceTheTrainingAssignments()
    {
        var (warehouse, _) = Planted();
        using (warehouse)
        {
            var result = SegmentationRunner.Run(warehouse.Connection, Request(), '$');
            var rows = warehouse.Connection.Query(warehouse.Sql(FeatureQuery('@')), new { AsOfDateKey }).Select(r => (IDictionary<string, object?>)r).ToList();
            var model = new SqlBytes(result.ModelBytes);
            var scaler = new SqlBytes(result.ScalerBytes);
            var scored = 0;
            for (var i = 0; i < rows.Count; i++)
            {
                if (Features.Any(f => rows[i][f] is null))
                {
                    continue; // the scoring functions take complete vectors; missing values were filled at training time
                }

                var vector = string.Join(",", Features.Select(f => Convert.ToDouble(rows[i][f], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)));
                Assert.Equal(result.Labels[i], SegmentationProcedures.AssignSegment(model, scaler, new SqlString(vector)).Value);
                var row = Assert.Single(SegmentationProcedures.ScoreSegments(model, scaler, new SqlString(vector)).Cast<object>());
                SegmentationProcedures.FillScoreRow(row, out var cluster, out var distance, out var probability);
                Assert.Equal(result.Labels[i], cluster.Value);
                Assert.Equal(result.Distances[i]!.Value, distance.Value, 12);
                Assert.True(probability.IsNull);
                scored++;
            }

            Assert.True(scored > 200);
        }
    }

    [Fact]
    public void AssignmentRowsHaveTheShapeOfTheRunConfigurationTable()
    {
        var result = SegmentationRunner.Run(TwoClusters(), new SegmentationRequest { Options = "k=2", ScalingMethod = "ZScore", Seed = 1 });
        var record = new SqlDataRecord(SegmentationProcedures.AssignmentMetadata());
        Assert.Equal(["CustomerKey", "ClusterIndex", "Distance", "Probability"], Enumerable.Range(0, record.FieldCount).Select(record.GetName));

        SegmentationProcedures.FillAssignment(result, 2, record);
        Assert.Equal(3, record.GetInt32(0));
        Assert.Equal(result.Labels[2], record.GetInt32(1));
        Assert.Equal(result.Distances[2]!.Value, record.GetDouble(2));
        Assert.True(record.IsDBNull(3));

        // The T-SQL side: Segmentation.RunConfiguration inserts the rows into #Assignment with these columns and types.
        var procedure = File.ReadAllText(Path.Combine(ClrPaths.Root, "database", "Warehouse.Database", "Segmentation", "Stored Procedures", "RunConfiguration.sql"));
        Assert.Contains("[CustomerKey] INT NOT NULL PRIMARY KEY,\n            [ClusterIndex] INT NOT NULL,\n            [Distance] FLOAT NULL,\n            [Probability] FLOAT NULL", procedure, StringComparison.Ordinal);
    }

    [Fact]
    public void HandCalculatedTwoClustersInOneDimension()
    {
        // Values 0, 1, 10, 11: mean 5.5, population standard deviation sqrt(25.25); k = 2 gives {0, 1} and {10, 11}
        // with centres at ±5/sqrt(25.25) after z-scoring, so every point lies 0.5/sqrt(25.25) from its centre.
        var result = SegmentationRunner.Run(TwoClusters(), new SegmentationRequest { Options = "k=2", ScalingMethod = "ZScore", Seed = 1 });

        Assert.Equal(result.Labels[0], result.Labels[1]);
        Assert.Equal(result.Labels[2], result.Labels[3]);
        Assert.NotEqual(result.Labels[0], result.Labels[2]);
        foreach (var distance in result.Distances)
        {
            Assert.Equal(0.5 / Math.Sqrt(25.25), distance!.Value, 12);
        }

        Assert.Equal(4 * 0.25 / 25.25, result.Inertia!.Value, 12);
        // Centroids in original units: 0.5 and 10.5, two customers each.
        Assert.Contains("\"count\":2,\"share\":0.5,\"centroid\":{\"x\":0.5}", result.SegmentsJson, StringComparison.Ordinal);
        Assert.Contains("\"count\":2,\"share\":0.5,\"centroid\":{\"x\":10.5}", result.SegmentsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void PreviousSegmentsAreMatchedByCentroidDistanceInThisRunsScaledSpace()
    {
        // Values 0, 1, 10, 11 z-scored: mean 5.5, standard deviation sqrt(25.25). Previous segment 7 at 1.5 is
        // |0.5 − 1.5| / sqrt(25.25) ≈ 0.199 from the cluster at 0.5 (≤ 1: it continues segment 7); segment 8 at 30 is
        // 19.5 / sqrt(25.25) ≈ 3.88 from the cluster at 10.5 (> 1: a new segment).
        var result = SegmentationRunner.Run(TwoClusters(), new SegmentationRequest { Options = "k=2", ScalingMethod = "ZScore", Seed = 1, PreviousSegments = "7:x=1.5|8:x=30" });

        var near = System.Text.RegularExpressions.Regex.Match(result.SegmentsJson,
            "\\{\"cluster\":\\d,\"segmentKey\":7,\"matchDistance\":([^,]+),\"count\":2,\"share\":0.5,\"centroid\":\\{\"x\":0.5\\}");
        Assert.True(near.Success, result.SegmentsJson);
        Assert.Equal(1 / Math.Sqrt(25.25), double.Parse(near.Groups[1].Value, CultureInfo.InvariantCulture), 12);
        Assert.Matches("\"segmentKey\":null,\"matchDistance\":null,\"count\":2,\"share\":0.5,\"centroid\":\\{\"x\":10.5\\}", result.SegmentsJson);

        // Other features than this run's: nothing comparable, every cluster is new (as in the host).
        var changed = SegmentationRunner.Run(TwoClusters(), new SegmentationRequest { Options = "k=2", ScalingMethod = "ZScore", Seed = 1, PreviousSegments = "7:y=1.5" });
        Assert.DoesNotContain("\"segmentKey\":7", changed.SegmentsJson, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SegmentationRunner.Run(TwoClusters(), new SegmentationRequest { Options = "k=2", PreviousSegments = "seven:x=1" }));
    }

    [Theory]
    [InlineData("kmeans", "k=3;colour=blue", "option 'colour' is not known to algorithm kmeans")]
    [InlineData("kmeans", "k=three", "option k=three is not an integer")]
    [InlineData("kmeans", "k", "option 'k' must be written name=value")]
    [InlineData("kmeans", "init=sideways", "option init=sideways must be kmeans++ or random")]
    [InlineData("gmm", "covariance=tied", "option covariance=tied must be full, diagonal or spherical")]
    [InlineData("som", "topology=triangular", "option topology=triangular must be rectangular or hexagonal")]
    [InlineData("dbscan", "eps=wide", "option eps=wide is not a number or auto")]
    [InlineData("minibatch", "k=2;linkage=ward", "option 'linkage' is not known to algorithm minibatch")]
    [InlineData("minibatch", "k=2;reassignmentRatio=1.5", "ReassignmentRatio must be in [0, 1]")]
    [InlineData("spectral", "", "unknown algorithm 'spectral'")]
    public void BadRequestsFailWithAMessageNamingTheProblem(string algorithm, string options, string message)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() =>
            SegmentationRunner.Run(TwoClusters(), new SegmentationRequest { Algorithm = algorithm, Options = options }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MixtureReturnsProbabilitiesThatScoringReproduces()
    {
        var (warehouse, truth) = Planted();
        using (warehouse)
        {
            var request = Request();
            request.Algorithm = "gmm";
            request.Options = "k=3;covariance=diagonal;nInit=2";
            var result = SegmentationRunner.Run(warehouse.Connection, request, '$');

            Assert.Equal("GaussianMixture", result.ModelFormat);
            Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, result.Labels) >= 0.9, "the planted profiles are recovered");
            Assert.All(result.Probabilities, p => Assert.InRange(p!.Value, 1.0 / 3, 1.0));

            var rows = warehouse.Connection.Query(warehouse.Sql(FeatureQuery('@')), new { AsOfDateKey }).Select(r => (IDictionary<string, object?>)r).ToList();
            var i = rows.FindIndex(r => Features.All(f => r[f] is not null));
            var vector = string.Join(",", Features.Select(f => Convert.ToDouble(rows[i][f], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)));
            var score = ModelScoring.Score(result.ModelBytes, result.ScalerBytes, vector);
            Assert.Equal(result.Labels[i], score.Cluster);
            Assert.Equal(result.Probabilities[i]!.Value, score.Probability!.Value, 12);
            Assert.Equal(result.Distances[i]!.Value, score.Distance!.Value, 12);
        }
    }

    [Theory]
    [InlineData("ward", "k=3")]
    [InlineData("som", "width=4;height=4;epochs=30;k=3")]
    [InlineData("dbscan", "eps=auto;minPoints=5")]
    [InlineData("minibatch", "k=3;batchSize=64;nInit=2")]
    public void EveryAlgorithmRecoversThePlantedProfilesAndScoresConsistently(string algorithm, string options)
    {
        var (warehouse, truth) = Planted();
        using (warehouse)
        {
            var request = Request();
            request.Algorithm = algorithm;
            request.Options = options;
            var result = SegmentationRunner.Run(warehouse.Connection, request, '$');

            // DBSCAN may leave a few customers as noise (−1); compare the clustered ones.
            var kept = Enumerable.Range(0, truth.Length).Where(i => result.Labels[i] >= 0).ToArray();
            Assert.True(kept.Length >= 0.9 * truth.Length, $"{truth.Length - kept.Length} customers left as noise");
            var ari = ClusteringMetrics.AdjustedRandIndex(kept.Select(i => truth[i]).ToArray(), kept.Select(i => result.Labels[i]).ToArray());
            Assert.True(ari >= 0.9, $"{algorithm}: adjusted Rand index {ari:0.000}");

            // Scoring a stored model assigns by the model's prediction rule: nearest unit/centre for SOM and Ward
            // (a Ward tree cut can put a training customer in a cluster whose centroid is not the nearest), core-point
            // reach for DBSCAN. SOM and mini-batch k-means must agree exactly; Ward and DBSCAN on at least 95 % of the customers.
            var rows = warehouse.Connection.Query(warehouse.Sql(FeatureQuery('@')), new { AsOfDateKey }).Select(r => (IDictionary<string, object?>)r).ToList();
            var complete = Enumerable.Range(0, rows.Count).Where(i => Features.All(f => rows[i][f] is not null)).ToList();
            var agree = 0;
            foreach (var i in complete)
            {
                var vector = string.Join(",", Features.Select(f => Convert.ToDouble(rows[i][f], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)));
                var score = ModelScoring.Score(result.ModelBytes, result.ScalerBytes, vector);
                if (score.Cluster != result.Labels[i])
                {
                    continue;
                }

                agree++;
                if (result.Distances[i] is { } distance)
                {
                    Assert.Equal(distance, score.Distance!.Value, 12);
                }
            }

            var required = algorithm is "som" or "minibatch" ? complete.Count : (int)Math.Ceiling(0.95 * complete.Count);
            Assert.True(agree >= required, $"{algorithm}: scoring agrees with training on {agree} of {complete.Count} customers");
        }
    }

    [Fact]
    public void ScalingListMustMatchTheFeatures()
    {
        var error = Assert.Throws<ArgumentException>(() => SegmentationRunner.ParseScaling("ZScore,None", ["a", "b", "c"]));
        Assert.Contains("lists 2 methods for 3 features", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SegmentationRunner.ParseScaling("Loud", ["a"]));
        Assert.Equal([ScalingMethod.Log1pZScore, ScalingMethod.None], SegmentationRunner.ParseScaling("log1pzscore, None", ["a", "b"]));
    }

    [Fact]
    public void QueryThatIsNotASelectIsRefused()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var error = Assert.Throws<ArgumentException>(() => SegmentationRunner.Run(warehouse.Connection,
            new SegmentationRequest { FeatureQuery = "DELETE FROM \"Segmentation\".\"CustomerFeature\"" }, '$'));
        Assert.Contains("must be a single SELECT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonNumericFeatureNamesTheCustomerAndColumn()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var error = Assert.Throws<InvalidOperationException>(() => SegmentationRunner.Run(warehouse.Connection,
            new SegmentationRequest { FeatureQuery = "SELECT 7 AS CustomerKey, 'many' AS Frequency UNION ALL SELECT 8, '2'" }, '$'));
        Assert.Contains("feature Frequency of customer 7 is 'many', not a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoringRejectsAVectorOfTheWrongLength()
    {
        var result = SegmentationRunner.Run(TwoClusters(), new SegmentationRequest { Options = "k=2", Seed = 1 });
        var error = Assert.Throws<ArgumentException>(() => ModelScoring.Score(result.ModelBytes, result.ScalerBytes, "1,2"));
        Assert.Contains("has 2 values; the model was trained on 1", error.Message, StringComparison.Ordinal);
        Assert.True(SegmentationProcedures.AssignSegment(new SqlBytes(result.ModelBytes), new SqlBytes(result.ScalerBytes), SqlString.Null).IsNull);
    }

    private static FeatureTable TwoClusters()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        using var command = warehouse.Connection.CreateCommand();
        command.CommandText = "SELECT * FROM (VALUES (1, 0.0), (2, 1.0), (3, 10.0), (4, 11.0)) AS t(CustomerKey, x) ORDER BY CustomerKey";
        using var reader = command.ExecuteReader();
        return FeatureTable.Read(reader);
    }
}
