using System.Text.Json;
using Warehouse.Segmentation;

namespace Warehouse.Segmentation.Tests;

/// <summary>Reads the scikit-learn fixtures (JSON, written by Fixtures/generate_fixtures.py) copied next to the tests.</summary>
internal static class Fixture
{
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement.Clone();
        Assert.True(root.TryGetProperty("provenance", out _), $"{name} has no provenance");
        return root;
    }

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static FeatureMatrix Matrix(JsonElement e) =>
        FeatureMatrix.FromRows(e.EnumerateArray().Select(Doubles).ToArray());

    public static void Close(double expected, double actual, double relative, string what)
    {
        double tol = relative * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R} (tolerance {tol:G3})");
    }
}
