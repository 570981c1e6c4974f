using System;
using System.Collections.Generic;
using System.Globalization;

namespace Warehouse.SqlClr
{
    /// <summary>
    /// The previous run's segments passed to <c>Segmentation.RunSegmentation</c> as
    /// <c>segmentKey:feature=value;feature=value|…</c> (centroids in original units, as stored in
    /// Segmentation.ModelRunSegment.Centroid), so the procedure can keep segment identity across retrains.
    /// </summary>
    public sealed class PreviousSegmentList
    {
        private PreviousSegmentList(int segmentKey, double[] centroid)
        {
            SegmentKey = segmentKey;
            Centroid = centroid;
        }

        /// <summary>The previous segment.</summary>
        public int SegmentKey { get; }

        /// <summary>Its centroid in original units, in the order of this run's feature columns.</summary>
        public double[] Centroid { get; }

        /// <summary>
        /// Parses the list. When a previous segment lacks one of <paramref name="columns"/> (the features changed, or a
        /// centroid was not recorded), nothing is comparable and the list is empty: every cluster becomes a new segment,
        /// as in the host.
        /// </summary>
        /// <param name="text">The list, or null/empty for none.</param>
        /// <param name="columns">This run's feature columns.</param>
        /// <exception cref="ArgumentException">The text is malformed; the message names the entry.</exception>
        public static IReadOnlyList<PreviousSegmentList> Parse(string? text, string[] columns)
        {
            if (columns == null)
            {
                throw new ArgumentNullException(nameof(columns));
            }

            var result = new List<PreviousSegmentList>();
            if (string.IsNullOrWhiteSpace(text))
            {
                return result;
            }

            foreach (var entry in text!.Split('|'))
            {
                var colon = entry.IndexOf(':');
                int key;
                if (colon <= 0 || !int.TryParse(entry.Substring(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture, out key))
                {
                    throw new ArgumentException("previous segment '" + entry + "' does not start with 'segmentKey:'", "previousSegments");
                }

                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var pair in entry.Substring(colon + 1).Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=');
                    double value;
                    if (equals <= 0 || !double.TryParse(pair.Substring(equals + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                    {
                        throw new ArgumentException("previous segment " + key + ": '" + pair + "' is not feature=number", "previousSegments");
                    }

                    values[pair.Substring(0, equals)] = value;
                }

                var centroid = new double[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    double value;
                    if (!values.TryGetValue(columns[c], out value))
                    {
                        return new List<PreviousSegmentList>();
                    }

                    centroid[c] = value;
                }

                result.Add(new PreviousSegmentList(key, centroid));
            }

            return result;
        }
    }
}
