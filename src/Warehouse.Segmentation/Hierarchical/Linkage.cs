namespace Warehouse.Segmentation.Hierarchical;

/// <summary>How the distance between two clusters is defined. Values are persisted: never renumber.</summary>
public enum Linkage : byte
{
    /// <summary>Ward's minimum-variance criterion (Ward 1963): the merge height is
    /// √(2·|A|·|B| / (|A| + |B|))·‖c_A − c_B‖, scipy's convention. Built by nearest-neighbour chain on centroids:
    /// O(n²·d) time, O(n·d) memory (100,000 rows fit).</summary>
    Ward = 0,
    /// <summary>UPGMA: mean distance between the rows of the two clusters. Needs the distance matrix (O(n²) memory).</summary>
    Average = 1,
    /// <summary>Farthest-pair distance. Needs the distance matrix (O(n²) memory).</summary>
    Complete = 2,
    /// <summary>Nearest-pair distance. Needs the distance matrix (O(n²) memory).</summary>
    Single = 3,
}
