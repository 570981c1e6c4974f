using BenchmarkDotNet.Attributes;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Transactions;

namespace Warehouse.Benchmarks.Etl;

/// <summary>
/// Online Retail (../shared/data/online-retail/online_retail.csv, 541,909 rows) into the warehouse, side by side with
/// the reference: DuckDB's own multi-threaded CSV reader (<c>read_csv</c> with explicit columns) loading the same file
/// into a table. Our path does more per row (validation with reasons, rejects with the raw record, line numbers,
/// invoice line numbering), so the ratio to the reference is the figure to watch; rows/s = 541,909 / mean.
/// Run: <c>dotnet run -c Release --project bench/Warehouse.Benchmarks -- --filter *TransactionLoad*</c>.
/// </summary>
[MemoryDiagnoser]
public class TransactionLoadBenchmarks
{
    private string _path = string.Empty;
    private DuckDbWarehouse? _warehouse;

    [GlobalSetup]
    public void Setup()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Warehouse.sln")))
        {
            folder = folder.Parent;
        }

        _path = Path.GetFullPath(Path.Combine(folder?.FullName ?? ".", "..", "shared", "data", "online-retail", "online_retail.csv"));
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException("The Online Retail file is needed for this benchmark.", _path);
        }

        _warehouse = DuckDbWarehouse.Open(":memory:");
    }

    [GlobalCleanup]
    public void Cleanup() => _warehouse?.Dispose();

    /// <summary>Reference: DuckDB's native CSV reader into a table (no validation, no rejects).</summary>
    [Benchmark(Baseline = true)]
    public long DuckDbReadCsv()
    {
        var db = _warehouse!.Connection;
        db.Execute("DROP TABLE IF EXISTS reference_load");
        db.Execute($$"""
            CREATE TABLE reference_load AS SELECT * FROM read_csv('{{_path.Replace("'", "''", StringComparison.Ordinal)}}', header = true,
                columns = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR', 'Quantity': 'INTEGER',
                           'InvoiceDate': 'TIMESTAMP', 'UnitPrice': 'DECIMAL(18,4)', 'CustomerID': 'VARCHAR', 'Country': 'VARCHAR'})
            """);
        return db.ExecuteScalar<long>("SELECT count(*) FROM reference_load");
    }

    /// <summary>Parsing and validation only (no database).</summary>
    [Benchmark]
    public long ParseOnly()
    {
        var parser = new TransactionCsvParser(new TransactionMapping());
        long rows = 0;
        using var reader = new CsvRecordReader(File.OpenRead(_path), "online_retail.csv");
        foreach (var _ in parser.Parse(reader, "online_retail.csv", 1, (_, _, _, _) => { }))
        {
            rows++;
        }

        return rows + parser.RowsRejected;
    }

    /// <summary>File → staging and rejects (pipelined parse + mapped appender), rolled back afterwards.</summary>
    [Benchmark]
    public long FileToStaging()
    {
        using var session = SourceLoad.Begin(_warehouse!, StagingTarget.Purchase, "bench", "online_retail.csv", null);
        var parser = TransactionLoader.StageFile(session, _path, new TransactionMapping());
        return parser.RowsRead; // disposing without Complete rolls back
    }

    /// <summary>The whole load into the star schema (staging, dimensions, facts, lineage) on a fresh warehouse.</summary>
    [Benchmark]
    public long FullLoad()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        return TransactionLoader.Load(warehouse, _path).RowsRead;
    }
}
