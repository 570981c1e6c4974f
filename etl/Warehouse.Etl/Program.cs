using Warehouse.Etl.Cli;

namespace Warehouse.Etl;

/// <summary>Entry point of the warehouse command-line host.</summary>
public static class Program
{
    /// <summary>Runs the host: <c>warehouse --help</c> lists the verbs.</summary>
    /// <returns>0 on success, non-zero on failure (1 for usage errors and failed commands).</returns>
    public static int Main(string[] args)
    {
        ConsoleUi.Configure();
        return WarehouseCli.Build().Parse(args).Invoke();
    }
}
