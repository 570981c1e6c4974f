using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Loading;

/// <summary>
/// One purchase line on its way into <c>Integration.Purchase_Staging</c> (same columns, same order): an accepted line, or,
/// with <see cref="IsRejected"/>, the placeholder of a rejected line whose invoice number could be read (its reason is in the
/// reject table). Placeholders hold the line's place in its invoice: the migration numbers an invoice's lines over both.
/// </summary>
public sealed class PurchaseStagingRow
{
    /// <summary>File name of the source.</summary>
    public string SourceName { get; set; } = string.Empty;

    /// <summary>Physical line of the record in the source (header = 1).</summary>
    public long SourceLineNumber { get; set; }

    /// <summary>Invoice number; a leading C marks a cancellation.</summary>
    public string InvoiceNo { get; set; } = string.Empty;

    /// <summary>Product code.</summary>
    public string StockCode { get; set; } = string.Empty;

    /// <summary>Product description as given, or null.</summary>
    public string? Description { get; set; }

    /// <summary>Units; negative on cancellations.</summary>
    public int Quantity { get; set; }

    /// <summary>Invoice date and time (source local time).</summary>
    public DateTime InvoiceDateTime { get; set; }

    /// <summary>Price per unit.</summary>
    public decimal UnitPrice { get; set; }

    /// <summary>Customer id of the source.</summary>
    public string CrmCustomerId { get; set; } = string.Empty;

    /// <summary>Country of the sale, or null.</summary>
    public string? Country { get; set; }

    /// <summary>ISO 4217 currency code.</summary>
    public string CurrencyCode { get; set; } = "GBP";

    /// <summary>True for cancellation lines.</summary>
    public bool IsCancellation { get; set; }

    /// <summary>The load.</summary>
    public int LineageKey { get; set; }

    /// <summary>
    /// True for the placeholder of a rejected line: only <see cref="SourceLineNumber"/>, <see cref="InvoiceNo"/> and
    /// <see cref="IsCancellation"/> are the line's; the other values are placeholders (empty codes, zero numbers).
    /// </summary>
    public bool IsRejected { get; set; }
}

/// <summary>
/// Appender map of <see cref="PurchaseStagingRow"/>: the column order of <c>Integration.Purchase_Staging</c> (DuckDB stages
/// purchases dictionary-coded instead, see <see cref="PurchaseMigration.Stage(DuckDbLoadSession, IEnumerable{PurchaseStagingRow})"/>).
/// </summary>
public sealed class PurchaseStagingRowMap : StagingMap<PurchaseStagingRow>
{
    /// <summary>Declares the columns in table order; the appender checks the types against the table.</summary>
    public PurchaseStagingRowMap()
    {
        Map(r => r.SourceName);
        Map(r => r.SourceLineNumber);
        Map(r => r.InvoiceNo);
        Map(r => r.StockCode);
        Map(r => r.Description);
        Map(r => r.Quantity);
        Map(r => r.InvoiceDateTime);
        Map(r => r.UnitPrice);
        Map(r => r.CrmCustomerId);
        Map(r => r.Country);
        Map(r => r.CurrencyCode);
        Map(r => r.IsCancellation);
        Map(r => r.LineageKey);
        Map(r => r.IsRejected);
    }
}
