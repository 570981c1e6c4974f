using System;
using System.Collections.Generic;
using System.Data;
using System.Globalization;
using System.Text;
using Warehouse.Segmentation;
using Warehouse.Segmentation.Dbscan;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Metrics;
using Warehouse.Segmentation.Mixture;
using Warehouse.Segmentation.Scaling;
using Warehouse.Segmentation.SelfOrganizingMap;

namespace Warehouse.SqlClr
{
    /// <summary>
    /// The logic of the <c>Segmentation.RunSegmentation</c> CLR procedure, written against <see cref="IDbConnection"/>
    /// so the same code runs inside SQL Server (context connection) and in tests against DuckDB.
    /// Steps: read the features; fill missing values with the column median and floor log1p-scaled columns at 0 (the
    /// host's rules); fit the scaler; train; assign every customer; measure (silhouette on a seeded sample of at most
    /// <see cref="SegmentationRequest.SilhouetteSampleSize"/> rows, Davies-Bouldin, Calinski-Harabasz and inertia on all
    /// clustered rows, DBSCAN noise excluded); describe each cluster by its size and centroid in original units.
    /// <para>Options per algorithm (<c>name=value;…</c>):</para>
    /// <list type="bullet">
    /// <item>kmeans: k (5), nInit (10 restarts, best inertia kept), maxIterations (300), tolerance (1e-4), init (kmeans++ or random);</item>
    /// <item>dbscan: eps (0.5, or <c>auto</c> for the k-distance knee), minPoints (5);</item>
    /// <item>ward: k (5), linkage (ward, average, complete, single), maxRows (20000, the distance-matrix limit);</item>
    /// <item>gmm: k (5 components), covariance (full, diagonal, spherical), regularization (1e-6), maxIterations (100),
    /// tolerance (1e-3), nInit (1); the probability of each customer's component is returned, and the distance is the
    /// Euclidean distance to the component mean in scaled space;</item>
    /// <item>som: width (8), height (8), topology (rectangular, hexagonal), epochs (20), learningRate (0.5), finalLearningRate
    /// (0.01), radius (default: the trainer's), finalRadius (0.5), k (5 segments: map units grouped by Ward); the distance
    /// is to the customer's best-matching unit (its quantisation error).</item>
    /// </list>
    /// </summary>
    public static class SegmentationRunner
    {
        /// <summary>Reads the features through <paramref name="connection"/> and runs the segmentation.</summary>
        /// <param name="connection">An open connection (SQL Server context connection, or DuckDB in tests).</param>
        /// <param name="request">What to run.</param>
        /// <param name="parameterMarker">The engine's parameter marker: '@' for SQL Server, '$' for DuckDB.</param>
        /// <exception cref="ArgumentException">Invalid request (algorithm, options, scaling).</exception>
        /// <exception cref="InvalidOperationException">The features cannot be clustered; the message says why.</exception>
        public static SegmentationResult Run(IDbConnection connection, SegmentationRequest request, char parameterMarker)
        {
            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            var query = (request.FeatureQuery ?? string.Empty).Trim();
            if (!query.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && !query.StartsWith("WITH", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("the feature query must be a single SELECT (or WITH … SELECT) statement", "featureQuery");
            }

            FeatureTable table;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = query;
                if (query.IndexOf(parameterMarker + "AsOfDateKey", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = parameterMarker == '@' ? "@AsOfDateKey" : "AsOfDateKey";
                    parameter.DbType = DbType.Int32;
                    parameter.Value = request.AsOfDateKey.HasValue ? (object)request.AsOfDateKey.Value : DBNull.Value;
                    command.Parameters.Add(parameter);
                }

                using (var reader = command.ExecuteReader())
                {
                    table = FeatureTable.Read(reader);
                }
            }

            return Run(table, request);
        }

        /// <summary>Runs the segmentation on features already read.</summary>
        /// <param name="table">The features.</param>
        /// <param name="request">What to run (the query is not used).</param>
        /// <exception cref="ArgumentException">Invalid request (algorithm, options, scaling).</exception>
        /// <exception cref="InvalidOperationException">The features cannot be clustered; the message says why.</exception>
        public static SegmentationResult Run(FeatureTable table, SegmentationRequest request)
        {
            if (table == null)
            {
                throw new ArgumentNullException(nameof(table));
            }

            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            if (table.Keys.Length < 2)
            {
                throw new InvalidOperationException("the feature query returned " + table.Keys.Length + " customer(s); at least 2 are needed to segment");
            }

            var methods = ParseScaling(request.ScalingMethod, table.ColumnNames);
            var floor = new bool[methods.Length];
            for (var c = 0; c < methods.Length; c++)
            {
                floor[c] = methods[c] == ScalingMethod.Log1pZScore;
            }

            var raw = table.ToMatrix(floor);
            var scaler = FeatureScaler.Fit(raw, methods);
            var scaled = scaler.Transform(raw);
            var options = new ClrOptions(request.Options);
            var algorithm = (request.Algorithm ?? string.Empty).Trim().ToLowerInvariant();

            var result = new SegmentationResult { Keys = (long[])table.Keys.Clone() };
            ISegmentationModel model;
            int[] labels;
            double?[] distances = new double?[raw.Rows];
            double?[] probabilities = new double?[raw.Rows];
            switch (algorithm)
            {
                case "kmeans":
                {
                    var k = options.Int("k", KMeansTrainer.Defaults.NumberOfClusters);
                    var init = options.Text("init", "kmeans++").ToLowerInvariant();
                    var trainer = new KMeansTrainer(new KMeansTrainer.Options
                    {
                        NumberOfClusters = Math.Min(k, scaled.Rows),
                        Seed = request.Seed,
                        NumberOfInitializations = options.Int("nInit", KMeansTrainer.Defaults.NumberOfInitializations),
                        MaximumIterations = options.Int("maxIterations", KMeansTrainer.Defaults.MaximumIterations),
                        Tolerance = options.Double("tolerance", KMeansTrainer.Defaults.Tolerance),
                        Initialization = init == "random" ? KMeansInitialization.Random
                            : init == "kmeans++" ? KMeansInitialization.KMeansPlusPlus
                            : throw new ArgumentException("option init=" + init + " must be kmeans++ or random", "options"),
                    });
                    options.EnsureAllUsed(algorithm);
                    var kmeans = trainer.Fit(scaled);
                    labels = CentreDistances(kmeans, scaled, distances);
                    model = kmeans;
                    break;
                }

                case "minibatch":
                {
                    // Mini-batch k-means (scikit-learn's MiniBatchKMeans rules): for many customers where a full Lloyd
                    // run costs too much; one thread in SQL Server (SAFE) and by default in the host too.
                    var noImprovement = options.Int("maxNoImprovement", MiniBatchKMeansTrainer.Defaults.MaximumNoImprovement);
                    var trainer = new MiniBatchKMeansTrainer(new MiniBatchKMeansTrainer.Options
                    {
                        NumberOfClusters = Math.Min(options.Int("k", KMeansTrainer.Defaults.NumberOfClusters), scaled.Rows),
                        Seed = request.Seed,
                        BatchSize = options.Int("batchSize", MiniBatchKMeansTrainer.Defaults.BatchSize),
                        MaximumIterations = options.Int("maxIterations", MiniBatchKMeansTrainer.Defaults.MaximumIterations),
                        MaximumNoImprovement = noImprovement == 0 ? (int?)null : noImprovement,
                        Tolerance = options.Double("tolerance", MiniBatchKMeansTrainer.Defaults.Tolerance),
                        ReassignmentRatio = options.Double("reassignmentRatio", MiniBatchKMeansTrainer.Defaults.ReassignmentRatio),
                        NumberOfInitializations = options.Int("nInit", MiniBatchKMeansTrainer.Defaults.NumberOfInitializations),
                    });
                    options.EnsureAllUsed(algorithm);
                    var miniBatch = trainer.Fit(scaled);
                    labels = CentreDistances(miniBatch, scaled, distances);
                    model = miniBatch;
                    break;
                }

                case "dbscan":
                {
                    var minPoints = options.Int("minPoints", DbscanTrainer.Defaults.MinPoints);
                    var epsText = options.Text("eps", DbscanTrainer.Defaults.Epsilon.ToString("R", CultureInfo.InvariantCulture));
                    double eps;
                    if (string.Equals(epsText, "auto", StringComparison.OrdinalIgnoreCase))
                    {
                        eps = DbscanTrainer.SuggestEpsilon(scaled, minPoints);
                    }
                    else if (!double.TryParse(epsText, NumberStyles.Float, CultureInfo.InvariantCulture, out eps))
                    {
                        throw new ArgumentException("option eps=" + epsText + " is not a number or auto", "options");
                    }

                    options.EnsureAllUsed(algorithm);
                    var dbscan = new DbscanTrainer(new DbscanTrainer.Options { Epsilon = eps, MinPoints = minPoints }).Fit(scaled);
                    labels = dbscan.TrainingLabels;
                    model = dbscan;
                    break;
                }

                case "ward":
                {
                    var linkageText = options.Text("linkage", "ward").ToLowerInvariant();
                    Linkage linkage;
                    switch (linkageText)
                    {
                        case "ward": linkage = Linkage.Ward; break;
                        case "average": linkage = Linkage.Average; break;
                        case "complete": linkage = Linkage.Complete; break;
                        case "single": linkage = Linkage.Single; break;
                        default: throw new ArgumentException("option linkage=" + linkageText + " must be ward, average, complete or single", "options");
                    }

                    var hierarchical = new HierarchicalTrainer(new HierarchicalTrainer.Options
                    {
                        Linkage = linkage,
                        NumberOfClusters = Math.Min(options.Int("k", HierarchicalTrainer.Defaults.NumberOfClusters), scaled.Rows),
                        MaximumRowsForDistanceMatrix = options.Int("maxRows", HierarchicalTrainer.Defaults.MaximumRowsForDistanceMatrix),
                    });
                    options.EnsureAllUsed(algorithm);
                    var tree = hierarchical.Fit(scaled);
                    labels = tree.TrainingLabels;
                    var centroids = tree.Centroids;
                    for (var r = 0; r < scaled.Rows; r++)
                    {
                        distances[r] = Distance(scaled, r, centroids, labels[r]);
                    }

                    model = tree;
                    break;
                }

                case "gmm":
                {
                    var covarianceText = options.Text("covariance", "full").ToLowerInvariant();
                    CovarianceType covariance;
                    switch (covarianceText)
                    {
                        case "full": covariance = CovarianceType.Full; break;
                        case "diag":
                        case "diagonal": covariance = CovarianceType.Diagonal; break;
                        case "spherical": covariance = CovarianceType.Spherical; break;
                        default: throw new ArgumentException("option covariance=" + covarianceText + " must be full, diagonal or spherical", "options");
                    }

                    var mixtureTrainer = new GaussianMixtureTrainer(new GaussianMixtureTrainer.Options
                    {
                        NumberOfComponents = Math.Min(options.Int("k", GaussianMixtureTrainer.Defaults.NumberOfComponents), scaled.Rows),
                        CovarianceType = covariance,
                        RegularizationCovariance = options.Double("regularization", GaussianMixtureTrainer.Defaults.RegularizationCovariance),
                        MaximumIterations = options.Int("maxIterations", GaussianMixtureTrainer.Defaults.MaximumIterations),
                        Tolerance = options.Double("tolerance", GaussianMixtureTrainer.Defaults.Tolerance),
                        NumberOfInitializations = options.Int("nInit", GaussianMixtureTrainer.Defaults.NumberOfInitializations),
                        Seed = request.Seed,
                    });
                    options.EnsureAllUsed(algorithm);
                    var mixture = mixtureTrainer.Fit(scaled);
                    labels = mixture.Predict(scaled);
                    var means = mixture.Means;
                    for (var r = 0; r < scaled.Rows; r++)
                    {
                        distances[r] = Distance(scaled, r, means, labels[r]);
                        probabilities[r] = mixture.PredictProbabilities(scaled.GetRow(r))[labels[r]];
                    }

                    model = mixture;
                    break;
                }

                case "som":
                {
                    var topologyText = options.Text("topology", "rectangular").ToLowerInvariant();
                    MapTopology topology;
                    switch (topologyText)
                    {
                        case "rectangular": topology = MapTopology.Rectangular; break;
                        case "hexagonal": topology = MapTopology.Hexagonal; break;
                        default: throw new ArgumentException("option topology=" + topologyText + " must be rectangular or hexagonal", "options");
                    }

                    var radius = options.Double("radius", double.NaN);
                    var somTrainer = new SelfOrganizingMapTrainer(new SelfOrganizingMapTrainer.Options
                    {
                        Width = options.Int("width", SelfOrganizingMapTrainer.Defaults.Width),
                        Height = options.Int("height", SelfOrganizingMapTrainer.Defaults.Height),
                        Topology = topology,
                        Epochs = options.Int("epochs", SelfOrganizingMapTrainer.Defaults.Epochs),
                        InitialLearningRate = options.Double("learningRate", SelfOrganizingMapTrainer.Defaults.InitialLearningRate),
                        FinalLearningRate = options.Double("finalLearningRate", SelfOrganizingMapTrainer.Defaults.FinalLearningRate),
                        InitialRadius = double.IsNaN(radius) ? (double?)null : radius,
                        FinalRadius = options.Double("finalRadius", SelfOrganizingMapTrainer.Defaults.FinalRadius),
                        NumberOfSegments = options.Int("k", SelfOrganizingMapTrainer.Defaults.NumberOfSegments),
                        Seed = request.Seed,
                    });
                    options.EnsureAllUsed(algorithm);
                    var map = somTrainer.Fit(scaled);
                    labels = map.Predict(scaled);
                    var units = map.UnitWeights;
                    for (var r = 0; r < scaled.Rows; r++)
                    {
                        distances[r] = Distance(scaled, r, units, map.BestMatchingUnit(scaled.GetRow(r)));
                    }

                    model = map;
                    break;
                }
                default:
                    throw new ArgumentException("unknown algorithm '" + request.Algorithm + "': use kmeans, minibatch, gmm, dbscan, ward or som", "algorithm");
            }

            result.Labels = labels;
            result.Distances = distances;
            result.Probabilities = probabilities;
            result.ModelBytes = model.Serialize();
            result.ScalerBytes = scaler.Serialize();
            result.ModelFormat = SegmentationModelSerializer.PeekKind(result.ModelBytes).ToString();
            result.FormatVersion = SegmentationModelSerializer.CurrentFormatVersion;
            result.NumberOfSegments = model.NumberOfSegments;
            Measure(result, scaled, labels, request);
            result.SegmentsJson = DescribeSegments(raw, labels, scaler, request.PreviousSegments);
            result.MetricsJson = DescribeMetrics(result, algorithm, request, table.ColumnNames, methods);
            return result;
        }

        /// <summary>Parses one scaling method for all columns, or one per column (comma-separated).</summary>
        /// <param name="text">The scaling text.</param>
        /// <param name="columns">Feature column names.</param>
        /// <exception cref="ArgumentException">Unknown method or wrong count.</exception>
        public static ScalingMethod[] ParseScaling(string text, string[] columns)
        {
            if (columns == null)
            {
                throw new ArgumentNullException(nameof(columns));
            }

            var parts = (string.IsNullOrWhiteSpace(text) ? "ZScore" : text).Split(',');
            if (parts.Length != 1 && parts.Length != columns.Length)
            {
                throw new ArgumentException("scaling '" + text + "' lists " + parts.Length + " methods for " + columns.Length + " features; give one method or one per feature", "scalingMethod");
            }

            var methods = new ScalingMethod[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                var name = parts[parts.Length == 1 ? 0 : c].Trim();
                ScalingMethod method;
                if (!Enum.TryParse(name, true, out method) || !Enum.IsDefined(typeof(ScalingMethod), method) || IsNumber(name))
                {
                    throw new ArgumentException("unknown scaling method '" + name + "' for feature " + columns[c] + ": use None, ZScore, Robust, Log1pZScore or MinMax", "scalingMethod");
                }

                methods[c] = method;
            }

            return methods;
        }

        private static bool IsNumber(string text)
        {
            int ignored;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ignored);
        }

        /// <summary>Labels of a k-means model (Lloyd or mini-batch) for every row, and each row's distance to its centre.</summary>
        private static int[] CentreDistances(KMeansModel model, FeatureMatrix scaled, double?[] distances)
        {
            var labels = model.Predict(scaled);
            for (var r = 0; r < scaled.Rows; r++)
            {
                distances[r] = Math.Sqrt(model.SquaredDistances(scaled.GetRow(r))[labels[r]]);
            }

            return labels;
        }

        private static double Distance(FeatureMatrix data, int row, FeatureMatrix centroids, int cluster)
        {
            if (cluster < 0)
            {
                return double.NaN;
            }

            var sum = 0.0;
            for (var c = 0; c < data.Columns; c++)
            {
                var d = data[row, c] - centroids[cluster, c];
                sum += d * d;
            }

            return Math.Sqrt(sum);
        }

        private static void Measure(SegmentationResult result, FeatureMatrix scaled, int[] labels, SegmentationRequest request)
        {
            // Noise (−1) is not a cluster: measure the clustered rows only.
            var clustered = new List<int>();
            var distinct = new HashSet<int>();
            for (var r = 0; r < labels.Length; r++)
            {
                if (labels[r] >= 0)
                {
                    clustered.Add(r);
                    distinct.Add(labels[r]);
                }
            }

            if (distinct.Count < 2 || distinct.Count >= clustered.Count)
            {
                return;
            }

            var rows = clustered.ToArray();
            var data = rows.Length == scaled.Rows ? scaled : scaled.SelectRows(rows);
            var kept = new int[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                kept[i] = labels[rows[i]];
            }

            result.Inertia = ClusteringMetrics.Inertia(data, kept);
            result.DaviesBouldin = ClusteringMetrics.DaviesBouldin(data, kept);
            result.CalinskiHarabasz = ClusteringMetrics.CalinskiHarabasz(data, kept);
            var sample = SampleRows(data.Rows, request.SilhouetteSampleSize, request.Seed);
            if (sample == null)
            {
                result.Silhouette = ClusteringMetrics.Silhouette(data, kept);
                return;
            }

            var sampledLabels = new int[sample.Length];
            var sampledDistinct = new HashSet<int>();
            for (var i = 0; i < sample.Length; i++)
            {
                sampledLabels[i] = kept[sample[i]];
                sampledDistinct.Add(sampledLabels[i]);
            }

            if (sampledDistinct.Count >= 2)
            {
                result.Silhouette = ClusteringMetrics.Silhouette(data.SelectRows(sample), sampledLabels);
            }
        }

        /// <summary>
        /// A seeded sample of row indices, sorted, or null when all rows fit. Same draw as the host: a Fisher-Yates
        /// shuffle with <see cref="Random"/>(seed) taking j = Next(i, n) for i = 0 … n − 2 (what Random.Shuffle does),
        /// then the first <paramref name="size"/> indices.
        /// </summary>
        internal static int[]? SampleRows(int rows, int size, int seed)
        {
            if (rows <= size)
            {
                return null;
            }

            var random = new Random(seed);
            var indices = new int[rows];
            for (var i = 0; i < rows; i++)
            {
                indices[i] = i;
            }

            for (var i = 0; i < rows - 1; i++)
            {
                var j = random.Next(i, rows);
                if (j != i)
                {
                    var t = indices[i];
                    indices[i] = indices[j];
                    indices[j] = t;
                }
            }

            var sample = new int[size];
            Array.Copy(indices, sample, size);
            Array.Sort(sample);
            return sample;
        }

        private static string DescribeSegments(FeatureMatrix raw, int[] labels, FeatureScaler scaler, string? previousSegments)
        {
            var sums = new SortedDictionary<int, double[]>();
            var counts = new SortedDictionary<int, int>();
            for (var r = 0; r < labels.Length; r++)
            {
                double[]? sum;
                if (!sums.TryGetValue(labels[r], out sum))
                {
                    sum = new double[raw.Columns];
                    sums[labels[r]] = sum;
                    counts[labels[r]] = 0;
                }

                counts[labels[r]]++;
                for (var c = 0; c < raw.Columns; c++)
                {
                    sum[c] += raw[r, c];
                }
            }

            // Centroids in original units, in cluster order; matched to the previous run's segments in this run's scaled space.
            var clusters = new int[sums.Count];
            var scaledCentroids = new double[sums.Count][];
            var index = 0;
            foreach (var entry in sums)
            {
                var centroid = new double[raw.Columns];
                for (var c = 0; c < raw.Columns; c++)
                {
                    centroid[c] = entry.Value[c] / counts[entry.Key];
                }

                clusters[index] = entry.Key;
                scaledCentroids[index++] = scaler.Transform(centroid);
            }

            var previous = PreviousSegmentList.Parse(previousSegments, raw.ColumnNames ?? new string[0]);
            var previousScaled = new double[previous.Count][];
            for (var o = 0; o < previous.Count; o++)
            {
                previousScaled[o] = scaler.Transform(previous[o].Centroid);
            }

            double[] matchDistances;
            var continues = SegmentMatcher.Match(scaledCentroids, previousScaled, SegmentMatcher.DefaultThreshold, out matchDistances);

            var names = raw.ColumnNames ?? new string[raw.Columns];
            var json = new StringBuilder("[");
            var first = true;
            foreach (var entry in sums)
            {
                if (!first)
                {
                    json.Append(',');
                }

                first = false;
                var count = counts[entry.Key];
                var position = Array.IndexOf(clusters, entry.Key);
                json.Append("{\"cluster\":").Append(entry.Key.ToString(CultureInfo.InvariantCulture))
                    .Append(",\"segmentKey\":").Append(continues[position] >= 0 ? previous[continues[position]].SegmentKey.ToString(CultureInfo.InvariantCulture) : "null")
                    .Append(",\"matchDistance\":").Append(continues[position] >= 0 ? Json.Number(matchDistances[position]) : "null")
                    .Append(",\"count\":").Append(count.ToString(CultureInfo.InvariantCulture))
                    .Append(",\"share\":").Append(Json.Number((double)count / labels.Length))
                    .Append(",\"centroid\":{");
                for (var c = 0; c < raw.Columns; c++)
                {
                    if (c > 0)
                    {
                        json.Append(',');
                    }

                    json.Append(Json.String(names[c] ?? ("f" + c))).Append(':').Append(Json.Number(entry.Value[c] / count));
                }

                json.Append("}}");
            }

            return json.Append(']').ToString();
        }

        private static string DescribeMetrics(SegmentationResult result, string algorithm, SegmentationRequest request, string[] columns, ScalingMethod[] methods)
        {
            var json = new StringBuilder("{");
            json.Append("\"algorithm\":").Append(Json.String(algorithm))
                .Append(",\"options\":").Append(Json.String(request.Options ?? string.Empty))
                .Append(",\"seed\":").Append(request.Seed.ToString(CultureInfo.InvariantCulture))
                .Append(",\"customers\":").Append(result.Keys.Length.ToString(CultureInfo.InvariantCulture))
                .Append(",\"segments\":").Append(result.NumberOfSegments.ToString(CultureInfo.InvariantCulture))
                .Append(",\"inertia\":").Append(Json.Number(result.Inertia))
                .Append(",\"silhouette\":").Append(Json.Number(result.Silhouette))
                .Append(",\"daviesBouldin\":").Append(Json.Number(result.DaviesBouldin))
                .Append(",\"calinskiHarabasz\":").Append(Json.Number(result.CalinskiHarabasz))
                .Append(",\"features\":[");
            for (var c = 0; c < columns.Length; c++)
            {
                if (c > 0)
                {
                    json.Append(',');
                }

                json.Append("{\"name\":").Append(Json.String(columns[c])).Append(",\"scaling\":").Append(Json.String(methods[c].ToString())).Append('}');
            }

            return json.Append("]}").ToString();
        }
    }
}
