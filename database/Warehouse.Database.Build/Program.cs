namespace Warehouse.Database.Build;

/// <summary>
/// Command line: validates database/Warehouse.Database with DacFx for SQL Server 2019 and 2022 and writes
/// Warehouse.dacpac (Sql160), Warehouse.Sql150.dacpac, Warehouse.Create.sql and Warehouse.SqlClr.Deploy.sql.
/// Exit code 0 on success, 1 on validation errors (each printed with file, line and message), 2 on bad arguments.
/// </summary>
public static class Program
{
    /// <summary>Runs the build.</summary>
    /// <param name="args">
    /// <c>--source &lt;folder&gt;</c> (default database/Warehouse.Database), <c>--output &lt;folder&gt;</c> (default
    /// artifacts/database), <c>--clr-assembly &lt;dll&gt;</c> (default: the net48 build of src/Warehouse.SqlClr in this
    /// program's configuration), <c>--no-clr</c> (skip the CLR script).
    /// </param>
    public static int Main(string[] args)
    {
        string? source = null, output = null, clrAssembly = null;
        var noClr = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--source" when i + 1 < args.Length:
                    source = args[++i];
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--clr-assembly" when i + 1 < args.Length:
                    clrAssembly = args[++i];
                    break;
                case "--no-clr":
                    noClr = true;
                    break;
                case "-h" or "--help":
                    Console.WriteLine("Usage: Warehouse.Database.Build [--source <folder>] [--output <folder>] [--clr-assembly <dll>] [--no-clr]");
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Use --help.");
                    return 2;
            }
        }

        try
        {
            var root = source is not null && output is not null ? null : RepositoryPaths.FindRoot();
            source ??= RepositoryPaths.DatabaseSource(root!);
            output ??= RepositoryPaths.DefaultOutput(root!);
            var database = DatabaseSource.Load(source);

            var assemblies = new List<(string, byte[])>();
            (string, string)? wrappers = null;
            if (!noClr)
            {
                root ??= RepositoryPaths.FindRoot();
                clrAssembly ??= RepositoryPaths.ClrAssembly(root, RepositoryPaths.BuildConfiguration);
                if (!File.Exists(clrAssembly))
                {
                    Console.Error.WriteLine($"CLR assembly '{clrAssembly}' not found: build src/Warehouse.SqlClr (net48) first, or pass --no-clr.");
                    return 2;
                }

                var wrapperPath = RepositoryPaths.ClrWrappers(root);
                assemblies.Add((Path.GetFileNameWithoutExtension(clrAssembly), File.ReadAllBytes(clrAssembly)));
                wrappers = (File.ReadAllText(wrapperPath), Path.GetRelativePath(root, wrapperPath).Replace('\\', '/'));
            }

            var errors = DatabaseBuild.Run(database, output, assemblies, wrappers, Console.WriteLine);
            if (errors.Count > 0)
            {
                Console.Error.WriteLine($"Database build failed: {errors.Count} error(s).");
                foreach (var error in errors)
                {
                    Console.Error.WriteLine(error);
                }

                return 1;
            }

            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Database build failed: {e.Message}");
            return 1;
        }
    }
}
