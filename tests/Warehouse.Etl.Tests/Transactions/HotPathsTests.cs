using Warehouse.Data;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// HotPaths compiles the transaction load's AggressiveOptimization loops ahead of their first call. The list it compiles is
/// checked against the methods the source marks; preparing them compiles each one; the transaction load's warm-up
/// (TransactionLoader.Prewarm) completes once per process.
/// </summary>
public sealed class HotPathsTests
{
    [Fact]
    public void The_hot_loops_of_a_transaction_load_are_the_ones_prepared()
    {
        var types = new[] { typeof(CsvRecordReader), typeof(TransactionCsvParser), typeof(FastParse) };
        var names = HotPaths.HotMethods(types).Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Order().ToList();

        // The methods marked [MethodImpl(MethodImplOptions.AggressiveOptimization)] in these three files (grep the source).
        Assert.Equal(["CsvRecordReader.Read", "FastParse.TryDecimal", "FastParse.TryIsoDateTime", "TransactionCsvParser.Fill", "TransactionCsvParser.Validate"], names);
    }

    [Fact]
    public void Preparing_them_compiles_each_one_and_the_appenders()
    {
        // 5 of the three types above, plus the appender's 2 (DuckDbChunkAppender.SetDecimal and SetString are marked).
        Assert.Equal(7, HotPaths.Prepare(typeof(CsvRecordReader), typeof(TransactionCsvParser), typeof(FastParse)));
    }

    [Fact]
    public async Task The_transaction_warm_up_completes_once_per_process()
    {
        await TransactionLoader.Prewarm().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(TransactionLoader.Prewarm().IsCompletedSuccessfully);
        Assert.Same(TransactionLoader.Prewarm(), TransactionLoader.Prewarm()); // once per process
    }

    [Fact]
    public void The_staging_warm_up_appends_its_synthetic_lines()
    {
        // 4,096 lines, every 8th a rejected line's placeholder: 4,096 - 512 = 3,584 lines appended.
        Assert.Equal(3584, Warehouse.Data.Loading.PurchaseMigration.WarmUp(TransactionLoader.SyntheticLines(4096)));
    }
}
