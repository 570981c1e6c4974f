namespace Warehouse.SqlClr
{
    /// <summary>What <see cref="SegmentationRunner"/> should do: the parameters of the <c>Segmentation.RunSegmentation</c> procedure.</summary>
    public sealed class SegmentationRequest
    {
        /// <summary>
        /// SELECT returning the customer key, then one column per feature. May use the parameter <c>AsOfDateKey</c>
        /// (written <c>@AsOfDateKey</c> on SQL Server). It runs with the caller's permissions (context connection).
        /// </summary>
        public string FeatureQuery { get; set; } = string.Empty;

        /// <summary>Value bound to the <c>AsOfDateKey</c> parameter; null binds NULL.</summary>
        public int? AsOfDateKey { get; set; }

        /// <summary>kmeans, dbscan or ward (gmm and som when the core library provides them).</summary>
        public string Algorithm { get; set; } = "kmeans";

        /// <summary>Options as <c>name=value;…</c>; see <see cref="SegmentationRunner"/> for the names per algorithm.</summary>
        public string Options { get; set; } = string.Empty;

        /// <summary>
        /// Scaling: one method for every feature (None, ZScore, Robust, Log1pZScore, MinMax) or a comma-separated
        /// list with one method per feature, in column order.
        /// </summary>
        public string ScalingMethod { get; set; } = "ZScore";

        /// <summary>Random seed: the same seed and data give the same segments.</summary>
        public int Seed { get; set; } = 42;

        /// <summary>
        /// The segments of the configuration's previous run, to keep segment identity across retrains (see
        /// <see cref="Warehouse.Segmentation.SegmentMatcher"/>): <c>segmentKey:feature=value;feature=value|…</c> with the
        /// centroids in original units, as Segmentation.RunConfiguration builds it from Segmentation.ModelRunSegment.
        /// Empty or null: every cluster is a new segment.
        /// </summary>
        public string? PreviousSegments { get; set; }

        /// <summary>Rows used for the silhouette (exact silhouette is O(n²)); larger inputs use a seeded sample.</summary>
        public int SilhouetteSampleSize { get; set; } = 4000;
    }
}
