using System.Text.Json;
using Warehouse.Segmentation;

namespace Warehouse.Benchmarks;

/// <summary>Reads the files written by ../shared/bench/gen_data.py (raw little-endian float64, JSON header).</summary>
public static class BenchData
{
    public static string Directory =>
        Environment.GetEnvironmentVariable("SEGBENCH_DIR") ?? Path.Combine(Path.GetTempPath(), "segbench");

    public static (FeatureMatrix Data, FeatureMatrix Init) Load(string name)
    {
        var header = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json"))).RootElement;
        int n = header.GetProperty("n").GetInt32(), d = header.GetProperty("d").GetInt32(), k = header.GetProperty("k").GetInt32();
        var data = ReadDoubles(Path.Combine(Directory, header.GetProperty("data").GetString()!), (long)n * d);
        var init = ReadDoubles(Path.Combine(Directory, header.GetProperty("init").GetString()!), (long)k * d);
        return (new FeatureMatrix(data, d), new FeatureMatrix(init, d));
    }

    private static double[] ReadDoubles(string path, long count)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.LongLength != count * 8) throw new InvalidDataException($"{path}: {bytes.LongLength} bytes, expected {count * 8}");
        var values = new double[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
