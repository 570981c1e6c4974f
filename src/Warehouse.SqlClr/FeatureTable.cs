using System;
using System.Collections.Generic;
using System.Data;
using System.Globalization;
using Warehouse.Segmentation;
using Warehouse.Segmentation.Scaling;

namespace Warehouse.SqlClr
{
    /// <summary>
    /// Customer features read from a query: the first column is the customer key (any integer type), every other
    /// column a feature (any numeric type; NULL allowed and filled later). Rows keep the query's order.
    /// </summary>
    public sealed class FeatureTable
    {
        private FeatureTable(long[] keys, double?[][] rows, string[] columnNames)
        {
            Keys = keys;
            Rows = rows;
            ColumnNames = columnNames;
        }

        /// <summary>Customer keys, one per row.</summary>
        public long[] Keys { get; }

        /// <summary>Feature values per row (null where the query returned NULL).</summary>
        public double?[][] Rows { get; }

        /// <summary>Feature names (the query's column names, key excluded).</summary>
        public string[] ColumnNames { get; }

        /// <summary>Reads every row of <paramref name="reader"/>.</summary>
        /// <param name="reader">An open reader over the feature query.</param>
        /// <exception cref="InvalidOperationException">Fewer than two columns, a NULL or non-integer key, a duplicate key,
        /// or a value that is not a number; the message names the row's key and the column.</exception>
        public static FeatureTable Read(IDataReader reader)
        {
            if (reader == null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            if (reader.FieldCount < 2)
            {
                throw new InvalidOperationException("the feature query must return the customer key and at least one feature column; it returned " + reader.FieldCount + " column(s)");
            }

            var names = new string[reader.FieldCount - 1];
            for (var c = 1; c < reader.FieldCount; c++)
            {
                names[c - 1] = reader.GetName(c);
            }

            var keys = new List<long>();
            var rows = new List<double?[]>();
            var seen = new HashSet<long>();
            while (reader.Read())
            {
                if (reader.IsDBNull(0))
                {
                    throw new InvalidOperationException("the feature query returned a NULL customer key (column " + reader.GetName(0) + ", row " + (rows.Count + 1) + ")");
                }

                long key;
                try
                {
                    key = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException)
                {
                    throw new InvalidOperationException("customer key '" + reader.GetValue(0) + "' (column " + reader.GetName(0) + ", row " + (rows.Count + 1) + ") is not an integer", e);
                }

                if (!seen.Add(key))
                {
                    throw new InvalidOperationException("customer key " + key + " appears twice in the feature query");
                }

                var row = new double?[names.Length];
                for (var c = 1; c < reader.FieldCount; c++)
                {
                    if (reader.IsDBNull(c))
                    {
                        continue;
                    }

                    var value = reader.GetValue(c);
                    try
                    {
                        row[c - 1] = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    }
                    catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException)
                    {
                        throw new InvalidOperationException("feature " + names[c - 1] + " of customer " + key + " is '" + value + "', not a number", e);
                    }
                }

                keys.Add(key);
                rows.Add(row);
            }

            return new FeatureTable(keys.ToArray(), rows.ToArray(), names);
        }

        /// <summary>
        /// The dense matrix to cluster, cleaned by the core's <see cref="FeaturePreprocessing"/> (the host's rules, so both
        /// paths cluster the same numbers): a missing value takes the column's upper median; columns listed in
        /// <paramref name="floorAtZero"/> are floored at 0 (log1p scaling needs x &gt; −1; a net refund counts as no spend).
        /// </summary>
        /// <param name="floorAtZero">Per column: floor at zero.</param>
        /// <exception cref="InvalidOperationException">A column has no value at all, or a value is not finite.</exception>
        public FeatureMatrix ToMatrix(bool[] floorAtZero)
        {
            if (floorAtZero == null || floorAtZero.Length != ColumnNames.Length)
            {
                throw new ArgumentException("one flag per feature column is required", nameof(floorAtZero));
            }

            var columns = ColumnNames.Length;
            var medians = FeaturePreprocessing.ColumnMedians(Rows, columns);
            for (var c = 0; c < columns; c++)
            {
                if (!medians[c].HasValue && Rows.Length > 0)
                {
                    throw new InvalidOperationException("feature " + ColumnNames[c] + " is NULL for every customer");
                }
            }

            var values = new double[Rows.Length * columns];
            for (var r = 0; r < Rows.Length; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var v = FeaturePreprocessing.Clean(Rows[r][c], medians[c] ?? 0, floorAtZero[c]);
                    if (double.IsNaN(v) || double.IsInfinity(v))
                    {
                        throw new InvalidOperationException("feature " + ColumnNames[c] + " of customer " + Keys[r] + " is not finite (" + (Rows[r][c] ?? v).ToString(CultureInfo.InvariantCulture) + ")");
                    }

                    values[(r * columns) + c] = v;
                }
            }

            return new FeatureMatrix(values, columns) { ColumnNames = (string[])ColumnNames.Clone() };
        }
    }
}
