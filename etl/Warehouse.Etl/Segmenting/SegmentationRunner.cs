using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;
using Warehouse.Data.DuckDb;
using Warehouse.Reports.Naming;
using Warehouse.Segmentation;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Scaling;

namespace Warehouse.Etl.Segmenting;

/// <summary>
/// <c>segment run</c>: materialises <c>Segmentation.CustomerFeature</c> from the feature view for the as-of date
/// (customers who refused profiling are left out), scales, clusters with k-means (k-means++ start, restarts; k fixed
/// or chosen by silhouette over a range), names the segments from their profile, matches them to the previous run's
/// segments by centroid distance so <c>SegmentKey</c> stays stable, and writes ModelRun, Model, Segment,
/// ModelRunSegment and CustomerSegment (type 2: a new row only when a customer changes segment) in one transaction.
/// </summary>
public static class SegmentationRunner
{
    /// <summary>Scaled-space distance under which a new cluster continues an old segment.</summary>
    public const double MatchThreshold = SegmentMatcher.DefaultThreshold;

    private const string EndOfTime = "TIMESTAMP '9999-12-31'";
    private static readonly string[] ProfileColumns = ["RecencyDays", "Frequency", "AverageOrderValue", "MonetaryValue", "TenureDays"];

    /// <summary>Runs a segmentation and returns its summary.</summary>
    /// <exception cref="InvalidOperationException">There is nothing to segment, or the run could not be committed.</exception>
    public static SegmentationResult Run(DuckDbWarehouse warehouse, SegmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var features = FeatureCatalog.Resolve(options.Features);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var db = warehouse.DuckDbConnection;
        using var transaction = db.BeginTransaction();
        var completed = false;
        try
        {
            EnsureFeatureDefinitions(db, transaction);
            var asOf = db.QueryFirstOrDefault<int?>("SELECT max(\"AsOfDateKey\") FROM \"Segmentation\".\"CustomerFeatureSource\"", transaction: transaction)
                ?? throw new InvalidOperationException("There are no purchases in the warehouse to segment: run 'load transactions' or 'demo' first.");
            MaterialiseFeatures(db, transaction, asOf);
            var table = ReadFeatures(db, transaction, asOf, features);
            if (table.CustomerKeys.Length < 2)
            {
                throw new InvalidOperationException($"Only {table.CustomerKeys.Length} customer(s) can be segmented (profiling consent not refused); at least 2 are needed.");
            }

            var raw = new FeatureMatrix(table.Values, features.Count) { ColumnNames = features.Select(f => f.Name).ToArray() };
            var scaler = FeatureScaler.Fit(raw, features.Select(f => f.Scaling).ToArray());
            var scaled = scaler.Transform(raw);
            var (model, k, curve) = Fit(scaled, options);
            var labels = model.Predict(scaled);
            var metrics = Measure(scaled, labels, options.Seed, options.SilhouetteSampleSize);
            var window = db.QuerySingle<(int? First, int? Last)>(
                "SELECT min(\"DateKey\"), max(\"DateKey\") FROM \"Fact\".\"Purchase\" WHERE \"CustomerKey\" <> 0", transaction: transaction);

            var runKey = db.ExecuteScalar<int>("SELECT CAST(nextval('Sequences.ModelRunKey') AS INTEGER)", transaction: transaction);
            var profiles = Profile(table, labels, k, features);
            var matches = MatchPrevious(db, transaction, options.ConfigurationName, profiles, scaler, features);
            var names = NameSegments(profiles, table.Profile, features);
            var parameters = JsonSerializer.Serialize(new
            {
                k,
                kRange = options.KRange is { } r ? $"{r.Min}..{r.Max}" : null,
                options.Restarts,
                options.Seed,
                initialization = "k-means++",
                maximumIterations = KMeansTrainer.Defaults.MaximumIterations,
                tolerance = KMeansTrainer.Defaults.Tolerance,
                scaling = features.ToDictionary(f => f.Name, f => f.Scaling.ToString()),
                monetaryFloor = 0,
                missingAge = "median",
            });
            var metricsJson = JsonSerializer.Serialize(new
            {
                inertia = Finite(model.Inertia),
                silhouette = Finite(metrics.Silhouette),
                silhouetteSampleSize = metrics.SampleSize,
                daviesBouldin = Finite(metrics.DaviesBouldin),
                calinskiHarabasz = Finite(metrics.CalinskiHarabasz),
                model.Iterations,
                model.Converged,
                kCurve = curve.Select(c => new { c.K, silhouette = Finite(c.Silhouette), inertia = Finite(c.Inertia) }),
            });
            db.Execute("""
                INSERT INTO "Segmentation"."ModelRun" ("ModelRunKey", "ConfigurationName", "Algorithm", "Parameters", "Features", "ScalingMethod", "Seed",
                    "NumberOfSegments", "NumberOfCustomers", "AsOfDateKey", "DataWindowStartDateKey", "DataWindowEndDateKey", "ConsentBasis",
                    "Inertia", "Silhouette", "DaviesBouldin", "CalinskiHarabasz", "Metrics", "Host", "StartedAt", "CompletedAt", "Status")
                VALUES ($runKey, $config, 'kmeans', $parameters, $features, 'per-feature', $seed, $k, $n, $asOf, $first, $last,
                    'profiling consent not refused', $inertia, $silhouette, $db, $ch, $metricsJson, 'host-duckdb', $started, now() AT TIME ZONE 'UTC', 'succeeded')
                """, new
            {
                runKey, config = options.ConfigurationName, parameters, features = string.Join(",", features.Select(f => f.Name)), seed = options.Seed,
                k, n = table.CustomerKeys.Length, asOf, first = window.First, last = window.Last, inertia = model.Inertia,
                silhouette = Finite(metrics.Silhouette), db = Finite(metrics.DaviesBouldin), ch = Finite(metrics.CalinskiHarabasz), metricsJson, started,
            }, transaction);
            db.Execute("""
                INSERT INTO "Segmentation"."Model" ("ModelRunKey", "ModelFormat", "FormatVersion", "ModelBytes", "ScalerBytes")
                VALUES ($runKey, 'kmeans', 1, $model, $scaler)
                """, new { runKey, model = model.Serialize(), scaler = scaler.Serialize() }, transaction);

            var segmentKeys = WriteSegments(db, transaction, options.ConfigurationName, runKey, profiles, matches, names, table.CustomerKeys.Length);
            WriteMemberships(db, transaction, options.ConfigurationName, runKey, started, table.CustomerKeys, labels, segmentKeys, scaled, model);

            transaction.Commit();
            completed = true;
            var persisted = db.ExecuteScalar<long>("SELECT count(*) FROM \"Segmentation\".\"ModelRun\" WHERE \"ModelRunKey\" = $runKey", new { runKey });
            if (persisted != 1)
            {
                throw new InvalidOperationException("The segmentation run did not commit (DuckDB rolled the transaction back); the warehouse is unchanged.");
            }

            var summaries = profiles.Select(p => new SegmentSummary(
                    segmentKeys[p.Cluster], matches[p.Cluster].IsNew, CurrentName(db, segmentKeys[p.Cluster]) ?? names[p.Cluster], p.Count,
                    (double)p.Count / table.CustomerKeys.Length, p.Profile["RecencyDays"], p.Profile["Frequency"], p.Profile["AverageOrderValue"],
                    p.Profile["MonetaryValue"]))
                .OrderByDescending(s => s.MeanMonetaryValue)
                .ToList();
            return new SegmentationResult(runKey, options.ConfigurationName, k, table.CustomerKeys.Length, table.Excluded, asOf, metrics.Silhouette,
                model.Inertia, summaries, curve, table.CustomerKeys, labels.Select(l => segmentKeys[l]).ToArray(), clock.Elapsed);
        }
        finally
        {
            if (!completed)
            {
                try
                {
                    transaction.Rollback();
                }
                catch (DuckDBException)
                {
                    // Already aborted by DuckDB: nothing was kept.
                }
            }
        }
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string? CurrentName(DuckDBConnection db, int segmentKey) =>
        db.ExecuteScalar<string>("SELECT \"SegmentName\" FROM \"Segmentation\".\"Segment\" WHERE \"SegmentKey\" = $segmentKey", new { segmentKey });

    private static void EnsureFeatureDefinitions(DuckDBConnection db, DuckDBTransaction transaction)
    {
        var order = 0;
        foreach (var f in FeatureCatalog.All)
        {
            db.Execute("""
                INSERT INTO "Segmentation"."FeatureDefinition" ("FeatureName", "DisplayName", "Description", "ScalingMethod", "IsDefault", "SortOrder")
                SELECT $Name, $DisplayName, $Description, $Scaling, $IsDefault, $order
                WHERE NOT EXISTS (SELECT 1 FROM "Segmentation"."FeatureDefinition" WHERE "FeatureName" = $Name)
                """, new { f.Name, f.DisplayName, f.Description, Scaling = f.Scaling.ToString(), f.IsDefault, order = ++order }, transaction);
        }
    }

    /// <summary>Replaces the snapshot of the as-of date with the view's current values; refused profiling consent is excluded.</summary>
    private static void MaterialiseFeatures(DuckDBConnection db, DuckDBTransaction transaction, int asOf)
    {
        db.Execute("DELETE FROM \"Segmentation\".\"CustomerFeature\" WHERE \"AsOfDateKey\" = $asOf", new { asOf }, transaction);
        db.Execute("""
            INSERT INTO "Segmentation"."CustomerFeature" ("CustomerKey", "AsOfDateKey", "RecencyDays", "Frequency", "MonetaryValue", "AverageOrderValue",
                "TenureDays", "CancellationRate", "WebSessions", "WebEngagement", "WebConversionRate", "SocialComments", "SocialSentiment", "Age", "SocialNegativeShare")
            SELECT "CustomerKey", "AsOfDateKey", "RecencyDays", "Frequency", "MonetaryValue", "AverageOrderValue", "TenureDays", "CancellationRate",
                   "WebSessions", "WebEngagement", "WebConversionRate", "SocialComments", "SocialSentiment", "Age", "SocialNegativeShare"
            FROM "Segmentation"."CustomerFeatureSource"
            WHERE "AsOfDateKey" = $asOf AND "ConsentProfiling" IS DISTINCT FROM false
            """, new { asOf }, transaction);
    }

    private static FeatureTable ReadFeatures(DuckDBConnection db, DuckDBTransaction transaction, int asOf, IReadOnlyList<FeatureCatalog.Feature> features)
    {
        var excluded = db.ExecuteScalar<long>("""
            SELECT count(*) FROM "Segmentation"."CustomerFeatureSource" WHERE "AsOfDateKey" = $asOf AND "ConsentProfiling" = false
            """, new { asOf }, transaction);
        var columns = features.Select(f => f.Name).Union(ProfileColumns).ToArray();
        var select = string.Join(", ", columns.Select(c => $"CAST(\"{c}\" AS DOUBLE) AS \"{c}\""));
        using var command = db.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT \"CustomerKey\", {select} FROM \"Segmentation\".\"CustomerFeature\" WHERE \"AsOfDateKey\" = {asOf.ToString(CultureInfo.InvariantCulture)} ORDER BY \"CustomerKey\"";
        var keys = new List<int>();
        var all = new List<double?[]>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                keys.Add(reader.GetInt32(0));
                var row = new double?[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    row[c] = reader.IsDBNull(c + 1) ? null : reader.GetDouble(c + 1);
                }

                all.Add(row);
            }
        }

        // Missing ages take the median age; money is floored at 0 so log1p is defined (net refunds count as no spend):
        // the core's rules, which the SQL CLR procedure applies too.
        var medians = FeaturePreprocessing.ColumnMedians(all, columns.Length);

        var values = new double[all.Count * features.Count];
        var profile = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            profile[column] = new double[all.Count];
        }

        // Position of each column among the features (-1: a profile-only column), found once rather than per value.
        var featureIndex = columns.Select(column => features.ToList().FindIndex(x => x.Name == column)).ToArray();
        for (var i = 0; i < all.Count; i++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var median = medians[c] ?? 0;
                profile[columns[c]][i] = FeaturePreprocessing.Clean(all[i][c], median, false);
                var f = featureIndex[c];
                if (f >= 0)
                {
                    values[(i * features.Count) + f] = FeaturePreprocessing.Clean(all[i][c], median, FeaturePreprocessing.FloorsAtZero(features[f].Scaling));
                }
            }
        }

        return new FeatureTable(keys.ToArray(), values, profile, excluded);
    }

    private static (KMeansModel Model, int K, List<KCurvePoint> Curve) Fit(FeatureMatrix scaled, SegmentationOptions options)
    {
        var curve = new List<KCurvePoint>();
        KMeansModel Train(int k) => new KMeansTrainer(new KMeansTrainer.Options
        {
            NumberOfClusters = k,
            Seed = options.Seed,
            NumberOfInitializations = options.Restarts,
        }).Fit(scaled);

        if (options.KRange is not { } range)
        {
            var k = Math.Min(options.K, scaled.Rows);
            return (Train(k), k, curve);
        }

        KMeansModel? best = null;
        var bestK = 0;
        var bestScore = double.NegativeInfinity;
        var sample = SampleRows(scaled.Rows, options.SilhouetteSampleSize, options.Seed);
        var sampled = sample is null ? scaled : scaled.SelectRows(sample);
        for (var k = range.Min; k <= Math.Min(range.Max, scaled.Rows - 1); k++)
        {
            var model = Train(k);
            var labels = model.Predict(sampled);
            var score = labels.Distinct().Count() < 2 ? double.NegativeInfinity : ClusteringMetrics.Silhouette(sampled, labels);
            curve.Add(new KCurvePoint(k, score, model.Inertia));
            if (score > bestScore)
            {
                (best, bestK, bestScore) = (model, k, score);
            }
        }

        return best is null ? throw new InvalidOperationException("No k in the range could be evaluated.") : (best, bestK, curve);
    }

    private static int[]? SampleRows(int rows, int size, int seed)
    {
        if (rows <= size)
        {
            return null;
        }

        var random = new Random(seed);
        var indices = Enumerable.Range(0, rows).ToArray();
        random.Shuffle(indices);
        var sample = indices[..size];
        Array.Sort(sample);
        return sample;
    }

    private static RunMetrics Measure(FeatureMatrix scaled, int[] labels, int seed, int sampleSize)
    {
        if (labels.Distinct().Count() < 2)
        {
            return new RunMetrics(double.NaN, 0, double.NaN, double.NaN);
        }

        var sample = SampleRows(scaled.Rows, sampleSize, seed);
        var silhouette = sample is null
            ? ClusteringMetrics.Silhouette(scaled, labels)
            : ClusteringMetrics.Silhouette(scaled.SelectRows(sample), sample.Select(i => labels[i]).ToArray());
        return new RunMetrics(silhouette, sample?.Length ?? scaled.Rows, ClusteringMetrics.DaviesBouldin(scaled, labels),
            ClusteringMetrics.CalinskiHarabasz(scaled, labels));
    }

    private static List<ClusterProfile> Profile(FeatureTable table, int[] labels, int k, IReadOnlyList<FeatureCatalog.Feature> features)
    {
        var result = new List<ClusterProfile>();
        for (var cluster = 0; cluster < k; cluster++)
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == cluster).ToArray();
            var profile = table.Profile.ToDictionary(p => p.Key, p => members.Length == 0 ? 0 : members.Average(i => p.Value[i]), StringComparer.Ordinal);
            var centroid = features.Select((_, f) => members.Length == 0 ? 0 : members.Average(i => table.Values[(i * features.Count) + f])).ToArray();
            result.Add(new ClusterProfile(cluster, members.Length, profile, centroid)
            {
                CentroidByName = features.Select((f, i) => (f.Name, centroid[i])).ToDictionary(x => x.Name, x => x.Item2, StringComparer.Ordinal),
            });
        }

        return result;
    }

    /// <summary>
    /// Matches the clusters to the current segments of the configuration's previous run: both centroids (means in
    /// original units) go through this run's scaler, pairs are taken greedily by increasing distance, and a pair
    /// farther apart than <see cref="MatchThreshold"/> starts a new segment.
    /// </summary>
    private static Match[] MatchPrevious(DuckDBConnection db, DuckDBTransaction transaction, string configuration, List<ClusterProfile> profiles,
        FeatureScaler scaler, IReadOnlyList<FeatureCatalog.Feature> features)
    {
        var matches = profiles.Select(_ => new Match(null, null, true)).ToArray();
        var previousRun = db.ExecuteScalar<int?>("""
            SELECT max("ModelRunKey") FROM "Segmentation"."ModelRun" WHERE "ConfigurationName" = $configuration AND "Status" = 'succeeded'
            """, new { configuration }, transaction);
        if (previousRun is null)
        {
            return matches;
        }

        var previous = db.Query<(int SegmentKey, string? Centroid)>("""
            SELECT "SegmentKey", "Centroid" FROM "Segmentation"."ModelRunSegment" WHERE "ModelRunKey" = $previousRun ORDER BY "ClusterIndex"
            """, new { previousRun }, transaction).ToList();
        var old = new List<(int SegmentKey, double[] Scaled)>();
        foreach (var (segmentKey, json) in previous)
        {
            var values = json is null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(json);
            if (values is null || features.Any(f => !values.ContainsKey(f.Name)))
            {
                return matches; // Different features: nothing comparable, every cluster is a new segment.
            }

            old.Add((segmentKey, scaler.Transform(features.Select(f => values[f.Name]).ToArray())));
        }

        var current = profiles.Select(p => scaler.Transform(p.Centroid)).ToArray();
        var continues = SegmentMatcher.Match(current, old.Select(o => o.Scaled).ToArray(), MatchThreshold, out var distances);
        for (var c = 0; c < current.Length; c++)
        {
            if (continues[c] >= 0)
            {
                matches[c] = new Match(old[continues[c]].SegmentKey, distances[c], false);
            }
        }

        return matches;
    }

    /// <summary>
    /// Names from the standardised profile, with the one generator the reports use (<see cref="SegmentNamer"/>): per
    /// feature the run clustered on, (segment mean − mean of all customers) / population standard deviation of all
    /// customers, in original units after the missing-value fill, as Reports.SegmentComparison computes it; e.g.
    /// "high value, frequent, recent". A spread below 1E-12 relative to the mean counts as none (standardised mean 0).
    /// </summary>
    internal static string[] NameSegments(List<ClusterProfile> profiles, Dictionary<string, double[]> distribution, IReadOnlyList<FeatureCatalog.Feature> features)
    {
        var overall = new Dictionary<string, (double Mean, double Sd)>(StringComparer.Ordinal);
        foreach (var feature in features)
        {
            var values = distribution[feature.Name];
            double mean = 0, square = 0;
            foreach (var v in values)
            {
                mean += v;
                square += v * v;
            }

            mean = values.Length == 0 ? 0 : mean / values.Length;
            var variance = values.Length == 0 ? 0 : (square / values.Length) - (mean * mean);
            overall[feature.Name] = (mean, variance > 1E-12 * ((mean * mean) + 1) ? Math.Sqrt(variance) : 0);
        }

        var standardized = profiles.ToDictionary(
            p => p.Cluster,
            p => (IReadOnlyDictionary<string, double>)features.ToDictionary(
                f => f.Name,
                f => overall[f.Name].Sd > 0 ? (p.Profile[f.Name] - overall[f.Name].Mean) / overall[f.Name].Sd : 0,
                StringComparer.Ordinal));
        var names = SegmentNamer.GenerateUnique(standardized);
        return profiles.Select(p => names[p.Cluster]).ToArray();
    }

    private static string Describe(ClusterProfile p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Count} customers; mean recency {p.Profile["RecencyDays"]:0} days, {p.Profile["Frequency"]:0.0} orders, " +
        $"order value {p.Profile["AverageOrderValue"]:0.00}, monetary value {p.Profile["MonetaryValue"]:0.00}, tenure {p.Profile["TenureDays"]:0} days.");

    private static int[] WriteSegments(DuckDBConnection db, DuckDBTransaction transaction, string configuration, int runKey, List<ClusterProfile> profiles,
        Match[] matches, string[] names, int customers)
    {
        var keys = new int[profiles.Count];
        for (var c = 0; c < profiles.Count; c++)
        {
            var description = Describe(profiles[c]);
            if (matches[c].SegmentKey is { } existing)
            {
                keys[c] = existing;
                // A user's name survives (IsRenamed); the generated name and description follow the profile.
                db.Execute("""
                    UPDATE "Segmentation"."Segment"
                    SET "GeneratedName" = $name, "SegmentName" = CASE WHEN "IsRenamed" THEN "SegmentName" ELSE $name END,
                        "Description" = $description, "LastModelRunKey" = $runKey
                    WHERE "SegmentKey" = $existing
                    """, new { name = names[c], description, runKey, existing }, transaction);
            }
            else
            {
                keys[c] = db.ExecuteScalar<int>("SELECT CAST(nextval('Sequences.SegmentKey') AS INTEGER)", transaction: transaction);
                db.Execute("""
                    INSERT INTO "Segmentation"."Segment" ("SegmentKey", "ConfigurationName", "SegmentName", "GeneratedName", "IsRenamed", "Description", "FirstModelRunKey", "LastModelRunKey")
                    VALUES ($key, $configuration, $name, $name, false, $description, $runKey, $runKey)
                    """, new { key = keys[c], configuration, name = names[c], description, runKey }, transaction);
            }

            var centroid = JsonSerializer.Serialize(profiles[c].CentroidByName);
            db.Execute("""
                INSERT INTO "Segmentation"."ModelRunSegment" ("ModelRunKey", "ClusterIndex", "SegmentKey", "CustomerCount", "Share", "Centroid", "MatchDistance")
                VALUES ($runKey, $cluster, $key, $count, $share, $centroid, $distance)
                """, new { runKey, cluster = c, key = keys[c], count = profiles[c].Count, share = (double)profiles[c].Count / customers, centroid, distance = matches[c].Distance },
                transaction);
        }

        return keys;
    }

    /// <summary>Type 2 membership: unchanged memberships are confirmed in place; changed or dropped ones are closed; new ones opened.</summary>
    private static void WriteMemberships(DuckDBConnection db, DuckDBTransaction transaction, string configuration, int runKey, DateTime now,
        int[] customerKeys, int[] labels, int[] segmentKeys, FeatureMatrix scaled, KMeansModel model)
    {
        var table = $"segment_assignment_{runKey}";
        db.Execute($"CREATE TEMP TABLE {table} (\"CustomerKey\" INTEGER NOT NULL, \"SegmentKey\" INTEGER NOT NULL, \"Distance\" DOUBLE NOT NULL)", transaction: transaction);
        using (var appender = db.CreateAppender<Assignment, AssignmentMap>("temp", "main", table))
        {
            appender.AppendRecords(customerKeys.Select((key, i) => new Assignment
            {
                CustomerKey = key,
                SegmentKey = segmentKeys[labels[i]],
                Distance = Math.Sqrt(model.SquaredDistances(scaled.GetRow(i))[labels[i]]),
            }));
        }

        var parameters = new { configuration, runKey, now };
        db.Execute($"""
            UPDATE "Segmentation"."CustomerSegment" AS cs SET "ValidTo" = $now
            WHERE cs."ConfigurationName" = $configuration AND cs."ValidTo" = {EndOfTime}
              AND NOT EXISTS (SELECT 1 FROM {table} AS a WHERE a."CustomerKey" = cs."CustomerKey" AND a."SegmentKey" = cs."SegmentKey")
            """, parameters, transaction);
        db.Execute($"""
            UPDATE "Segmentation"."CustomerSegment" AS cs SET "ModelRunKey" = $runKey, "Distance" = a."Distance"
            FROM {table} AS a
            WHERE cs."ConfigurationName" = $configuration AND cs."ValidTo" = {EndOfTime}
              AND a."CustomerKey" = cs."CustomerKey" AND a."SegmentKey" = cs."SegmentKey"
            """, parameters, transaction);
        db.Execute($"""
            INSERT INTO "Segmentation"."CustomerSegment" ("CustomerKey", "ConfigurationName", "ValidFrom", "ValidTo", "SegmentKey", "ModelRunKey", "Distance")
            SELECT a."CustomerKey", $configuration, $now, {EndOfTime}, a."SegmentKey", $runKey, a."Distance"
            FROM {table} AS a
            WHERE NOT EXISTS (SELECT 1 FROM "Segmentation"."CustomerSegment" AS cs
                              WHERE cs."CustomerKey" = a."CustomerKey" AND cs."ConfigurationName" = $configuration AND cs."ValidTo" = {EndOfTime})
            """, parameters, transaction);
        db.Execute($"DROP TABLE {table}", transaction: transaction);
    }

    private sealed record FeatureTable(int[] CustomerKeys, double[] Values, Dictionary<string, double[]> Profile, long Excluded);

    private sealed record RunMetrics(double Silhouette, int SampleSize, double DaviesBouldin, double CalinskiHarabasz);

    private sealed record Match(int? SegmentKey, double? Distance, bool IsNew);

    /// <summary>One cluster's size and means (original units).</summary>
    internal sealed record ClusterProfile(int Cluster, int Count, Dictionary<string, double> Profile, double[] Centroid)
    {
        /// <summary>The centroid keyed by feature name (original units), as stored in ModelRunSegment.Centroid.</summary>
        public Dictionary<string, double> CentroidByName { get; init; } = [];
    }

    private sealed class Assignment
    {
        public int CustomerKey { get; set; }

        public int SegmentKey { get; set; }

        public double Distance { get; set; }
    }

    private sealed class AssignmentMap : DuckDB.NET.Data.Mapping.DuckDBAppenderMap<Assignment>
    {
        public AssignmentMap()
        {
            Map(a => a.CustomerKey);
            Map(a => a.SegmentKey);
            Map(a => a.Distance);
        }
    }
}
