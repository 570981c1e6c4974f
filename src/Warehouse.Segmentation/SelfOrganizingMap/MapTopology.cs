namespace Warehouse.Segmentation.SelfOrganizingMap;

/// <summary>Grid of a self-organizing map. Values are persisted: never renumber.</summary>
public enum MapTopology : byte
{
    /// <summary>Square grid; unit (column c, row r) sits at (c, r); neighbours are the 8 units at Chebyshev distance 1.</summary>
    Rectangular = 0,
    /// <summary>Hexagonal grid, odd rows shifted right by ½: unit (c, r) sits at (c + ½·(r mod 2), r·√3/2); 6 neighbours at distance 1.</summary>
    Hexagonal = 1,
}
