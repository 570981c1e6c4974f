using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Audit defect 8: a CRM row with <c>updated_at</c> in the far future (2999-01-01) became its id's stored update time and
/// the crm cutoff, so every later genuine update of that id was skipped as "not newer". It is now rejected by the reader
/// (plausible window, see <see cref="PlausibleTimeWindow"/>), so the genuine update that follows is applied. The readers are
/// shared by both engines; this runs the DuckDB load end to end.
/// </summary>
public sealed class CrmFarFutureUpdateTests : TempFolderTests
{
    private const string Header = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    [Fact]
    public void A_far_future_update_time_is_rejected_and_a_later_genuine_update_of_the_id_is_applied()
    {
        // The loads "start" on 2026-12-03 06:00 UTC: latest plausible time 2026-12-04 06:00.
        var options = new CleaningOptions { Now = new DateTime(2026, 12, 3, 6, 0, 0, DateTimeKind.Utc), Today = new DateOnly(2026, 12, 3) };
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.Connection;
        CrmLoader.Load(warehouse, Write("crm1.csv", Header + "C1,Anna Smith,,,,,London,United Kingdom,,,,2024-01-01T00:00:00Z\n"), options);

        var future = CrmLoader.Load(warehouse, Write("crm2.csv", Header + "C1,Anna Smith,,,,,Paris,France,,,,2999-01-01T00:00:00Z\n"), options);
        Assert.Equal((1L, 0L, 1L), (future.RowsRead, future.RowsLoaded, future.RowsRejected));
        Assert.Equal(("updated_at", "2999-01-01 is after the latest plausible time 2026-12-04 06:00:00 (now + 1 day)"),
            db.QuerySingle<(string, string)>("SELECT \"ColumnName\", \"Reason\" FROM \"Integration\".\"RejectedCustomer\""));
        // The cutoff did not move to 2999 (before the fix: 2999-01-01, and C1's stored version was Paris, updated 2999).
        Assert.Equal(new DateTime(2024, 1, 1), db.ExecuteScalar<DateTime>("SELECT max(\"CutoffTime\") FROM \"Integration\".\"EtlCutoff\" WHERE \"SourceSystem\" = 'crm'"));

        var genuine = CrmLoader.Load(warehouse, Write("crm3.csv", Header + "C1,Anna Smith,,,,,Leeds,United Kingdom,,,,2024-06-01T00:00:00Z\n"), options);
        Assert.Equal((1L, 1L, 0L), (genuine.RowsRead, genuine.RowsLoaded, genuine.RowsRejected));
        // Before the fix the 2024-06-01 update was not newer than 2999-01-01 and was skipped: the current city stayed Paris.
        Assert.Equal(["London", "Leeds"], db.Query<string>("""
            SELECT g."City" FROM "Dimension"."Customer" AS c JOIN "Dimension"."Geography" AS g ON g."GeographyKey" = c."GeographyKey"
            WHERE c."CrmCustomerId" = 'C1' ORDER BY c."ValidFrom"
            """));
        Assert.Equal(new DateTime(2024, 6, 1), db.ExecuteScalar<DateTime>(
            "SELECT \"SourceUpdatedAt\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C1' AND \"ValidTo\" = TIMESTAMP '9999-12-31'"));
    }
}
