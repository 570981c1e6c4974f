using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Support;

/// <summary>The SQL Server path's host half, run on a DuckDB warehouse (it reads only what the loader role may read).</summary>
internal static class CrmHostHalf
{
    /// <summary>
    /// Reads a CRM file (CSV, or JSON when the name ends in .json; every record must be accepted), resolves its rows as
    /// <see cref="CrmResolution"/> does before Integration.MigrateStagedCustomerData runs, and returns the rows it would stage
    /// into Integration.CustomerMatch_Staging (copied out before the resolution's scratch database is disposed).
    /// </summary>
    public static List<CustomerMatchStagingRow> Resolve(DuckDbWarehouse warehouse, string path)
    {
        using var resolution = CrmResolution.Begin(warehouse, CrmLoader.SourceSystem);
        using (var stream = File.OpenRead(path))
        {
            var row = new CustomerStagingRow();
            var items = path.EndsWith(".json", StringComparison.Ordinal)
                ? CrmCustomerReader.ReadJson(stream, Path.GetFileName(path))
                : CrmCustomerReader.ReadCsv(stream, Path.GetFileName(path));
            foreach (var item in items)
            {
                Assert.False(item.IsRejected, item.Reject?.ToString());
                CrmLoader.Fill(row, item.LineNumber, item.RecordNumber, item.Record!);
                resolution.Observe(row);
            }
        }

        return resolution.Resolve(warehouse, 0, IdentityMatching.Create()).ToList();
    }
}
