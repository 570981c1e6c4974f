namespace Warehouse.Etl;

/// <summary>Entry point of the warehouse command-line host.</summary>
public static class Program
{
    /// <summary>Runs the host.</summary>
    public static int Main(string[] args) => 0;
}
