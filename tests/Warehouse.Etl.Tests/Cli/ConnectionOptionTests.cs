using Warehouse.Etl.Cli;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Cli;

/// <summary>
/// Every verb accepts --connection and then works on SQL Server, never on the DuckDB file: a malformed connection
/// string is refused before anything connects (exit 2), and an unreachable server is a clear error (exit 1). No SQL
/// Server runs here, so "unreachable" is a closed port on the loopback address with a short timeout; what a live
/// server does is covered by the model and parse tests in Warehouse.Database.Tests and the README's list of checks.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConnectionOptionTests : IDisposable
{
    // Port 1 on the loopback address: nothing listens there, so the connection is refused at once.
    private const string Unreachable = "Server=tcp:127.0.0.1,1;Database=Warehouse;User ID=etl;Password=x;Connect Timeout=3;Pooling=false;TrustServerCertificate=True";
    private const string NoDatabase = "Server=tcp:127.0.0.1,1;User ID=etl;Password=x";

    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Each verb with its required options (the file exists, so only the warehouse can fail).</summary>
    public static TheoryData<string> Verbs() => new()
    {
        "load transactions --file {file}",
        "load crm --file {file}",
        "load demographics --file {file}",
        "load web --file {file}",
        "load social --file {file}",
        "segment run",
        "segment list",
        "segment rename 1 Loyal",
        "report --out {folder}/report",
        "demo --customers 50 --lines 200 --out {folder}/demo-data",
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void A_connection_string_without_a_database_is_refused_before_connecting(string verb)
    {
        var (exit, error) = Invoke(verb, NoDatabase);

        Assert.Equal(2, exit);
        Assert.Contains("names no database", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void An_unreachable_server_is_a_clear_error_and_the_duckdb_file_is_not_used(string verb)
    {
        var (exit, error) = Invoke(verb, Unreachable);

        Assert.Equal(1, exit);
        Assert.Contains("Connecting to SQL Server tcp:127.0.0.1,1/Warehouse failed", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    private void AssertNothingWritten()
    {
        Assert.False(File.Exists(Path.Combine(_folder, "warehouse.duckdb")), "the DuckDB warehouse was opened although --connection was given");
        Assert.False(Directory.Exists(Path.Combine(_folder, "demo-data")), "the demo generated files before the warehouse was reached");
        Assert.False(Directory.Exists(Path.Combine(_folder, "report")), "the report was written without a warehouse");
    }

    private (int Exit, string Error) Invoke(string verb, string connection)
    {
        var file = Path.Combine(_folder, "source.csv");
        File.WriteAllText(file, "a,b\n1,2\n");
        var args = verb.Replace("{file}", file, StringComparison.Ordinal).Replace("{folder}", _folder, StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["--warehouse", Path.Combine(_folder, "warehouse.duckdb"), "--connection", connection])
            .ToArray();
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (WarehouseCli.Build().Parse(args).Invoke(), error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }
}

/// <summary>Tests that redirect the process-wide console run without parallel neighbours.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Console redirection (not parallel)";
}
