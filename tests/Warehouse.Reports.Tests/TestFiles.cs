using System.Text.Json;

namespace Warehouse.Reports.Tests;

/// <summary>Locates the repository (the folder holding Warehouse.sln) and files in it, from the test assembly directory.</summary>
public static class TestFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The shared folder beside the repository (../shared).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string Fixture(string name) => Path.Combine(RepositoryRoot, "tests", "Warehouse.Reports.Tests", "Fixtures", name);

    public static JsonElement Json(string name) => JsonDocument.Parse(File.ReadAllText(Fixture(name))).RootElement;

    public static double[][] Matrix(JsonElement element) =>
        element.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Warehouse.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException($"No Warehouse.sln above {AppContext.BaseDirectory}.");
    }
}
