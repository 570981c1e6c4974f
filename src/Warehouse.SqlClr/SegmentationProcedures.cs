using System;
using System.Collections;
using System.Data;
using System.Data.SqlTypes;
using Microsoft.SqlServer.Server;
#if NETFRAMEWORK
using System.Data.SqlClient;
#else
using Microsoft.Data.SqlClient;
using Microsoft.Data.SqlClient.Server;
#endif

namespace Warehouse.SqlClr
{
    /// <summary>
    /// The SQL CLR entry points (EXTERNAL NAME [Warehouse.SqlClr].[Warehouse.SqlClr.SegmentationProcedures].[…]).
    /// Thin: they convert SQL types and delegate to <see cref="SegmentationRunner"/> and <see cref="ModelScoring"/>.
    /// Deployed from the net48 build (SAFE); the net10.0 build exists for tests and cannot run inside SQL Server.
    /// </summary>
    public static class SegmentationProcedures
    {
        /// <summary>
        /// Segmentation.RunSegmentation: reads the features with <paramref name="featureQuery"/> through the context
        /// connection, trains <paramref name="algorithm"/>, and sends one row per customer (CustomerKey INT,
        /// ClusterIndex INT, Distance FLOAT, Probability FLOAT) for <c>INSERT … EXEC</c>; model, scaler, segments,
        /// metrics come back as OUTPUT parameters.
        /// </summary>
        /// <param name="featureQuery">SELECT returning the customer key, then the features; may use @AsOfDateKey.</param>
        /// <param name="asOfDateKey">Value of @AsOfDateKey.</param>
        /// <param name="algorithm">kmeans, minibatch, gmm, dbscan, ward or som.</param>
        /// <param name="options">Algorithm options, name=value;….</param>
        /// <param name="scalingMethod">One scaling method, or one per feature (comma-separated).</param>
        /// <param name="seed">Random seed.</param>
        /// <param name="previousSegments">The previous run's segments (<c>segmentKey:feature=value;…|…</c>), or NULL; see <see cref="SegmentationRequest.PreviousSegments"/>.</param>
        /// <param name="modelBytes">Serialized model.</param>
        /// <param name="scalerBytes">Serialized scaler.</param>
        /// <param name="modelFormat">Model kind.</param>
        /// <param name="formatVersion">Payload format version.</param>
        /// <param name="segments">Clusters with size, centroid, and the previous segment each continues with the centroid distance (JSON).</param>
        /// <param name="metrics">All metrics (JSON).</param>
        /// <param name="inertia">Within-cluster sum of squares.</param>
        /// <param name="silhouette">Mean silhouette.</param>
        /// <param name="daviesBouldin">Davies-Bouldin index.</param>
        /// <param name="calinskiHarabasz">Calinski-Harabasz index.</param>
        [SqlProcedure(Name = "RunSegmentation")]
        public static void RunSegmentation(
            SqlChars featureQuery,
            SqlInt32 asOfDateKey,
            SqlString algorithm,
            SqlString options,
            SqlString scalingMethod,
            SqlInt32 seed,
            SqlChars previousSegments,
            out SqlBytes modelBytes,
            out SqlBytes scalerBytes,
            out SqlString modelFormat,
            out SqlInt32 formatVersion,
            out SqlChars segments,
            out SqlChars metrics,
            out SqlDouble inertia,
            out SqlDouble silhouette,
            out SqlDouble daviesBouldin,
            out SqlDouble calinskiHarabasz)
        {
            if (featureQuery == null || featureQuery.IsNull)
            {
                throw new ArgumentException("@FeatureQuery is required", nameof(featureQuery));
            }

            var request = new SegmentationRequest
            {
                FeatureQuery = new string(featureQuery.Value),
                AsOfDateKey = asOfDateKey.IsNull ? (int?)null : asOfDateKey.Value,
                Algorithm = algorithm.IsNull ? "kmeans" : algorithm.Value,
                Options = options.IsNull ? string.Empty : options.Value,
                ScalingMethod = scalingMethod.IsNull ? "ZScore" : scalingMethod.Value,
                Seed = seed.IsNull ? 42 : seed.Value,
                PreviousSegments = previousSegments == null || previousSegments.IsNull ? null : new string(previousSegments.Value),
            };

            SegmentationResult result;
            using (var connection = new SqlConnection("context connection=true"))
            {
                connection.Open();
                result = SegmentationRunner.Run(connection, request, '@');
            }

            SendAssignments(result);
            modelBytes = new SqlBytes(result.ModelBytes);
            scalerBytes = new SqlBytes(result.ScalerBytes);
            modelFormat = new SqlString(result.ModelFormat);
            formatVersion = new SqlInt32(result.FormatVersion);
            segments = new SqlChars(result.SegmentsJson.ToCharArray());
            metrics = new SqlChars(result.MetricsJson.ToCharArray());
            inertia = ToSql(result.Inertia);
            silhouette = ToSql(result.Silhouette);
            daviesBouldin = ToSql(result.DaviesBouldin);
            calinskiHarabasz = ToSql(result.CalinskiHarabasz);
        }

        /// <summary>Shape of the rows RunSegmentation sends: the columns of #Assignment in Segmentation.RunConfiguration.</summary>
        public static SqlMetaData[] AssignmentMetadata() => new[]
        {
            new SqlMetaData("CustomerKey", SqlDbType.Int),
            new SqlMetaData("ClusterIndex", SqlDbType.Int),
            new SqlMetaData("Distance", SqlDbType.Float),
            new SqlMetaData("Probability", SqlDbType.Float),
        };

        /// <summary>One result row per customer, as sent through the pipe.</summary>
        /// <param name="result">A segmentation result.</param>
        /// <param name="index">Row index.</param>
        /// <param name="record">Record with <see cref="AssignmentMetadata"/> to fill.</param>
        public static void FillAssignment(SegmentationResult result, int index, SqlDataRecord record)
        {
            if (result == null)
            {
                throw new ArgumentNullException(nameof(result));
            }

            if (record == null)
            {
                throw new ArgumentNullException(nameof(record));
            }

            var key = result.Keys[index];
            if (key < int.MinValue || key > int.MaxValue)
            {
                throw new InvalidOperationException("customer key " + key + " does not fit the INT CustomerKey column");
            }

            record.SetInt32(0, (int)key);
            record.SetInt32(1, result.Labels[index]);
            SetDouble(record, 2, result.Distances[index]);
            SetDouble(record, 3, result.Probabilities[index]);
        }

        /// <summary>Segmentation.AssignSegment: the segment (cluster index) of one feature vector for a stored model.</summary>
        /// <param name="modelBytes">Segmentation.Model.ModelBytes.</param>
        /// <param name="scalerBytes">Segmentation.Model.ScalerBytes.</param>
        /// <param name="features">Comma-separated feature values in training order.</param>
        /// <returns>Cluster index (−1 for DBSCAN noise); NULL when any argument is NULL.</returns>
        [SqlFunction(Name = "AssignSegment", IsDeterministic = true, IsPrecise = false, DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlInt32 AssignSegment(SqlBytes modelBytes, SqlBytes scalerBytes, SqlString features)
        {
            if (modelBytes == null || modelBytes.IsNull || scalerBytes == null || scalerBytes.IsNull || features.IsNull)
            {
                return SqlInt32.Null;
            }

            return new SqlInt32(ModelScoring.Score(modelBytes.Value, scalerBytes.Value, features.Value).Cluster);
        }

        /// <summary>
        /// Segmentation.ScoreSegments: one row (ClusterIndex, Distance, Probability) for a feature vector; use with
        /// <c>CROSS APPLY</c> to score many customers against a stored model.
        /// </summary>
        /// <param name="modelBytes">Segmentation.Model.ModelBytes.</param>
        /// <param name="scalerBytes">Segmentation.Model.ScalerBytes.</param>
        /// <param name="features">Comma-separated feature values in training order.</param>
        /// <returns>One row, or none when any argument is NULL.</returns>
        [SqlFunction(Name = "ScoreSegments", IsDeterministic = true, IsPrecise = false, DataAccess = DataAccessKind.None,
            SystemDataAccess = SystemDataAccessKind.None, FillRowMethodName = nameof(FillScoreRow),
            TableDefinition = "ClusterIndex INT, Distance FLOAT, Probability FLOAT")]
        public static IEnumerable ScoreSegments(SqlBytes modelBytes, SqlBytes scalerBytes, SqlString features)
        {
            if (modelBytes == null || modelBytes.IsNull || scalerBytes == null || scalerBytes.IsNull || features.IsNull)
            {
                return new ScoreRow[0];
            }

            var score = ModelScoring.Score(modelBytes.Value, scalerBytes.Value, features.Value);
            return new[] { new ScoreRow(score.Cluster, score.Distance, score.Probability) };
        }

        /// <summary>Fill-row method of <see cref="ScoreSegments"/>.</summary>
        /// <param name="row">A row produced by ScoreSegments.</param>
        /// <param name="clusterIndex">Cluster index.</param>
        /// <param name="distance">Distance to the centre (scaled space), or NULL.</param>
        /// <param name="probability">Probability (mixtures), or NULL.</param>
        public static void FillScoreRow(object row, out SqlInt32 clusterIndex, out SqlDouble distance, out SqlDouble probability)
        {
            var score = (ScoreRow)row;
            clusterIndex = new SqlInt32(score.Cluster);
            distance = ToSql(score.Distance);
            probability = ToSql(score.Probability);
        }

        private static void SendAssignments(SegmentationResult result)
        {
#if NETFRAMEWORK
            var record = new SqlDataRecord(AssignmentMetadata());
            var pipe = SqlContext.Pipe;
            pipe.SendResultsStart(record);
            for (var i = 0; i < result.Keys.Length; i++)
            {
                FillAssignment(result, i, record);
                pipe.SendResultsRow(record);
            }

            pipe.SendResultsEnd();
#else
            throw new PlatformNotSupportedException("SQL CLR procedures run inside SQL Server from the net48 build; " + result.Keys.Length + " rows were not sent");
#endif
        }

        private static void SetDouble(SqlDataRecord record, int ordinal, double? value)
        {
            if (value.HasValue && !double.IsNaN(value.Value) && !double.IsInfinity(value.Value))
            {
                record.SetDouble(ordinal, value.Value);
            }
            else
            {
                record.SetDBNull(ordinal);
            }
        }

        private static SqlDouble ToSql(double? value) =>
            value.HasValue && !double.IsNaN(value.Value) && !double.IsInfinity(value.Value) ? new SqlDouble(value.Value) : SqlDouble.Null;

        private sealed class ScoreRow
        {
            public ScoreRow(int cluster, double? distance, double? probability)
            {
                Cluster = cluster;
                Distance = distance;
                Probability = probability;
            }

            public int Cluster { get; }

            public double? Distance { get; }

            public double? Probability { get; }
        }
    }
}
