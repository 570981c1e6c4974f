using Warehouse.Database.Build;

namespace Warehouse.SqlClr.Tests;

/// <summary>Where the deployed (net48) build and the wrapper source are, for the configuration these tests were built in.</summary>
internal static class ClrPaths
{
    public static string Root { get; } = RepositoryPaths.FindRoot(AppContext.BaseDirectory);

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string Net48Assembly
    {
        get
        {
            var path = RepositoryPaths.ClrAssembly(Root, Configuration);
            Assert.True(File.Exists(path), $"the net48 build {path} is missing; it is built as a project reference of this test project");
            return path;
        }
    }

    public static string WrappersPath => RepositoryPaths.ClrWrappers(Root);

    public static string GenerateDeployScript() =>
        ClrDeployScript.Generate([("Warehouse.SqlClr", File.ReadAllBytes(Net48Assembly))], File.ReadAllText(WrappersPath), "src/Warehouse.SqlClr/Deploy/Warehouse.SqlClr.sql");
}
