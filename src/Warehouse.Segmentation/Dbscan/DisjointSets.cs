namespace Warehouse.Segmentation.Dbscan;

/// <summary>
/// Union–find over 0 … n−1 (Tarjan 1975) with path halving. A union points the larger root at the smaller one, so
/// every parent index is ≤ its child's (no cycles, whatever the order of the unions). On net10 the parallel DBSCAN
/// edge pass uses it from several threads: the link is a compare-and-swap that retries when another thread moved
/// the root first, and path halving only ever points an element at one of its ancestors. The final sets do not
/// depend on the order of the unions.
/// </summary>
internal sealed class DisjointSets
{
    private readonly int[] _parent;

    internal DisjointSets(int n)
    {
        _parent = new int[n];
        for (int i = 0; i < n; i++) _parent[i] = i;
    }

    /// <summary>Root of v's set.</summary>
    internal int Find(int v)
    {
        var parent = _parent;
        while (true)
        {
            int p = parent[v];
            if (p == v) return v;
            int g = parent[p];
            if (g != p) parent[v] = g;
            v = g;
        }
    }

    /// <summary>Joins the sets of a and b; returns the root of the joined set.</summary>
    internal int Union(int a, int b)
    {
        while (true)
        {
            int ra = Find(a), rb = Find(b);
            if (ra == rb) return ra;
            if (ra > rb) (ra, rb) = (rb, ra);
#if NET
            if (System.Threading.Interlocked.CompareExchange(ref _parent[rb], ra, rb) == rb) return ra;
#else
            _parent[rb] = ra;
            return ra;
#endif
        }
    }
}
