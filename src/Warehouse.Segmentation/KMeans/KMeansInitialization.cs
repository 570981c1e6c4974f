namespace Warehouse.Segmentation.KMeans;

/// <summary>How k-means chooses its starting centres.</summary>
public enum KMeansInitialization
{
    /// <summary>Greedy k-means++ (Arthur and Vassilvitskii 2007; greedy variant with 2 + ⌊ln k⌋ candidates per step,
    /// as scikit-learn): O(n·k·d·log k).</summary>
    KMeansPlusPlus = 0,
    /// <summary>k distinct rows drawn uniformly.</summary>
    Random = 1,
    /// <summary>The centres given in <see cref="KMeansTrainer.Options.InitialCentroids"/> (one run, no restarts).</summary>
    Explicit = 2,
}
