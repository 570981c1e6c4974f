namespace Warehouse.Data.Loading;

/// <summary>
/// How the host resolved one staged CRM row on SQL Server, on its way into <c>Integration.CustomerMatch_Staging</c>:
/// <c>Integration.MigrateStagedCustomerData</c> applies these keys instead of resolving identities itself, so both
/// engines give the same input the same customers.
/// </summary>
public sealed class CustomerMatchStagingRow
{
    /// <summary>The load.</summary>
    public int LineageKey { get; set; }

    /// <summary>Line of the staged row resolved (the latest row of its CRM id newer than the cutoff).</summary>
    public long SourceLineNumber { get; set; }

    /// <summary>1-based ordinal of the record in the source (the row's key with the lineage: several records can share a line).</summary>
    public long SourceRecordNumber { get; set; }

    /// <summary>CRM id of the row.</summary>
    public string CrmCustomerId { get; set; } = string.Empty;

    /// <summary>The known customer the row is, or null for a new customer.</summary>
    public int? CustomerKey { get; set; }

    /// <summary>Rule that linked the row: crm-id, email, phone, fuzzy-name-city.</summary>
    public string MatchRule { get; set; } = "crm-id";

    /// <summary>For a new customer: 0, 1, … in key order (rows sharing an ordinal are one person); null for a known customer.</summary>
    public int? NewCustomerOrdinal { get; set; }

    /// <summary>For a new customer: the row whose attributes the customer takes.</summary>
    public bool IsPrimary { get; set; }
}
