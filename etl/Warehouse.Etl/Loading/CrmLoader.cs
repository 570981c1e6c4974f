using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Loading;

/// <summary>
/// <c>load crm</c>: CRM customers (CSV, or JSON when the file ends in .json/.jsonl) read and cleaned by
/// <see cref="CrmCustomerReader"/>, staged, then resolved into <c>Dimension.Customer</c> with type 2 history
/// (<see cref="CustomerMigration"/>), all in one atomic load.
/// </summary>
public static class CrmLoader
{
    /// <summary>Source system name in lineage and cutoff.</summary>
    public const string SourceSystem = "crm";

    /// <summary>Loads one CRM file.</summary>
    /// <exception cref="SourceFormatException">The file cannot be read as a whole; nothing was loaded.</exception>
    public static LoadResult Load(DuckDbWarehouse warehouse, string path, CleaningOptions? options = null, Action<string>? checkpoint = null,
        Warehouse.Etl.Identity.IdentityResolverOptions? identity = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var (clock, sourceName, hash, found) = SourceFile.Prepare(warehouse, path, "CRM", SourceSystem, "Dimension.Customer");
        if (found is { } done)
        {
            return new LoadResult(SourceSystem, sourceName, done, true, 0, 0, 0, "already loaded", clock.Elapsed);
        }

        using var session = DuckDbLoadSession.Begin(warehouse, SourceSystem, sourceName, hash, "Dimension.Customer", checkpoint);
        var rejects = session.OpenRejects("RejectedCustomer");
        long read = 0, accepted = 0;
        using (var stream = SourceFile.Open(path))
        {
            var json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
            var items = json ? CrmCustomerReader.ReadJson(stream, sourceName, options) : CrmCustomerReader.ReadCsv(stream, sourceName, options);
            var row = new CustomerStagingRow { SourceName = sourceName, LineageKey = session.LineageKey };
            session.Append<CustomerStagingRow, CustomerStagingRowMap>("Integration", "Customer_Staging", Rows());

            IEnumerable<CustomerStagingRow> Rows()
            {
                foreach (var item in items)
                {
                    read++;
                    if (item.Reject is { } reject)
                    {
                        rejects.Add(reject.LineNumber, reject.ColumnName, reject.Reason, reject.RawRecord);
                        continue;
                    }

                    var c = item.Record!;
                    accepted++;
                    row.SourceLineNumber = item.LineNumber;
                    row.CrmCustomerId = c.CrmCustomerId;
                    row.FullName = c.FullName;
                    row.Email = c.Email;
                    row.Phone = c.Phone;
                    row.BirthDate = c.BirthDate;
                    row.Gender = c.Gender;
                    row.City = c.City;
                    row.Country = c.Country;
                    row.SignupDate = c.SignupDate;
                    row.ConsentMarketing = c.ConsentMarketing;
                    row.ConsentProfiling = c.ConsentProfiling;
                    row.SourceUpdatedAt = c.SourceUpdatedAt;
                    yield return row;
                }
            }
        }

        rejects.Flush();
        session.Checkpoint("staged");
        var migration = CustomerMigration.Run(session, SourceSystem, IdentityMatching.Create(identity));
        session.Complete(read, accepted, rejects.Count, migration.LastUpdate, SourceSystem);
        return new LoadResult(SourceSystem, sourceName, session.LineageKey, false, read, accepted, rejects.Count,
            $"{migration.NewCustomers:N0} new customers, {migration.NewVersions:N0} new versions (changed attributes), {migration.Unchanged:N0} unchanged, {migration.SkippedByCutoff:N0} not newer than the cutoff",
            clock.Elapsed);
    }
}
