namespace Warehouse.Segmentation.Hierarchical;

/// <summary>Plotting data of a dendrogram (see <see cref="LinkageMatrix.GetDendrogram"/>).</summary>
public sealed class Dendrogram
{
    internal Dendrogram(int[] leafOrder, DendrogramLink[] links)
    {
        LeafOrder = leafOrder;
        Links = links;
    }

    /// <summary>Row indices from left to right (scipy's <c>leaves</c>).</summary>
    public int[] LeafOrder { get; }

    /// <summary>One link per merge, in scipy's order (post-order), matching <c>icoord</c>/<c>dcoord</c>.</summary>
    public DendrogramLink[] Links { get; }
}

/// <summary>
/// One ∩-shaped link: vertical lines at <see cref="LeftX"/> from <see cref="LeftHeight"/> and at
/// <see cref="RightX"/> from <see cref="RightHeight"/> up to <see cref="Height"/>, joined by a horizontal line.
/// scipy's icoord = [LeftX, LeftX, RightX, RightX], dcoord = [LeftHeight, Height, Height, RightHeight].
/// </summary>
public sealed class DendrogramLink
{
    internal DendrogramLink(int merge, double leftX, double rightX, double leftHeight, double rightHeight, double height)
    {
        Merge = merge;
        LeftX = leftX;
        RightX = rightX;
        LeftHeight = leftHeight;
        RightHeight = rightHeight;
        Height = height;
    }

    /// <summary>Row of the linkage matrix drawn by this link.</summary>
    public int Merge { get; }
    /// <summary>x of the left child.</summary>
    public double LeftX { get; }
    /// <summary>x of the right child.</summary>
    public double RightX { get; }
    /// <summary>Height of the left child (0 for a leaf).</summary>
    public double LeftHeight { get; }
    /// <summary>Height of the right child (0 for a leaf).</summary>
    public double RightHeight { get; }
    /// <summary>Merge height.</summary>
    public double Height { get; }
}
