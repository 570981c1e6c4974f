using System;

namespace Warehouse.Segmentation.Hierarchical;

/// <summary>
/// Agglomerative hierarchical clustering: builds the full merge tree (<see cref="LinkageMatrix"/>, scipy's format)
/// and cuts it into <see cref="Options.NumberOfClusters"/> segments (or at <see cref="Options.CutHeight"/>).
/// </summary>
/// <remarks>
/// Ward uses the nearest-neighbour chain on centroids: O(n²·d) time and O(n·d) memory, so 100,000 rows fit.
/// Average, complete and single linkage keep the condensed distance matrix: O(n²) time and n(n−1)/2 doubles of
/// memory, limited by <see cref="Options.MaximumRowsForDistanceMatrix"/>. Deterministic (no randomness); ties follow
/// scipy's rules. New rows are assigned to the nearest segment centroid (the natural rule for Ward). Scale first.
/// </remarks>
public sealed class HierarchicalTrainer
{
    private readonly Options _options;

    /// <summary>Default option values.</summary>
    public static class Defaults
    {
        /// <summary>Segments cut from the tree: 5.</summary>
        public const int NumberOfClusters = 5;
        /// <summary>Largest n for linkages that need the distance matrix: 20,000 (1.6 GB).</summary>
        public const int MaximumRowsForDistanceMatrix = 20_000;
    }

    /// <summary>Options of <see cref="HierarchicalTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Linkage criterion.</summary>
        public Linkage Linkage { get; set; } = Linkage.Ward;
        /// <summary>Number of segments k (ignored when <see cref="CutHeight"/> is set).</summary>
        public int NumberOfClusters { get; set; } = Defaults.NumberOfClusters;
        /// <summary>Cut at this height instead of at k clusters (scipy fcluster 'distance').</summary>
        public double? CutHeight { get; set; }
        /// <summary>Largest n accepted by average, complete and single linkage.</summary>
        public int MaximumRowsForDistanceMatrix { get; set; } = Defaults.MaximumRowsForDistanceMatrix;
    }

    /// <summary>Creates a trainer.</summary>
    public HierarchicalTrainer(Options options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (!Enum.IsDefined(typeof(Linkage), options.Linkage)) throw new ArgumentOutOfRangeException(nameof(options), options.Linkage, "unknown Linkage");
        if (options.CutHeight is null && options.NumberOfClusters < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfClusters, "NumberOfClusters must be ≥ 1");
        if (options.CutHeight is double h && (double.IsNaN(h) || h < 0))
            throw new ArgumentOutOfRangeException(nameof(options), h, "CutHeight must be ≥ 0");
        _options = new Options
        {
            Linkage = options.Linkage,
            NumberOfClusters = options.NumberOfClusters,
            CutHeight = options.CutHeight,
            MaximumRowsForDistanceMatrix = options.MaximumRowsForDistanceMatrix,
        };
    }

    /// <summary>Builds the merge tree of <paramref name="data"/> (no cut).</summary>
    public static LinkageMatrix BuildLinkage(FeatureMatrix data, Linkage linkage, int maximumRowsForDistanceMatrix = Defaults.MaximumRowsForDistanceMatrix)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Rows == 0) throw new ArgumentException("cannot cluster 0 rows", nameof(data));
        data.EnsureFinite(nameof(data));
        if (data.Rows == 1) return new LinkageMatrix(1, Array.Empty<int>(), Array.Empty<int>(), Array.Empty<double>(), Array.Empty<int>(), linkage);
        if (linkage == Linkage.Ward) return NearestNeighborChain.Ward(data);
        if (data.Rows > maximumRowsForDistanceMatrix)
            throw new ArgumentException($"{linkage} linkage keeps the n(n−1)/2 distance matrix; {data.Rows} rows exceed the limit of {maximumRowsForDistanceMatrix} (use Ward, which needs O(n) memory, or sample)", nameof(data));
        return NearestNeighborChain.FromDistanceMatrix(data, linkage);
    }

    /// <summary>Builds the tree and cuts it.</summary>
    public HierarchicalModel Fit(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (_options.CutHeight is null && _options.NumberOfClusters > data.Rows)
            throw new ArgumentOutOfRangeException(nameof(data), data.Rows, $"NumberOfClusters k = {_options.NumberOfClusters} exceeds the number of rows n = {data.Rows}; choose k ≤ n");
        var tree = BuildLinkage(data, _options.Linkage, _options.MaximumRowsForDistanceMatrix);
        var labels = _options.CutHeight is double h ? tree.CutAtHeight(h) : tree.CutToClusters(_options.NumberOfClusters);
        return HierarchicalModel.Create(tree, data, labels);
    }
}
