namespace Warehouse.Etl.Tests;

/// <summary>Finds files of the repository from the test assembly's folder (no absolute paths).</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Warehouse.sln.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Warehouse.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Warehouse.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A path under the repository root, given with forward slashes.</summary>
    public static string Of(string relative) => Path.Combine([Root, .. relative.Split('/')]);
}
