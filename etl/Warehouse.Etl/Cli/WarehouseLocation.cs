namespace Warehouse.Etl.Cli;

/// <summary>Where the warehouse file lives when <c>--warehouse</c> is not given.</summary>
internal static class WarehouseLocation
{
    /// <summary>Environment variable that overrides the default location.</summary>
    public const string EnvironmentVariable = "WAREHOUSE_PATH";

    /// <summary>
    /// <c>$WAREHOUSE_PATH</c>, else <c>warehouse-segmentation/warehouse.duckdb</c> under the user's local data folder
    /// (e.g. ~/.local/share), else <c>./warehouse.duckdb</c>.
    /// </summary>
    public static string Default()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(local)
            ? Path.GetFullPath("warehouse.duckdb")
            : Path.Combine(local, "warehouse-segmentation", "warehouse.duckdb");
    }
}
