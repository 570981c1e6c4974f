using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Warehouse.SqlClr.Tests;

/// <summary>
/// The net48 build (the one SQL Server runs) gives bit-identical results to the net10.0 build the tests and the host
/// use: labels, distances, probabilities, serialized model and scaler, metrics. The net48 code runs under Mono
/// (Debian mono-devel, installed by tests/run-all.sh) through tests/Warehouse.SqlClr.MonoHost; doubles cross the
/// process boundary as the hex of their bits. Data: 150 customers around three profiles, seed 11, with NULLs and a
/// negative amount so the median fill and the log1p floor are exercised on both runtimes.
/// </summary>
public class Net48ParityTests
{
    private const string Scaling = "ZScore,Log1pZScore,Log1pZScore,ZScore";

    private static string HostPath
    {
        get
        {
            var path = Path.Combine(ClrPaths.Root, "tests", "Warehouse.SqlClr.MonoHost", "bin", ClrPaths.Configuration, "net48", "Warehouse.SqlClr.MonoHost.exe");
            Assert.True(File.Exists(path), $"{path} is missing; it is built as a project reference of this test project");
            return path;
        }
    }

    private static DataTable Features()
    {
        var table = new DataTable();
        table.Columns.Add("CustomerKey", typeof(long));
        foreach (var name in new[] { "RecencyDays", "Frequency", "MonetaryValue", "Age" })
        {
            table.Columns.Add(name, typeof(double));
        }

        var random = new Random(11);
        double[][] centres = [[12, 25, 4000, 45], [70, 6, 300, 30], [300, 2, 90, 60]];
        for (var i = 0; i < 150; i++)
        {
            var c = centres[i % 3];
            var row = table.NewRow();
            row[0] = (long)(1000 + i);
            row[1] = c[0] * (0.7 + (0.6 * random.NextDouble()));
            row[2] = Math.Max(1, Math.Round(c[1] * (0.7 + (0.6 * random.NextDouble()))));
            row[3] = i % 29 == 3 ? -40.0 : c[2] * (0.7 + (0.6 * random.NextDouble()));
            row[4] = i % 13 == 0 ? DBNull.Value : Math.Round(c[3] + (10 * (random.NextDouble() - 0.5)));
            table.Rows.Add(row);
        }

        return table;
    }

    private static string Csv(DataTable table)
    {
        var csv = new StringBuilder(string.Join(",", table.Columns.Cast<DataColumn>().Select(c => c.ColumnName))).Append('\n');
        foreach (DataRow row in table.Rows)
        {
            csv.Append(((long)row[0]).ToString(CultureInfo.InvariantCulture));
            for (var c = 1; c < table.Columns.Count; c++)
            {
                csv.Append(',');
                if (row[c] is double value)
                {
                    csv.Append(BitConverter.DoubleToInt64Bits(value).ToString("X16", CultureInfo.InvariantCulture));
                }
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    private static string Format(SegmentationResult result)
    {
        static string Bits(double? value) => value.HasValue ? BitConverter.DoubleToInt64Bits(value.Value).ToString("X16", CultureInfo.InvariantCulture) : "null";
        return new StringBuilder()
            .Append("labels ").Append(string.Join(",", result.Labels)).Append('\n')
            .Append("distances ").Append(string.Join(",", result.Distances.Select(Bits))).Append('\n')
            .Append("probabilities ").Append(string.Join(",", result.Probabilities.Select(Bits))).Append('\n')
            .Append("model ").Append(Convert.ToHexString(result.ModelBytes)).Append('\n')
            .Append("scaler ").Append(Convert.ToHexString(result.ScalerBytes)).Append('\n')
            .Append("metrics ").Append(Bits(result.Inertia)).Append(',').Append(Bits(result.Silhouette)).Append(',')
            .Append(Bits(result.DaviesBouldin)).Append(',').Append(Bits(result.CalinskiHarabasz)).Append('\n')
            .ToString();
    }

    [Theory]
    [InlineData("kmeans", "k=3;nInit=4")]
    [InlineData("gmm", "k=3;covariance=full")]
    [InlineData("som", "width=3;height=3;epochs=15;k=3")]
    [InlineData("minibatch", "k=3;batchSize=16;nInit=2")]
    public async Task Net48UnderMonoMatchesNet10BitForBit(string algorithm, string options)
    {
        var table = Features();
        FeatureTable features;
        using (var reader = table.CreateDataReader())
        {
            features = FeatureTable.Read(reader);
        }

        var expected = Format(SegmentationRunner.Run(features, new SegmentationRequest { Algorithm = algorithm, Options = options, ScalingMethod = Scaling, Seed = 42 }));

        var csv = Path.Combine(Path.GetTempPath(), $"warehouse-mono-{Guid.NewGuid():N}.csv");
        File.WriteAllText(csv, Csv(table));
        try
        {
            var start = new ProcessStartInfo("mono") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { HostPath, csv, algorithm, options, Scaling, "42" })
            {
                start.ArgumentList.Add(argument);
            }

            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("mono is not installed: install Debian mono-devel (tests/run-all.sh does) to run the net48 parity tests", e);
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await process.WaitForExitAsync(timeout.Token);
                var error = await stderr;
                Assert.True(process.ExitCode == 0, $"net48 host failed ({process.ExitCode}): {error}");
                var lines = (await stdout).Replace("\r\n", "\n", StringComparison.Ordinal);
                Assert.EndsWith("runtime mono\n", lines, StringComparison.Ordinal);
                var actual = lines[..lines.LastIndexOf("runtime ", StringComparison.Ordinal)];
                var expectedLines = expected.Split('\n');
                var actualLines = actual.Split('\n');
                Assert.Equal(expectedLines.Length, actualLines.Length);
                for (var i = 0; i < expectedLines.Length; i++)
                {
                    Assert.True(expectedLines[i] == actualLines[i], $"{algorithm}: line {i} differs between net10.0 and net48:\n  net10 {Shorten(expectedLines[i])}\n  net48 {Shorten(actualLines[i])}");
                }
            }
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static string Shorten(string line) => line.Length > 300 ? line[..300] + "…" : line;
}
