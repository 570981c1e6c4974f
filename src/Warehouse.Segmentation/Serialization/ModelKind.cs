namespace Warehouse.Segmentation.Serialization;

/// <summary>The kind of object stored in a payload (byte 6 of the envelope). Values are persisted: never renumber.</summary>
public enum ModelKind : byte
{
    /// <summary><see cref="KMeans.KMeansModel"/>.</summary>
    KMeans = 1,
    /// <summary>Gaussian mixture model.</summary>
    GaussianMixture = 2,
    /// <summary>DBSCAN model.</summary>
    Dbscan = 3,
    /// <summary>Hierarchical (agglomerative) model.</summary>
    Hierarchical = 4,
    /// <summary>Self-organizing map.</summary>
    SelfOrganizingMap = 5,
    /// <summary>A model wrapped with the feature scaler it was trained behind.</summary>
    Scaled = 6,
    /// <summary><see cref="Scaling.FeatureScaler"/> (not a segmentation model).</summary>
    FeatureScaler = 20,
}
