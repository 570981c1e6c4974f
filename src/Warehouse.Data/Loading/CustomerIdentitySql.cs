namespace Warehouse.Data.Loading;

/// <summary>
/// The statements the host sends to resolve a CRM load's identities itself (on SQL Server, before
/// <c>Integration.MigrateStagedCustomerData</c>): written in the SQL both engines accept, parameters with <c>@</c>
/// (rewritten for DuckDB by <see cref="IWarehouse.Sql"/>), reading only what the loader role may read.
/// </summary>
public static class CustomerIdentitySql
{
    /// <summary>The source system's cutoff: rows not updated after it were applied before. Parameter: @SourceSystem.</summary>
    public const string Cutoff = "SELECT MAX(CutoffTime) FROM Integration.EtlCutoff WHERE SourceSystem = @SourceSystem";

    /// <summary>The known identities: current customers with the attributes the identity rules compare.</summary>
    public const string Identities = "SELECT CustomerKey, CrmCustomerId, Email, Phone, FullName, City, BirthDate FROM Integration.CustomerIdentity";
}
