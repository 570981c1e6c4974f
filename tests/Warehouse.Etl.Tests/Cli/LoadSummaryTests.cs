using Spectre.Console;
using Warehouse.Etl.Cli;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Cli;

/// <summary>The load summary of <c>warehouse load transactions</c> names the outliers the load flagged (README, "Loading rules").</summary>
[Collection(ConsoleCollection.Name)]
public sealed class LoadSummaryTests : IDisposable
{
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_summary_prints_the_rows_flagged_per_measure_and_the_bounds_and_a_skipped_rerun_prints_none()
    {
        // Two ordinary lines and Online Retail's 80,995-unit line. Quantities y = log10 2, log10 7, log10 80996: median log10 7,
        // |y − median| 0, 0.54407, 4.06337 → MAD 0.54407; bound 10^(0.84510 + 3.5 × 0.54407 / 0.6745) − 1 = 4,657.89 units (80,995: M = 5.04).
        var file = Path.Combine(_folder, "t.csv");
        File.WriteAllText(file, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n" +
            "536366,22633,WARMER,1,2010-12-01 08:28:00,1.85,17850,United Kingdom\n" +
            "581483,23843,BIRDIE,80995,2011-12-09 09:15:00,2.08,16446,United Kingdom\n");
        string[] args = ["load", "transactions", "--file", file, "--warehouse", Path.Combine(_folder, "w.duckdb")];

        var first = Run(args);
        Assert.Contains("outliers flagged (modified z > 3.5 on log10(1 + |x|), rows kept) of 3: Quantity 1 (> 4657.89)", first, StringComparison.Ordinal);
        var second = Run(args);
        Assert.Contains("already loaded", second, StringComparison.Ordinal);
        Assert.DoesNotContain("outliers", second, StringComparison.Ordinal);
    }

    private static string Run(string[] args)
    {
        var output = new StringWriter();
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No });
        AnsiConsole.Console.Profile.Width = 400;
        try
        {
            Assert.Equal(0, WarehouseCli.Build().Parse(args).Invoke());
            return output.ToString();
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }
}
