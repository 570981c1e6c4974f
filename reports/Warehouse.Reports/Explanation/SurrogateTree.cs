using System.Globalization;
using System.Runtime.CompilerServices;

namespace Warehouse.Reports.Explanation;

/// <summary>
/// A shallow CART classifier (Breiman et al. 1984: binary splits minimising weighted Gini impurity) trained one segment
/// against the rest, read back as a SQL predicate: the OR of the root-to-leaf paths whose leaves predict the segment.
/// Thresholds are the shortest decimal numbers that separate the two neighbouring values (for example 30 rather than
/// 29.5 when the values are 27 and 31), so the predicate is readable and partitions the data exactly as the tree does.
/// Cost: O(depth · d · n log n). Rows must be finite (callers leave out features with missing values).
/// </summary>
public sealed class SurrogateTree
{
    private readonly Node _root;
    private readonly string[] _featureNames;

    private SurrogateTree(Node root, string[] featureNames, int depth)
    {
        _root = root;
        _featureNames = featureNames;
        Depth = depth;
    }

    /// <summary>Depth the tree was allowed to grow to.</summary>
    public int Depth { get; }

    /// <summary>Trains the tree.</summary>
    /// <param name="rows">Feature values, n × d, finite.</param>
    /// <param name="target">True for members of the segment.</param>
    /// <param name="featureNames">Column names used in the predicate (must be SQL identifiers).</param>
    /// <param name="maxDepth">Maximum depth, 1..6 (readable predicates need ≤ 3).</param>
    /// <param name="minLeaf">Minimum rows per leaf, ≥ 1.</param>
    public static SurrogateTree Fit(IReadOnlyList<double[]> rows, IReadOnlyList<bool> target, IReadOnlyList<string> featureNames, int maxDepth = 3, int minLeaf = 5)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, 6);
        ArgumentOutOfRangeException.ThrowIfLessThan(minLeaf, 1);
        if (rows.Count != target.Count)
        {
            throw new ArgumentException($"{rows.Count} rows but {target.Count} targets.", nameof(target));
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException("No rows to learn from.", nameof(rows));
        }

        foreach (var name in featureNames)
        {
            if (string.IsNullOrEmpty(name) || !name.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(name[0]))
            {
                throw new ArgumentException($"Feature name '{name}' is not a plain SQL identifier.", nameof(featureNames));
            }
        }

        var indices = Enumerable.Range(0, rows.Count).ToArray();
        var root = Grow(rows, target, indices, 0, maxDepth, minLeaf, featureNames.Count);
        return new SurrogateTree(root, featureNames.ToArray(), maxDepth);
    }

    /// <summary>Whether the tree assigns <paramref name="row"/> to the segment.</summary>
    public bool Predict(double[] row)
    {
        var node = _root;
        while (node.Feature >= 0)
        {
            node = row[node.Feature] <= node.Threshold ? node.Left! : node.Right!;
        }

        return node.Positive;
    }

    /// <summary>
    /// The predicate in the SQL subset T-SQL and DuckDB share: comparisons of unquoted column names with decimal
    /// literals, joined by AND within a path and OR between paths. Redundant bounds on one column are merged.
    /// When no leaf predicts the segment, the purest leaf is used, so the predicate always selects someone.
    /// </summary>
    public (string Sql, int Conditions) ToSql()
    {
        var paths = new List<List<(int Feature, bool LessOrEqual, double Threshold)>>();
        Collect(_root, [], paths, node => node.Positive, prune: true);
        if (paths.Count == 0)
        {
            var best = Leaves(_root).OrderByDescending(l => l.PositiveRate).ThenByDescending(l => l.Count).First();
            Collect(_root, [], paths, node => ReferenceEquals(node, best), prune: false);
        }

        var clauses = new List<string>();
        var conditions = 0;
        foreach (var path in paths)
        {
            var parts = new List<string>();
            foreach (var feature in path.Select(p => p.Feature).Distinct().Order())
            {
                var upper = path.Where(p => p.Feature == feature && p.LessOrEqual).Select(p => p.Threshold).DefaultIfEmpty(double.NaN).Min();
                var lower = path.Where(p => p.Feature == feature && !p.LessOrEqual).Select(p => p.Threshold).DefaultIfEmpty(double.NaN).Max();
                if (!double.IsNaN(lower))
                {
                    parts.Add($"{_featureNames[feature]} > {Format(lower)}");
                }

                if (!double.IsNaN(upper))
                {
                    parts.Add($"{_featureNames[feature]} <= {Format(upper)}");
                }
            }

            conditions += parts.Count;
            clauses.Add(parts.Count == 0 ? "1 = 1" : string.Join(" AND ", parts));
        }

        var sql = clauses.Count == 1 ? clauses[0] : string.Join(" OR ", clauses.Select(c => "(" + c + ")"));
        return (sql, conditions);
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Collect(Node node, List<(int, bool, double)> path, List<List<(int Feature, bool LessOrEqual, double Threshold)>> paths, Func<Node, bool> select, bool prune)
    {
        // A subtree whose leaves all give the same answer needs no condition below it.
        if (node.Feature < 0 || (prune && node.AllSame is not null))
        {
            if (node.Feature < 0 ? select(node) : node.AllSame == true)
            {
                paths.Add([.. path]);
            }

            return;
        }

        path.Add((node.Feature, true, node.Threshold));
        Collect(node.Left!, path, paths, select, prune);
        path[^1] = (node.Feature, false, node.Threshold);
        Collect(node.Right!, path, paths, select, prune);
        path.RemoveAt(path.Count - 1);
    }

    private static IEnumerable<Node> Leaves(Node node) =>
        node.Feature < 0 ? [node] : Leaves(node.Left!).Concat(Leaves(node.Right!));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Node Grow(IReadOnlyList<double[]> rows, IReadOnlyList<bool> target, int[] indices, int depth, int maxDepth, int minLeaf, int features)
    {
        var positives = indices.Count(i => target[i]);
        var leaf = new Node { Count = indices.Length, PositiveRate = (double)positives / indices.Length };
        if (depth == maxDepth || positives == 0 || positives == indices.Length || indices.Length < 2 * minLeaf)
        {
            return leaf;
        }

        var parentImpurity = Gini(positives, indices.Length);
        var bestGain = 1e-12;
        var bestFeature = -1;
        var bestThreshold = 0.0;
        var sorted = new int[indices.Length];
        for (var f = 0; f < features; f++)
        {
            Array.Copy(indices, sorted, indices.Length);
            var keys = sorted.Select(i => rows[i][f]).ToArray();
            Array.Sort(keys, sorted);
            var leftPositives = 0;
            for (var k = 0; k < sorted.Length - 1; k++)
            {
                if (target[sorted[k]])
                {
                    leftPositives++;
                }

                var leftCount = k + 1;
                var rightCount = sorted.Length - leftCount;
                if (keys[k] == keys[k + 1] || leftCount < minLeaf || rightCount < minLeaf)
                {
                    continue;
                }

                var impurity = (leftCount * Gini(leftPositives, leftCount) + rightCount * Gini(positives - leftPositives, rightCount)) / sorted.Length;
                var gain = parentImpurity - impurity;
                if (gain > bestGain)
                {
                    bestGain = gain;
                    bestFeature = f;
                    bestThreshold = ShortestBetween(keys[k], keys[k + 1]);
                }
            }
        }

        if (bestFeature < 0)
        {
            return leaf;
        }

        var left = indices.Where(i => rows[i][bestFeature] <= bestThreshold).ToArray();
        var right = indices.Where(i => rows[i][bestFeature] > bestThreshold).ToArray();
        leaf.Feature = bestFeature;
        leaf.Threshold = bestThreshold;
        leaf.Left = Grow(rows, target, left, depth + 1, maxDepth, minLeaf, features);
        leaf.Right = Grow(rows, target, right, depth + 1, maxDepth, minLeaf, features);
        return leaf;
    }

    private static double Gini(int positives, int count)
    {
        var p = (double)positives / count;
        return 2 * p * (1 - p);
    }

    /// <summary>The decimal with the fewest significant digits in [low, high): x ≤ t keeps low, x &gt; t keeps high.</summary>
    public static double ShortestBetween(double low, double high)
    {
        if (!(low < high))
        {
            throw new ArgumentException($"low {low} must be below high {high}.", nameof(low));
        }

        for (var exponent = 15; exponent >= -15; exponent--)
        {
            var step = Math.Pow(10, exponent);
            var candidate = Math.Ceiling(low / step) * step;
            // Rounding to the step's decimals removes binary noise such as 0.30000000000000004.
            candidate = exponent < 0 ? Math.Round(candidate, -exponent) : candidate;
            if (candidate >= low && candidate < high)
            {
                return candidate;
            }
        }

        return low;
    }

    private sealed class Node
    {
        public int Feature { get; set; } = -1;

        public double Threshold { get; set; }

        public Node? Left { get; set; }

        public Node? Right { get; set; }

        public int Count { get; init; }

        public double PositiveRate { get; init; }

        public bool Positive => PositiveRate > 0.5;

        /// <summary>The answer every leaf below gives, or null when they differ.</summary>
        public bool? AllSame => Feature < 0 ? Positive
            : Left!.AllSame is bool l && Right!.AllSame is bool r && l == r ? l : null;
    }
}
