namespace Warehouse.Data.Loading;

/// <summary>
/// The statements the host sends to resolve a CRM load's identities itself (on SQL Server, before
/// <c>Integration.MigrateStagedCustomerData</c>): written in the SQL both engines accept, parameters with <c>@</c>
/// (rewritten for DuckDB by <see cref="IWarehouse.Sql"/>), reading only what the loader role may read.
/// </summary>
public static class CustomerIdentitySql
{
    /// <summary>The source system's cutoff (the latest update time loaded; recorded, it no longer filters rows). Parameter: @SourceSystem.</summary>
    public const string Cutoff = "SELECT MAX(CutoffTime) FROM Integration.EtlCutoff WHERE SourceSystem = @SourceSystem";

    /// <summary>
    /// The known identities: current customers, once per CRM id, with the attributes the identity rules compare and the
    /// current version's <c>SourceUpdatedAt</c> (a row of a known id applies only when newer than it).
    /// </summary>
    public const string Identities = "SELECT CustomerKey, CrmCustomerId, Email, Phone, FullName, City, BirthDate, SourceUpdatedAt FROM Integration.CustomerIdentity";
}
