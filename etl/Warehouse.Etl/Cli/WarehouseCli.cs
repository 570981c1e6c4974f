using System.CommandLine;
using System.Globalization;
using Warehouse.Data;
using Warehouse.Data.DuckDb;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Cli;

/// <summary>The command tree of the <c>warehouse</c> host (System.CommandLine 3).</summary>
internal static partial class WarehouseCli
{
    /// <summary>Global <c>--warehouse</c> option.</summary>
    public static readonly Option<string> WarehouseOption = new("--warehouse", "-w")
    {
        Description = $"Warehouse file (DuckDB). Default: ${WarehouseLocation.EnvironmentVariable}, else warehouse-segmentation/warehouse.duckdb in the user's local data folder.",
        Recursive = true,
        DefaultValueFactory = _ => WarehouseLocation.Default(),
    };

    /// <summary>
    /// Global <c>--connection</c> option: a SQL Server connection string (database deployed from Warehouse.dacpac).
    /// When given, every verb works on SQL Server instead of the DuckDB file: loads go through SqlBulkCopy into staging
    /// and the Integration procedures, <c>segment run</c> runs the configuration in the database (SQL CLR), and
    /// <c>segment list</c> and <c>report</c> read the Reports views.
    /// </summary>
    public static readonly Option<string?> ConnectionOption = new("--connection")
    {
        Description = "SQL Server connection string (\"Server=…;Database=…;…\") of a warehouse deployed from Warehouse.dacpac; every verb then uses it instead of --warehouse.",
        Recursive = true,
    };

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Warehouse segmentation: load customer, web, social and purchase data into a star schema and segment customers.");
        root.Options.Add(WarehouseOption);
        root.Options.Add(ConnectionOption);
        root.Subcommands.Add(BuildLoad());
        root.Subcommands.Add(BuildSegment());
        root.Subcommands.Add(BuildDemo());
        root.Subcommands.Add(Commands.ReportCommand.Build());
        return root;
    }

    private static Command BuildLoad()
    {
        var load = new Command("load", "Load a source file into the warehouse (staging → star schema, rejects with reasons, lineage).");
        var file = new Option<FileInfo>("--file", "-f") { Description = "The source file.", Required = true };
        var mapping = new Option<FileInfo?>("--mapping", "-m") { Description = "JSON column mapping (defaults fit the Online Retail layout: InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country)." };
        var currency = new Option<string?>("--currency") { Description = "ISO 4217 currency of the prices when the file has no currency column (default GBP)." };
        var transactions = new Command("transactions", "Purchase transactions CSV (invoice lines). Rows without a customer id or with unparsable values go to Integration.RejectedPurchase; cancellations (InvoiceNo starting with C) are kept as negative lines.");
        transactions.Options.Add(file);
        transactions.Options.Add(mapping);
        transactions.Options.Add(currency);
        var culture = CleaningCliOptions.Culture();
        culture.Description = "Culture of prices, quantities and dates, overriding the mapping's Culture: de-DE reads 1.234,50 as 1234.50 (thousands separators only where the culture groups digits); "
            + "dates after the ISO forms in the culture's short date and time patterns unless the mapping lists DateFormats (en-GB 01/08/2024 10:00 is 1 August, en-US 8 January). "
            + "Default: the mapping's, else invariant (plain 1234.50, ISO dates only).";
        transactions.Options.Add(culture);
        transactions.SetAction(parse => Run(() =>
        {
            _ = TransactionLoader.Prewarm(); // overlaps opening the warehouse
            var map = parse.GetValue(mapping) is { } m ? TransactionMapping.Load(m.FullName) : new TransactionMapping();
            if (parse.GetValue(currency) is { } code)
            {
                map.Currency = code.Trim().ToUpperInvariant();
            }

            if (parse.GetValue(culture) is { } c)
            {
                map.Culture = c.Name;
            }

            using var warehouse = OpenWarehouse(parse);
            var result = TransactionLoader.Load(warehouse, parse.GetValue(file)!.FullName, map);
            PrintLoad(result);
            PrintOutliers(warehouse, result.LineageKey, result.Skipped);
            return 0;
        }));
        load.Subcommands.Add(transactions);
        AddSourceLoads(load, file);
        return load;
    }

    /// <summary>Prints what a transactions load did.</summary>
    internal static void PrintLoad(TransactionLoader.Result result)
    {
        if (result.Skipped)
        {
            ConsoleUi.Line($"{result.SourceName}: this content was already loaded (lineage {result.LineageKey}); nothing changed.");
            return;
        }

        ConsoleUi.Line(string.Create(CultureInfo.InvariantCulture,
            $"{result.SourceName}: read {result.RowsRead:N0}, loaded {result.RowsLoaded:N0}, rejected {result.RowsRejected:N0} (lineage {result.LineageKey}; reasons in Integration.RejectedPurchase)."));
        ConsoleUi.Line(string.Create(CultureInfo.InvariantCulture,
            $"  file → staging {result.StagingElapsed.TotalSeconds:0.00} s ({result.StagingRowsPerSecond:N0} rows/s); total {result.TotalElapsed.TotalSeconds:0.00} s; {result.FactRowsInserted:N0} fact rows inserted."));
        if (InvoiceUpdates(result) is { } invoices)
        {
            ConsoleUi.Line(invoices);
        }
    }

    /// <summary>
    /// The summary line of the invoices of earlier loads a transactions load changed (mapping InvoiceUpdates), or null when it
    /// touched none: an invoice split across files and loaded with replace shows here as a replaced invoice, not silently.
    /// </summary>
    internal static string? InvoiceUpdates(TransactionLoader.Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.InvoicesReplaced > 0 || result.StoredLinesRemoved > 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"  invoices of earlier loads replaced: {result.InvoicesReplaced:N0} ({result.StoredLinesRemoved:N0} stored lines removed; an invoice split across files needs the mapping's \"InvoiceUpdates\": \"append\").");
        }

        if (result.InvoicesExtended > 0 || result.StoredRepeatsRejected > 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"  invoices of earlier loads extended: {result.InvoicesExtended:N0}; lines repeating a stored line rejected: {result.StoredRepeatsRejected:N0}.");
        }

        return null;
    }

    /// <summary>
    /// Opens the warehouse and says where it is: the SQL Server database of --connection (the connection string is
    /// checked before connecting; the schema must be deployed), else the DuckDB file of --warehouse (created when new).
    /// </summary>
    internal static IWarehouse OpenWarehouse(ParseResult parse)
    {
        if (parse.GetValue(ConnectionOption) is { } connection)
        {
            var sqlServer = SqlServerWarehouse.Open(connection);
            ConsoleUi.Line($"Warehouse: SQL Server {sqlServer.Location}");
            return sqlServer;
        }

        var path = parse.GetValue(WarehouseOption) ?? WarehouseLocation.Default();
        var warehouse = DuckDbWarehouse.Open(path);
        ConsoleUi.Line($"Warehouse: {warehouse.Location}");
        return warehouse;
    }

    /// <summary>Runs a command body, turning failures into a clear message and a non-zero exit code.</summary>
    internal static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (SourceFormatException e)
        {
            ConsoleUi.Error($"malformed file: {e.Message}. Nothing was loaded.");
            return 2;
        }
        catch (CsvFormatException e)
        {
            ConsoleUi.Error($"malformed file: {e.Message}. Nothing was loaded.");
            return 2;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException)
        {
            ConsoleUi.Error(e.Message);
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or DuckDB.NET.Data.DuckDBException or Microsoft.Data.SqlClient.SqlException or UnauthorizedAccessException)
        {
            ConsoleUi.Error(e.Message);
            return 1;
        }
    }
}
