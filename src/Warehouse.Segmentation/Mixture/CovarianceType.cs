namespace Warehouse.Segmentation.Mixture;

/// <summary>Shape of each component's covariance. Values are persisted: never renumber.</summary>
public enum CovarianceType : byte
{
    /// <summary>Each component has its own full d × d covariance: k·d(d+1)/2 parameters.</summary>
    Full = 0,
    /// <summary>Each component has its own diagonal covariance: k·d parameters.</summary>
    Diagonal = 1,
    /// <summary>Each component has one variance shared by all features: k parameters.</summary>
    Spherical = 2,
}
