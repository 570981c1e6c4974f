namespace Warehouse.Segmentation.Selection;

/// <summary>How the number of segments is chosen.</summary>
public enum SelectionCriterion
{
    /// <summary>k-means for each k; the highest mean silhouette wins (Rousseeuw 1987).</summary>
    Silhouette = 0,
    /// <summary>Gaussian mixture for each k; the lowest BIC wins (Schwarz 1978; Fraley and Raftery 2002).</summary>
    Bic = 1,
    /// <summary>Gap statistic (Tibshirani, Walther and Hastie 2001): the smallest k with gap(k) ≥ gap(k+1) − s(k+1).</summary>
    GapStatistic = 2,
}
