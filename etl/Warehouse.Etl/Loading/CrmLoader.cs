using Warehouse.Data;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Loading;

/// <summary>
/// <c>load crm</c>: CRM customers (CSV, or JSON when the file ends in .json/.jsonl) read and cleaned by
/// <see cref="CrmCustomerReader"/>, staged, then resolved into <c>Dimension.Customer</c> with type 2 history
/// (<see cref="CustomerMigration"/> in the embedded warehouse, Integration.MigrateStagedCustomerData in SQL Server),
/// all in one atomic load. Identities are resolved by the same <see cref="IdentityMatching"/> on both engines: inside
/// the DuckDB migration, or on SQL Server by the host before the procedure runs (<see cref="CrmResolution"/>), which
/// stages the keys for the procedure to apply.
/// </summary>
public static class CrmLoader
{
    /// <summary>Source system name in lineage and cutoff.</summary>
    public const string SourceSystem = "crm";

    /// <summary>Loads one CRM file.</summary>
    /// <exception cref="SourceFormatException">The file cannot be read as a whole; nothing was loaded.</exception>
    public static LoadResult Load(IWarehouse warehouse, string path, CleaningOptions? options = null, Action<string>? checkpoint = null,
        Warehouse.Etl.Identity.IdentityResolverOptions? identity = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var (clock, sourceName, hash, found) = SourceFile.Prepare(warehouse, path, "CRM", SourceSystem, StagingTarget.Customer,
            SourceFile.Reading(options, identity));
        if (found is { } done)
        {
            return new LoadResult(SourceSystem, sourceName, done, true, 0, 0, 0, "already loaded", clock.Elapsed);
        }

        using var session = SourceLoad.Begin(warehouse, StagingTarget.Customer, SourceSystem, sourceName, hash, checkpoint);
        // SQL Server: no other CRM or purchase load creates customers from before the identities are read until the
        // migration has committed (released before the session's cleanup on failure). DuckDB has one writer.
        using var identityLock = warehouse is SqlServerWarehouse server ? CrmIdentityLock.Acquire(server) : null;
        using var resolution = warehouse.Engine == WarehouseEngine.SqlServer ? CrmResolution.Begin(warehouse, SourceSystem) : null;
        long read = 0, accepted = 0;
        using (var stream = SourceFile.Open(path))
        {
            var json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
            var items = json ? CrmCustomerReader.ReadJson(stream, sourceName, options) : CrmCustomerReader.ReadCsv(stream, sourceName, options);
            var row = new CustomerStagingRow { SourceName = sourceName, LineageKey = session.LineageKey };
            session.Stage(Rows());

            IEnumerable<CustomerStagingRow> Rows()
            {
                foreach (var item in items)
                {
                    read++;
                    if (item.Reject is { } reject)
                    {
                        session.Reject(reject.LineNumber, reject.RecordNumber, reject.ColumnName, reject.Reason, reject.RawRecord);
                        continue;
                    }

                    accepted++;
                    Fill(row, item.LineNumber, item.RecordNumber, item.Record!);
                    resolution?.Observe(row);
                    yield return row;
                }
            }
        }

        if (resolution is not null)
        {
            session.Stage(resolution.Resolve(warehouse, session.LineageKey, IdentityMatching.Create(identity)));
        }

        var counts = session.Migrate(read, accepted, SourceSystem, duckDb =>
        {
            var migration = CustomerMigration.Run(duckDb, SourceSystem, IdentityMatching.Create(identity).InEngine);
            return new MigrationOutcome(migration.Duplicates, migration.LastUpdate,
                $"{migration.NewCustomers:N0} new customers, {migration.MergedIds:N0} duplicate CRM ids tied to another id's customer, {migration.NewVersions:N0} new versions (changed attributes), {migration.Unchanged:N0} unchanged, {migration.SkippedByCutoff:N0} not newer than their id's stored version, {migration.Superseded:N0} superseded by a later version in the file, {migration.Duplicates:N0} repeated versions rejected; " +
                $"{migration.Relinked.Total:N0} web sessions and social comments of earlier loads re-linked ({migration.Relinked.WebDirect:N0} sessions by their CRM id or e-mail hash, {migration.Relinked.WebStitched:N0} by visitor, {migration.Relinked.SocialDirect:N0} comments by e-mail, {migration.Relinked.SocialStitched:N0} by handle)");
        });
        return LoadResult.From(SourceSystem, sourceName, session.LineageKey, counts, clock.Elapsed);
    }

    /// <summary>Copies a cleaned CRM record into a staging row (the loader reuses one row object).</summary>
    /// <param name="row">The staging row.</param>
    /// <param name="lineNumber">Line of the record.</param>
    /// <param name="recordNumber">Record number (1-based ordinal in the file).</param>
    /// <param name="c">The record.</param>
    internal static void Fill(CustomerStagingRow row, long lineNumber, long recordNumber, CrmCustomer c)
    {
        row.SourceLineNumber = lineNumber;
        row.SourceRecordNumber = recordNumber;
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
    }
}
