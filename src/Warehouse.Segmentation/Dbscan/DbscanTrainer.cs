using System;
using System.Collections.Generic;
using Warehouse.Segmentation.Internal;
#if NET
using System.Threading.Tasks;
#endif

namespace Warehouse.Segmentation.Dbscan;

/// <summary>
/// DBSCAN (Ester, Kriegel, Sander and Xu 1996): a row is a core row when at least <see cref="Options.MinPoints"/>
/// rows (itself included) lie within <see cref="Options.Epsilon"/> (≤, Euclidean); clusters are the connected
/// components of core rows at distance ≤ ε; a non-core row within ε of a core row is a border row; the rest is
/// noise (label −1).
/// </summary>
/// <remarks>
/// <para>Labels are those of scikit-learn's DBSCAN: clusters are numbered in order of their lowest core row, and a
/// border row within ε of several clusters takes the one with the lowest such core row (scikit-learn expands
/// clusters in that order, so the first cluster to reach a border row keeps it). This is independent of the order
/// in which neighbours are found, so the result is deterministic.</para>
/// <para>Neighbours come from a k-d tree (no all-pairs matrix): O(n log n) build, core detection stops counting at
/// MinPoints (a row that is not core keeps its few neighbours, which later label it as border or noise);
/// core-to-core edges are joined with union–find, skipping tree nodes whose core rows are already joined to the
/// query, so inside a dense cluster most neighbour pairs are never enumerated. Memory O(n·d + n·min(MinPoints, 8)).
/// Cost grows with the number of neighbour pairs that are not yet joined (a large ε on scattered data approaches
/// O(n²)). In high dimension (d ≫ 10) a k-d tree degrades toward a scan. net10 runs the queries on all processors
/// and compares four distances per Vector256 instruction, with the same decisions as the scalar net48 build. Use
/// <see cref="KDistances"/> / <see cref="SuggestEpsilon"/> to choose ε. Scale features first.</para>
/// </remarks>
public sealed class DbscanTrainer
{
    private readonly Options _options;

    /// <summary>Default option values.</summary>
    public static class Defaults
    {
        /// <summary>ε: 0.5 (scikit-learn's default).</summary>
        public const double Epsilon = 0.5;
        /// <summary>MinPoints: 5 (scikit-learn's min_samples default).</summary>
        public const int MinPoints = 5;
    }

    /// <summary>Options of <see cref="DbscanTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>Neighbourhood radius ε &gt; 0.</summary>
        public double Epsilon { get; set; } = Defaults.Epsilon;
        /// <summary>Rows within ε (itself included) that make a core row, ≥ 1.</summary>
        public int MinPoints { get; set; } = Defaults.MinPoints;
        /// <summary>Threads of the net10 build (≤ 0: all processors).</summary>
        public int MaxDegreeOfParallelism { get; set; } = -1;
    }

    /// <summary>Creates a trainer.</summary>
    public DbscanTrainer(Options options)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        if (!(options.Epsilon > 0) || double.IsInfinity(options.Epsilon))
            throw new ArgumentOutOfRangeException(nameof(options), options.Epsilon, "Epsilon must be finite and > 0");
        if (options.MinPoints < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MinPoints, "MinPoints must be ≥ 1");
        _options = new Options { Epsilon = options.Epsilon, MinPoints = options.MinPoints, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
    }

    private const int Chunk = 2048;
    private const int EdgeChunk = 512;
    private const int EdgeChunksPerRound = 8;
    private const int KeptNeighbours = 8;

    /// <summary>Clusters the rows; the model keeps the core rows to assign new rows.</summary>
    public DbscanModel Fit(FeatureMatrix data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (data.Rows == 0) throw new ArgumentException("cannot cluster 0 rows", nameof(data));
        data.EnsureFinite(nameof(data));
        int n = data.Rows, d = data.Columns;
        var x = data.Values;
        double r2 = _options.Epsilon * _options.Epsilon;
        int minPts = _options.MinPoints;
        var tree = new KdTree(x, n, d);
        // All passes run over tree positions (queries in tree order visit the tree with good locality); the union–find
        // works on positions too. The result does not depend on the order: core flags and border labels are per row,
        // and the connected components of the core graph are unique.
        var pts = tree.Points;
        int chunks = (n + Chunk - 1) / Chunk;
        int dop = _options.MaxDegreeOfParallelism;

        // 1. Core rows. The first few neighbours met by a core row are kept as candidate edges (step 2); a row that
        // is not core had its whole neighbourhood counted (fewer than MinPoints rows), which is kept for step 4:
        // per chunk, (position, count, neighbour positions …).
        var coreAt = new bool[n];
        int kept = Math.Min(minPts, KeptNeighbours);
        var near = new int[(long)n * kept];
        var sparse = new List<int>[chunks];
        ForEachChunk(chunks, c =>
        {
            var stack = new int[KdTree.StackSize];
            var found = new List<int>();
            var list = new List<int>();
            int s = c * Chunk, e = Math.Min(n, s + Chunk);
            for (int p = s; p < e; p++)
            {
                found.Clear();
                coreAt[p] = tree.CountWithin(pts, (long)p * d, r2, minPts, stack, found) >= minPts;
                if (coreAt[p])
                {
                    for (int u = 0; u < kept; u++) near[(long)p * kept + u] = found[u];
                }
                else
                {
                    list.Add(p);
                    list.Add(found.Count);
                    list.AddRange(found);
                }
            }
            sparse[c] = list;
        }, dop);

        // 2. Core-core connectivity. Compact nodes (all rows core, diagonal ≤ ε) are joined first, then the kept
        // neighbour edges: in a dense cluster these already join most core rows (a nearest-neighbour graph is
        // almost always connected). The exhaustive pass then runs in rounds of queries in tree order: before each
        // round every node records whether all its core rows are in one set (and which); a query skips a node whose
        // core rows are all joined to it, and joins a node lying entirely within ε with one union. Each core pair is
        // looked for once, from its lower tree position. Skipping only ever drops edges inside a set, so the sets
        // are the same whatever the timing of the threads.
        var sets = new DisjointSets(n);
        var compact = tree.CompactNodes(coreAt, r2);
        for (int node = 0; node < compact.Length; node++)
        {
            if (!compact[node]) continue;
            int first = tree.NodeStart(node);
            for (int t = first + 1; t < tree.NodeEnd(node); t++) sets.Union(first, t);
        }
        for (int p = 0; p < n; p++)
        {
            if (!coreAt[p]) continue;
            for (int u = 0; u < kept; u++)
            {
                int t = near[(long)p * kept + u];
                if (coreAt[t]) sets.Union(p, t);
            }
        }
        var nodeRoots = new int[tree.NodeCount];
        int edgeChunks = (n + EdgeChunk - 1) / EdgeChunk;
        for (int c0 = 0; c0 < edgeChunks; c0 += EdgeChunksPerRound)
        {
            tree.CoreSets(coreAt, sets, nodeRoots);
            int first = c0;
            ForEachChunk(Math.Min(EdgeChunksPerRound, edgeChunks - c0), cc =>
            {
                var stack = new int[KdTree.StackSize];
                var found = new List<int>();
                int s = (first + cc) * EdgeChunk, e = Math.Min(n, s + EdgeChunk);
                for (int p = s; p < e; p++)
                    if (coreAt[p]) tree.JoinCoreNeighbours(pts, (long)p * d, r2, p, coreAt, nodeRoots, sets, found, stack);
            }, dop);
        }

        // 3. Cluster ids in order of the lowest core row of each component.
        var position = tree.PositionsOfRows();
        var labels = new int[n];
        var componentLabel = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            labels[i] = -1;
            int p = position[i];
            if (!coreAt[p]) continue;
            int root = sets.Find(p);
            if (!componentLabel.TryGetValue(root, out int l))
            {
                l = componentLabel.Count;
                componentLabel[root] = l;
            }
            labels[i] = l;
        }

        // 4. Border rows: the lowest cluster id among core rows within ε (lowest id = lowest first core row).
        foreach (var list in sparse)
        {
            for (int u = 0; u < list.Count; u += 2 + list[u + 1])
            {
                int best = -1;
                for (int v = u + 2; v < u + 2 + list[u + 1]; v++)
                {
                    int t = list[v];
                    if (!coreAt[t]) continue;
                    int l = labels[tree.RowAt(t)];
                    if (best < 0 || l < best) best = l;
                }
                labels[tree.RowAt(list[u])] = best;
            }
        }

        var core = new bool[n];
        for (int p = 0; p < n; p++) core[tree.RowAt(p)] = coreAt[p];
        int coreCount = 0;
        for (int i = 0; i < n; i++) if (core[i]) coreCount++;
        var corePoints = new FeatureMatrix(coreCount, d) { ColumnNames = (string[]?)data.ColumnNames?.Clone() };
        var coreLabels = new int[coreCount];
        var coreIndices = new int[coreCount];
        for (int i = 0, t = 0; i < n; i++)
        {
            if (!core[i]) continue;
            Array.Copy(x, (long)i * d, corePoints.Values, (long)t * d, d);
            coreLabels[t] = labels[i];
            coreIndices[t] = i;
            t++;
        }
        return new DbscanModel(_options.Epsilon, minPts, componentLabel.Count, corePoints, coreLabels, coreIndices, labels);
    }

    /// <summary>
    /// Distance of every row to its k-th nearest row (the row itself counted as the first, as scikit-learn's
    /// NearestNeighbors(k).kneighbors(X) on the training data), sorted descending: the "k-distance graph" of Ester et
    /// al. for choosing ε with k = MinPoints. O(n log n) on a k-d tree.
    /// </summary>
    public static double[] KDistances(FeatureMatrix data, int k)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (k < 1 || k > data.Rows) throw new ArgumentOutOfRangeException(nameof(k), k, $"must be in [1, {data.Rows}]");
        data.EnsureFinite(nameof(data));
        int n = data.Rows, d = data.Columns;
        var tree = new KdTree(data.Values, n, d);
        var result = new double[n];
        int chunks = (n + Chunk - 1) / Chunk;
        ForEachChunk(chunks, c =>
        {
            var stack = new int[KdTree.StackSize];
            int s = c * Chunk, e = Math.Min(n, s + Chunk);
            for (int i = s; i < e; i++)
            {
                var dist = tree.KNearestDistances2(data.Values, (long)i * d, k, stack);
                result[i] = Math.Sqrt(dist[dist.Length - 1]);
            }
        });
        Array.Sort(result);
        Array.Reverse(result);
        return result;
    }

    /// <summary>
    /// Suggests ε as the knee of the sorted k-distance curve: the point farthest from the straight line joining
    /// its first and last points (the "kneedle" idea of Satopää et al. 2011, on the descending curve).
    /// </summary>
    public static double SuggestEpsilon(FeatureMatrix data, int minPoints)
    {
        var kd = KDistances(data, minPoints);
        int n = kd.Length;
        if (n < 3) return kd[n - 1] > 0 ? kd[n - 1] : kd[0];
        double x0 = 0, y0 = kd[0], x1 = n - 1, y1 = kd[n - 1];
        double best = -1;
        int at = 0;
        double dx = x1 - x0, dy = y1 - y0, norm = Math.Sqrt(dx * dx + dy * dy);
        for (int i = 0; i < n; i++)
        {
            double dist = Math.Abs(dy * (i - x0) - dx * (kd[i] - y0)) / norm;
            if (dist > best)
            {
                best = dist;
                at = i;
            }
        }
        return kd[at];
    }

    private static void ForEachChunk(int chunks, Action<int> body, int maxDegreeOfParallelism = -1)
    {
#if NET
        if (chunks > 1 && Environment.ProcessorCount > 1 && maxDegreeOfParallelism != 1)
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism }, body);
            return;
        }
#endif
        for (int c = 0; c < chunks; c++) body(c);
    }
}
