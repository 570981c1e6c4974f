using System;
using System.Data;
using System.Globalization;
using System.IO;
using System.Text;
using Warehouse.SqlClr;

namespace Warehouse.SqlClr.MonoHost
{
    /// <summary>
    /// Usage: MonoHost &lt;features.csv&gt; &lt;algorithm&gt; &lt;options&gt; &lt;scaling&gt; &lt;seed&gt;. The CSV has a header; the first
    /// column is the customer key, the others features (empty = NULL). Prints the result with every double as the hex of
    /// its bits, so the caller compares exactly.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length != 5)
            {
                Console.Error.WriteLine("usage: MonoHost <features.csv> <algorithm> <options> <scaling> <seed>");
                return 2;
            }

            var lines = File.ReadAllLines(args[0]);
            var header = lines[0].Split(',');
            var table = new DataTable();
            table.Columns.Add(header[0], typeof(long));
            for (var c = 1; c < header.Length; c++)
            {
                table.Columns.Add(header[c], typeof(double));
            }

            for (var r = 1; r < lines.Length; r++)
            {
                var parts = lines[r].Split(',');
                var row = table.NewRow();
                row[0] = long.Parse(parts[0], CultureInfo.InvariantCulture);
                for (var c = 1; c < parts.Length; c++)
                {
                    row[c] = parts[c].Length == 0 ? (object)DBNull.Value : BitConverter.Int64BitsToDouble(long.Parse(parts[c], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }

                table.Rows.Add(row);
            }

            FeatureTable features;
            using (var reader = table.CreateDataReader())
            {
                features = FeatureTable.Read(reader);
            }

            var result = SegmentationRunner.Run(features, new SegmentationRequest
            {
                Algorithm = args[1],
                Options = args[2],
                ScalingMethod = args[3],
                Seed = int.Parse(args[4], CultureInfo.InvariantCulture),
            });

            var output = new StringBuilder();
            output.Append("labels ").Append(string.Join(",", Array.ConvertAll(result.Labels, l => l.ToString(CultureInfo.InvariantCulture)))).Append('\n');
            output.Append("distances ").Append(string.Join(",", Array.ConvertAll(result.Distances, Bits))).Append('\n');
            output.Append("probabilities ").Append(string.Join(",", Array.ConvertAll(result.Probabilities, Bits))).Append('\n');
            output.Append("model ").Append(BitConverter.ToString(result.ModelBytes).Replace("-", string.Empty)).Append('\n');
            output.Append("scaler ").Append(BitConverter.ToString(result.ScalerBytes).Replace("-", string.Empty)).Append('\n');
            output.Append("metrics ").Append(Bits(result.Inertia)).Append(',').Append(Bits(result.Silhouette)).Append(',')
                .Append(Bits(result.DaviesBouldin)).Append(',').Append(Bits(result.CalinskiHarabasz)).Append('\n');
            output.Append("runtime ").Append(Type.GetType("Mono.Runtime") != null ? "mono" : "netfx").Append('\n');
            Console.Out.Write(output.ToString());
            return 0;
        }

        private static string Bits(double? value) =>
            value.HasValue ? BitConverter.DoubleToInt64Bits(value.Value).ToString("X16", CultureInfo.InvariantCulture) : "null";
    }
}
