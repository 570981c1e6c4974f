namespace Warehouse.SqlClr
{
    /// <summary>The outcome of <see cref="SegmentationRunner.Run(FeatureTable, SegmentationRequest)"/>.</summary>
    public sealed class SegmentationResult
    {
        /// <summary>Customer keys, in the order of the feature query.</summary>
        public long[] Keys { get; internal set; } = new long[0];

        /// <summary>Cluster of each customer (−1 for DBSCAN noise).</summary>
        public int[] Labels { get; internal set; } = new int[0];

        /// <summary>Distance to the own cluster centre in scaled space (null where the algorithm has no centre).</summary>
        public double?[] Distances { get; internal set; } = new double?[0];

        /// <summary>Probability of the own cluster (mixtures only; null otherwise).</summary>
        public double?[] Probabilities { get; internal set; } = new double?[0];

        /// <summary>The serialized model (<c>Segmentation.Model.ModelBytes</c>).</summary>
        public byte[] ModelBytes { get; internal set; } = new byte[0];

        /// <summary>The serialized feature scaler (<c>Segmentation.Model.ScalerBytes</c>).</summary>
        public byte[] ScalerBytes { get; internal set; } = new byte[0];

        /// <summary>Model kind name, e.g. KMeans.</summary>
        public string ModelFormat { get; internal set; } = string.Empty;

        /// <summary>Payload format version of the model.</summary>
        public int FormatVersion { get; internal set; }

        /// <summary>Number of clusters (noise not counted).</summary>
        public int NumberOfSegments { get; internal set; }

        /// <summary>Within-cluster sum of squared distances in scaled space (noise excluded); null when undefined.</summary>
        public double? Inertia { get; internal set; }

        /// <summary>Mean silhouette (on a seeded sample for large inputs); null with fewer than two clusters.</summary>
        public double? Silhouette { get; internal set; }

        /// <summary>Davies-Bouldin index; null with fewer than two clusters.</summary>
        public double? DaviesBouldin { get; internal set; }

        /// <summary>Calinski-Harabasz index; null with fewer than two clusters.</summary>
        public double? CalinskiHarabasz { get; internal set; }

        /// <summary>JSON array: per cluster its index, size and centroid in original feature units.</summary>
        public string SegmentsJson { get; internal set; } = "[]";

        /// <summary>JSON object with every metric, the algorithm, options and feature names.</summary>
        public string MetricsJson { get; internal set; } = "{}";
    }
}
