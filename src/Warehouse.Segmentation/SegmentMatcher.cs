using System;

namespace Warehouse.Segmentation;

/// <summary>
/// Keeps segment identity across retrains: the clusters of a new run are matched to the segments of the previous run
/// by the Euclidean distance between centroids in the new run's scaled space; pairs are taken greedily by increasing
/// distance (ties by cluster, then previous segment), each side at most once, and a pair farther apart than the
/// threshold is not taken, so that cluster starts a new segment. Used by the host's segment run and by the SQL CLR
/// procedure, so both engines keep the same identities. Time O(k·m·d + k·m log(k·m)) for k clusters, m previous
/// segments, d features. Scaling is required (distances in original units mix incomparable features).
/// </summary>
public static class SegmentMatcher
{
    /// <summary>Largest centroid distance (scaled units) at which a cluster continues a previous segment.</summary>
    public const double DefaultThreshold = 1.0;

    /// <summary>Matches <paramref name="current"/> clusters to <paramref name="previous"/> segments.</summary>
    /// <param name="current">Centroid of each new cluster, scaled.</param>
    /// <param name="previous">Centroid of each previous segment, scaled with the same scaler.</param>
    /// <param name="threshold">Largest distance of a match (≥ 0).</param>
    /// <param name="distances">Per cluster: the distance to the segment it continues, NaN for a new segment.</param>
    /// <returns>Per cluster: the index in <paramref name="previous"/> it continues, or −1 for a new segment.</returns>
    /// <exception cref="ArgumentException">Centroids of different lengths.</exception>
    public static int[] Match(double[][] current, double[][] previous, double threshold, out double[] distances)
    {
        if (current == null)
        {
            throw new ArgumentNullException(nameof(current));
        }

        if (previous == null)
        {
            throw new ArgumentNullException(nameof(previous));
        }

        if (double.IsNaN(threshold) || threshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "must be ≥ 0");
        }

        var matches = new int[current.Length];
        distances = new double[current.Length];
        for (var c = 0; c < current.Length; c++)
        {
            matches[c] = -1;
            distances[c] = double.NaN;
        }

        var pairs = new Pair[current.Length * previous.Length];
        for (var c = 0; c < current.Length; c++)
        {
            for (var o = 0; o < previous.Length; o++)
            {
                if (current[c].Length != previous[o].Length)
                {
                    throw new ArgumentException("cluster " + c + " has " + current[c].Length + " features, previous segment " + o + " has " + previous[o].Length, nameof(previous));
                }

                var sum = 0.0;
                for (var f = 0; f < current[c].Length; f++)
                {
                    var d = current[c][f] - previous[o][f];
                    sum += d * d;
                }

                pairs[(c * previous.Length) + o] = new Pair(Math.Sqrt(sum), c, o);
            }
        }

        Array.Sort(pairs);
        var used = new bool[previous.Length];
        foreach (var pair in pairs)
        {
            if (pair.Distance > threshold || matches[pair.Cluster] >= 0 || used[pair.Previous])
            {
                continue;
            }

            matches[pair.Cluster] = pair.Previous;
            distances[pair.Cluster] = pair.Distance;
            used[pair.Previous] = true;
        }

        return matches;
    }

    private readonly struct Pair : IComparable<Pair>
    {
        public Pair(double distance, int cluster, int previous)
        {
            Distance = distance;
            Cluster = cluster;
            Previous = previous;
        }

        public double Distance { get; }

        public int Cluster { get; }

        public int Previous { get; }

        public int CompareTo(Pair other)
        {
            var byDistance = Distance.CompareTo(other.Distance);
            if (byDistance != 0)
            {
                return byDistance;
            }

            var byCluster = Cluster.CompareTo(other.Cluster);
            return byCluster != 0 ? byCluster : Previous.CompareTo(other.Previous);
        }
    }
}
