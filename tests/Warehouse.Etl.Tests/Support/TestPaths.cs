namespace Warehouse.Etl.Tests.Support;

/// <summary>Locates the repository root (the folder holding Warehouse.sln) and the shared data folder beside it.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Warehouse.sln")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("Warehouse.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>../shared/data/online-retail relative to the repository root.</summary>
    public static string OnlineRetailFolder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "online-retail"));

    /// <summary>A new empty temporary folder.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "warehouse-etl-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
