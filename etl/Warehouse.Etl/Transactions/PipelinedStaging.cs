using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Warehouse.Data.Loading;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// Parses on a background thread while the caller's thread appends to DuckDB: the two halves of a load overlap on
/// two cores. Rows travel in batches of recycled objects through a bounded channel, so memory stays flat; rejects
/// travel with their batch and are handed to the caller's thread in file order. An exception of the parser (a
/// malformed file) is rethrown on the caller's thread as it was thrown.
/// </summary>
internal static class PipelinedStaging
{
    private const int BatchSize = 8192;
    private const int BatchesInFlight = 4;

    /// <summary>A parsed reject waiting for the caller's thread.</summary>
    internal readonly record struct PendingReject(long Line, string? Column, string Reason, string Raw);

    private sealed class Batch
    {
        public readonly PurchaseStagingRow[] Rows = Enumerable.Range(0, BatchSize).Select(_ => new PurchaseStagingRow()).ToArray();
        public readonly List<PendingReject> Rejects = [];
        public int Count;
    }

    /// <summary>Yields the parsed rows on the caller's thread; <paramref name="reject"/> is called on the caller's thread too.</summary>
    public static IEnumerable<PurchaseStagingRow> Rows(Func<Action<long, string?, string, string>, IEnumerable<PurchaseStagingRow>> parse,
        Action<long, string?, string, string> reject)
    {
        var full = Channel.CreateBounded<Batch>(new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true });
        var empty = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < BatchesInFlight + 2; i++)
        {
            empty.Writer.TryWrite(new Batch());
        }

        using var cancel = new CancellationTokenSource();
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                var batch = Take(empty, cancel.Token);
                foreach (var row in parse((line, column, reason, raw) => batch.Rejects.Add(new PendingReject(line, column, reason, raw))))
                {
                    Copy(row, batch.Rows[batch.Count++]);
                    if (batch.Count == BatchSize)
                    {
                        Put(full, batch, cancel.Token);
                        batch = Take(empty, cancel.Token);
                    }
                }

                Put(full, batch, cancel.Token);
                full.Writer.Complete();
            }
            catch (Exception e)
            {
                full.Writer.TryComplete(e);
            }
        }, cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            while (true)
            {
                Batch batch;
                try
                {
                    if (!full.Reader.WaitToReadAsync(cancel.Token).AsTask().GetAwaiter().GetResult())
                    {
                        break;
                    }

                    if (!full.Reader.TryRead(out batch!))
                    {
                        continue;
                    }
                }
                catch (ChannelClosedException e) when (e.InnerException is not null)
                {
                    ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;
                }

                // Rejects of a batch precede its last row in the file; appending them first keeps the reject table in file order.
                foreach (var r in batch.Rejects)
                {
                    reject(r.Line, r.Column, r.Reason, r.Raw);
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    yield return batch.Rows[i];
                }

                batch.Count = 0;
                batch.Rejects.Clear();
                empty.Writer.TryWrite(batch);
            }
        }
        finally
        {
            cancel.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
                // The producer ends by cancellation when the consumer stops early; its own errors were rethrown above.
            }
        }
    }

    private static Batch Take(Channel<Batch> channel, CancellationToken token) => channel.Reader.ReadAsync(token).AsTask().GetAwaiter().GetResult();

    private static void Put(Channel<Batch> channel, Batch batch, CancellationToken token) => channel.Writer.WriteAsync(batch, token).AsTask().GetAwaiter().GetResult();

    private static void Copy(PurchaseStagingRow from, PurchaseStagingRow to)
    {
        to.SourceName = from.SourceName;
        to.SourceLineNumber = from.SourceLineNumber;
        to.InvoiceNo = from.InvoiceNo;
        to.StockCode = from.StockCode;
        to.Description = from.Description;
        to.Quantity = from.Quantity;
        to.InvoiceDateTime = from.InvoiceDateTime;
        to.UnitPrice = from.UnitPrice;
        to.CrmCustomerId = from.CrmCustomerId;
        to.Country = from.Country;
        to.CurrencyCode = from.CurrencyCode;
        to.IsCancellation = from.IsCancellation;
        to.LineageKey = from.LineageKey;
        to.IsRejected = from.IsRejected;
    }
}
