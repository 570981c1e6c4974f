using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;

namespace Warehouse.Data.Tests.SqlServer;

/// <summary>
/// Regression (audit of issue 6, defect 2: U+0000 cut text on the DuckDB path). On SQL Server staged rows reach SqlBulkCopy
/// through <see cref="ObjectDataReader{T}"/>, which hands each string over as the same .NET string; TDS sends NVARCHAR with
/// its length, so nothing stops at a NUL. No SQL Server runs here: this checks the host's half, that the reader changes no
/// character (the reject spool's half is in <see cref="RejectSpoolTests"/>).
/// </summary>
public sealed class BulkCopyTextTests
{
    [Fact]
    public void Staged_text_reaches_the_bulk_copy_reader_exactly_as_given()
    {
        const string Odd = "\u0000Z\u0000A\u0001\u001f\u007f\u0085\u2028\u0000";
        var row = new CustomerStagingRow { SourceName = "crm.json", SourceLineNumber = 1, CrmCustomerId = Odd, FullName = "nul\u0000byte", City = Odd, LineageKey = 7 };
        using var reader = new ObjectDataReader<CustomerStagingRow>([row]);

        Assert.True(reader.Read());
        Assert.Equal(Odd, reader.GetString(reader.GetOrdinal(nameof(CustomerStagingRow.CrmCustomerId))));
        Assert.Equal("nul\u0000byte", reader.GetString(reader.GetOrdinal(nameof(CustomerStagingRow.FullName))));
        Assert.Equal(Odd, reader.GetValue(reader.GetOrdinal(nameof(CustomerStagingRow.City))));
        Assert.False(reader.Read());
    }
}
