using System.Diagnostics;
using Warehouse.Data;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Segmenting;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Demo;

/// <summary>
/// The demo end to end: generate the sample files, load them through staging into the star schema, segment.
/// Loads are idempotent (a file already loaded is skipped by content hash), so a second demo on the same warehouse
/// leaves the data as it was and records a new model run. The same steps run on either engine (on SQL Server the
/// segmentation is the configuration's row run in the database, see <see cref="EngineSegmentation"/>).
/// </summary>
public static class DemoRunner
{
    /// <summary>What the demo did.</summary>
    /// <param name="Dataset">The generated sample and its truth.</param>
    /// <param name="Transactions">The transactions load.</param>
    /// <param name="Segmentation">The segmentation run.</param>
    /// <param name="Elapsed">Wall time of the whole demo.</param>
    /// <param name="Customers">The CRM load.</param>
    /// <param name="Web">The web events load.</param>
    /// <param name="Social">The social comments load.</param>
    /// <param name="Demographics">The survey answers load.</param>
    public sealed record Result(DemoDataset Dataset, TransactionLoader.Result Transactions, SegmentationResult Segmentation, TimeSpan Elapsed, LoadResult Customers,
        LoadResult Web, LoadResult Social, LoadResult Demographics);

    /// <summary>Runs the demo.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="demo">Sample size, seed and folder.</param>
    /// <param name="segmentation">Segmentation parameters.</param>
    /// <param name="step">Runs one named step (progress display); null runs the steps directly.</param>
    public static Result Run(IWarehouse warehouse, DemoOptions demo, SegmentationOptions segmentation, Action<string, Action>? step = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(demo);
        ArgumentNullException.ThrowIfNull(segmentation);
        step ??= (_, body) => body();
        var clock = Stopwatch.StartNew();
        _ = TransactionLoader.Prewarm(); // done long before the transactions load (see there)
        DemoDataset? dataset = null;
        TransactionLoader.Result? transactions = null;
        LoadResult? customers = null, web = null, social = null, demographics = null;
        SegmentationResult? run = null;
        step($"Generating {demo.Customers:N0} customers and about {demo.Lines:N0} purchase lines (seed {demo.Seed})", () => dataset = new DemoGenerator(demo).Generate());
        step("Loading CRM customers (identity resolution, type 2 history)", () => customers = CrmLoader.Load(warehouse, dataset!.Files.Customers));
        step("Loading demographics (survey answers)", () => demographics = DemographicsLoader.Load(warehouse, dataset!.Files.Demographics));
        step("Loading transactions (staging → star schema)", () => transactions = TransactionLoader.Load(warehouse, dataset!.Files.Transactions, TransactionMapping.Load(dataset!.Files.TransactionMapping)));
        step("Loading web events (sessions)", () => web = InteractionLoaders.LoadWeb(warehouse, dataset!.Files.WebEvents));
        step("Loading social comments (sentiment, keywords)", () => social = InteractionLoaders.LoadSocial(warehouse, dataset!.Files.SocialComments));
        step("Building features and clustering (k-means++)", () => run = EngineSegmentation.Run(warehouse, segmentation));
        return new Result(dataset!, transactions!, run!, clock.Elapsed, customers!, web!, social!, demographics!);
    }
}
