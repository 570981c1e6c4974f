using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Loading;

/// <summary>One cleaned CRM customer on its way into <c>Integration.Customer_Staging</c> (same columns, same order).</summary>
public sealed class CustomerStagingRow
{
    /// <summary>File name of the source.</summary>
    public string SourceName { get; set; } = string.Empty;

    /// <summary>Line of the record in the source.</summary>
    public long SourceLineNumber { get; set; }

    /// <summary>1-based ordinal of the record in the source (the row's key with the lineage: several records can share a line).</summary>
    public long SourceRecordNumber { get; set; }

    /// <summary>CRM id (business key).</summary>
    public string CrmCustomerId { get; set; } = string.Empty;

    /// <summary>Full name.</summary>
    public string? FullName { get; set; }

    /// <summary>Normalised e-mail.</summary>
    public string? Email { get; set; }

    /// <summary>E.164 phone.</summary>
    public string? Phone { get; set; }

    /// <summary>Date of birth.</summary>
    public DateOnly? BirthDate { get; set; }

    /// <summary>female, male, other, unknown.</summary>
    public string? Gender { get; set; }

    /// <summary>City.</summary>
    public string? City { get; set; }

    /// <summary>Country.</summary>
    public string? Country { get; set; }

    /// <summary>Registration date.</summary>
    public DateOnly? SignupDate { get; set; }

    /// <summary>Marketing consent.</summary>
    public bool? ConsentMarketing { get; set; }

    /// <summary>Profiling consent.</summary>
    public bool? ConsentProfiling { get; set; }

    /// <summary>Last update in the source (UTC).</summary>
    public DateTime? SourceUpdatedAt { get; set; }

    /// <summary>The load.</summary>
    public int LineageKey { get; set; }
}

/// <summary>Appender map of <see cref="CustomerStagingRow"/>.</summary>
public sealed class CustomerStagingRowMap : StagingMap<CustomerStagingRow>
{
    /// <summary>Declares the columns in table order.</summary>
    public CustomerStagingRowMap()
    {
        Map(r => r.SourceName);
        Map(r => r.SourceLineNumber);
        Map(r => r.SourceRecordNumber);
        Map(r => r.CrmCustomerId);
        Map(r => r.FullName);
        Map(r => r.Email);
        Map(r => r.Phone);
        Map(r => r.BirthDate);
        Map(r => r.Gender);
        Map(r => r.City);
        Map(r => r.Country);
        Map(r => r.SignupDate);
        Map(r => r.ConsentMarketing);
        Map(r => r.ConsentProfiling);
        Map(r => r.SourceUpdatedAt);
        Map(r => r.LineageKey);
    }
}
