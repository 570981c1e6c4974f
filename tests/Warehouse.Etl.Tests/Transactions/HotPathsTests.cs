using Warehouse.Data;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// HotPaths compiles the transaction load's AggressiveOptimization loops ahead of their first call. The list it compiles is
/// checked against the methods the source marks, and preparing them completes without error.
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
    public async Task Preparing_them_completes_without_error()
    {
        var task = HotPaths.PrepareInBackground(typeof(CsvRecordReader), typeof(TransactionCsvParser), typeof(FastParse));
        await task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(task.IsCompletedSuccessfully);
    }
}
