namespace Warehouse.Database.Build;

/// <summary>Locates the repository (the folder holding Warehouse.sln) and the default inputs and outputs in it.</summary>
public static class RepositoryPaths
{
    /// <summary>Walks up from <paramref name="start"/> (default: the current directory, then this assembly's folder) to the folder holding Warehouse.sln.</summary>
    /// <param name="start">Folder to start from.</param>
    /// <exception cref="DirectoryNotFoundException">No parent folder holds Warehouse.sln.</exception>
    public static string FindRoot(string? start = null)
    {
        foreach (var candidate in new[] { start, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = candidate is null ? null : new DirectoryInfo(candidate); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Warehouse.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("Warehouse.sln not found above the current directory or the program's folder; pass --source and --output.");
    }

    /// <summary>database/Warehouse.Database under <paramref name="root"/>.</summary>
    /// <param name="root">Repository root.</param>
    public static string DatabaseSource(string root) => Path.Combine(root, "database", "Warehouse.Database");

    /// <summary>artifacts/database under <paramref name="root"/> (not committed).</summary>
    /// <param name="root">Repository root.</param>
    public static string DefaultOutput(string root) => Path.Combine(root, "artifacts", "database");

    /// <summary>The CLR wrapper definitions (EXTERNAL NAME objects) kept beside the CLR source.</summary>
    /// <param name="root">Repository root.</param>
    public static string ClrWrappers(string root) => Path.Combine(root, "src", "Warehouse.SqlClr", "Deploy", "Warehouse.SqlClr.sql");

    /// <summary>The deployed (net48, signed, SAFE) build of Warehouse.SqlClr for <paramref name="configuration"/>.</summary>
    /// <param name="root">Repository root.</param>
    /// <param name="configuration">Build configuration, Release or Debug.</param>
    public static string ClrAssembly(string root, string configuration) =>
        Path.Combine(root, "src", "Warehouse.SqlClr", "bin", configuration, "net48", "Warehouse.SqlClr.dll");

    /// <summary>The configuration this program was built in, so the CLR assembly of the same build is used.</summary>
    public static string BuildConfiguration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif
}
