namespace Warehouse.Segmentation.Scaling;

/// <summary>How one feature column is scaled before clustering. Values are persisted: never renumber.</summary>
public enum ScalingMethod : byte
{
    /// <summary>Left as is.</summary>
    None = 0,
    /// <summary>(x − mean) / standard deviation (population, ddof = 0, as scikit-learn's StandardScaler).</summary>
    ZScore = 1,
    /// <summary>(x − median) / IQR (75th − 25th percentile, linear interpolation as numpy); when the IQR is 0 but the
    /// column is not constant, the standard deviation is used instead.</summary>
    Robust = 2,
    /// <summary>log(1 + x), then z-score: for skewed, non-negative money and count features (needs x &gt; −1).</summary>
    Log1pZScore = 3,
    /// <summary>(x − min) / (max − min), mapping the training range to [0, 1].</summary>
    MinMax = 4,
}
