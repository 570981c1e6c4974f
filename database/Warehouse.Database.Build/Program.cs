namespace Warehouse.Database.Build;

/// <summary>Builds and validates the database model.</summary>
public static class Program
{
    /// <summary>Runs the build.</summary>
    public static int Main(string[] args) => 0;
}
