using Spectre.Console;
using Warehouse.Etl.Cli;

namespace Warehouse.Etl.Tests.Support;

/// <summary>Runs the <c>warehouse</c> command tree in process, capturing what it prints (use in the console collection).</summary>
internal static class CliRunner
{
    /// <summary>Exit code, standard output (Spectre and Console) and standard error of one invocation.</summary>
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var previous = AnsiConsole.Console;
        var previousOut = Console.Out;
        var previousError = Console.Error;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No });
        AnsiConsole.Console.Profile.Width = 400;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = WarehouseCli.Build().Parse(args).Invoke();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            AnsiConsole.Console = previous;
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
