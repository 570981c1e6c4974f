using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Base of the web and social loader tests: a temporary folder for source files (<see cref="TempFolderTests"/>) and an
/// in-memory warehouse with two CRM customers, C1 Anna Smith (anna.smith@example.com, London) and C2 Bob Jones
/// (bob@example.com, Leeds).
/// </summary>
public abstract class CustomerSeededTests : TempFolderTests
{
    private const string Crm = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n" +
        "C1,Anna Smith,anna.smith@example.com,,,,London,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "C2,Bob Jones,bob@example.com,,,,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n";

    /// <summary>A new in-memory warehouse with C1 and C2 loaded.</summary>
    protected DuckDbWarehouse WithCustomers()
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm.csv", Crm));
        return warehouse;
    }
}
