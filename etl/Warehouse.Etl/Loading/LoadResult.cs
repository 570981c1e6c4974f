namespace Warehouse.Etl.Loading;

/// <summary>What one source load did.</summary>
/// <param name="SourceSystem">crm, web, social, transactions.</param>
/// <param name="SourceName">File name.</param>
/// <param name="LineageKey">The load (or the earlier load of the same content when skipped).</param>
/// <param name="Skipped">True when the same content had been loaded before; nothing changed.</param>
/// <param name="RowsRead">Source rows read (web: events).</param>
/// <param name="RowsLoaded">Rows accepted.</param>
/// <param name="RowsRejected">Rows rejected, with reasons in the source's reject table.</param>
/// <param name="Detail">What changed in the star schema, in words.</param>
/// <param name="Elapsed">Time of the load.</param>
public sealed record LoadResult(string SourceSystem, string SourceName, int LineageKey, bool Skipped, long RowsRead, long RowsLoaded, long RowsRejected,
    string Detail, TimeSpan Elapsed)
{
    /// <summary>The result of a completed load.</summary>
    internal static LoadResult From(string sourceSystem, string sourceName, int lineageKey, Warehouse.Data.Loading.LoadCounts counts, TimeSpan elapsed) =>
        new(sourceSystem, sourceName, lineageKey, false, counts.RowsRead, counts.RowsLoaded, counts.RowsRejected, counts.Detail, elapsed);
}
