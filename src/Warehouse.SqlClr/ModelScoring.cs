using System;
using System.Globalization;
using Warehouse.Segmentation;
using Warehouse.Segmentation.Hierarchical;
using Warehouse.Segmentation.KMeans;
using Warehouse.Segmentation.Mixture;
using Warehouse.Segmentation.Scaling;
using Warehouse.Segmentation.SelfOrganizingMap;

namespace Warehouse.SqlClr
{
    /// <summary>Scores one customer against a stored model without retraining (logic of the scoring functions).</summary>
    public static class ModelScoring
    {
        /// <summary>
        /// Assigns one feature vector: applies the training preprocessing (log1p-scaled columns floored at 0), the
        /// stored scaler and the model. Distance is to the cluster centre (component mean) in scaled space (k-means, hierarchical,
        /// mixtures; the best-matching unit for SOMs; null for DBSCAN, whose noise is −1); probability is the posterior of the component, mixtures only.
        /// </summary>
        /// <param name="modelBytes">Segmentation.Model.ModelBytes.</param>
        /// <param name="scalerBytes">Segmentation.Model.ScalerBytes.</param>
        /// <param name="features">Feature values in training column order, comma-separated, invariant culture (e.g. <c>12,3,250.5</c>).</param>
        /// <exception cref="ArgumentException">Wrong number of values, or a value that is not a number.</exception>
        /// <exception cref="System.IO.InvalidDataException">The model or scaler bytes are not valid payloads.</exception>
        public static (int Cluster, double? Distance, double? Probability) Score(byte[] modelBytes, byte[] scalerBytes, string features)
        {
            if (modelBytes == null)
            {
                throw new ArgumentNullException(nameof(modelBytes));
            }

            if (scalerBytes == null)
            {
                throw new ArgumentNullException(nameof(scalerBytes));
            }

            var model = SegmentationModelSerializer.Deserialize(modelBytes);
            var scaler = FeatureScaler.Deserialize(scalerBytes);
            var row = ParseVector(features, scaler.FeatureCount);
            var methods = scaler.Methods;
            for (var c = 0; c < row.Length; c++)
            {
                if (methods[c] == ScalingMethod.Log1pZScore && row[c] < 0)
                {
                    row[c] = 0;
                }
            }

            var scaled = scaler.Transform(row);
            var cluster = model.Predict(scaled);
            double? distance = null;
            var kmeans = model as KMeansModel;
            if (kmeans != null)
            {
                distance = Math.Sqrt(kmeans.SquaredDistances(scaled)[cluster]);
            }

            var hierarchical = model as HierarchicalModel;
            if (hierarchical != null && cluster >= 0)
            {
                var centroids = hierarchical.Centroids;
                var sum = 0.0;
                for (var c = 0; c < scaled.Length; c++)
                {
                    var d = scaled[c] - centroids[cluster, c];
                    sum += d * d;
                }

                distance = Math.Sqrt(sum);
            }

            double? probability = null;
            var mixture = model as GaussianMixtureModel;
            if (mixture != null)
            {
                probability = mixture.PredictProbabilities(scaled)[cluster];
                var means = mixture.Means;
                var sum = 0.0;
                for (var c = 0; c < scaled.Length; c++)
                {
                    var d = scaled[c] - means[cluster, c];
                    sum += d * d;
                }

                distance = Math.Sqrt(sum);
            }

            var map = model as SelfOrganizingMapModel;
            if (map != null)
            {
                var units = map.UnitWeights;
                var unit = map.BestMatchingUnit(scaled);
                var sum = 0.0;
                for (var c = 0; c < scaled.Length; c++)
                {
                    var d = scaled[c] - units[unit, c];
                    sum += d * d;
                }

                distance = Math.Sqrt(sum);
            }

            return (cluster, distance, probability);
        }

        /// <summary>Parses a comma-separated vector of <paramref name="expected"/> invariant-culture numbers.</summary>
        /// <param name="text">The vector text.</param>
        /// <param name="expected">Required number of values.</param>
        /// <exception cref="ArgumentException">Wrong count or a value that is not a finite number.</exception>
        public static double[] ParseVector(string text, int expected)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ArgumentException("the feature vector is empty; expected " + expected + " comma-separated numbers", "features");
            }

            var parts = text.Split(',');
            if (parts.Length != expected)
            {
                throw new ArgumentException("the feature vector has " + parts.Length + " values; the model was trained on " + expected, "features");
            }

            var row = new double[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                double value;
                if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) || double.IsNaN(value) || double.IsInfinity(value))
                {
                    throw new ArgumentException("value " + (i + 1) + " of the feature vector, '" + parts[i].Trim() + "', is not a finite number", "features");
                }

                row[i] = value;
            }

            return row;
        }
    }
}
