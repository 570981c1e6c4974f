using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Audit (issue 6): a day-first file loaded without a culture has its dates rejected, the reason saying "day-first dates
/// need a culture such as en-GB"; loading the same file again with <c>--culture en-GB</c> answered "this content was already
/// loaded; nothing changed", so those rows could never be loaded from the file. The options a file is read with are now
/// part of the load's identity for CRM, transactions and social files (SourceFile.LoadHash); the same file with the same
/// options is still skipped, and a load with the default options keeps the content's own SHA-256 as its SourceHash.
/// </summary>
public sealed class ReloadWithOtherOptionsTests : TempFolderTests
{
    private const string CrmHeader = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    [Fact]
    public void A_crm_file_rejected_for_its_day_first_dates_loads_with_the_culture_the_reject_names()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        // 25/12/1980 has no month 25: rejected with the invariant culture, 25 December 1980 in en-GB.
        var path = Write("crm.csv", CrmHeader + "G1,Gina One,gina@example.com,,25/12/1980,F,York,United Kingdom,2021-01-15,yes,no,2024-06-01 09:30:00\n");

        var invariant = CrmLoader.Load(warehouse, path);
        Assert.Equal((false, 1L, 0L, 1L), (invariant.Skipped, invariant.RowsRead, invariant.RowsLoaded, invariant.RowsRejected));
        Assert.Contains("en-GB", warehouse.Connection.QuerySingle<string>("SELECT \"Reason\" FROM \"Integration\".\"RejectedCustomer\""), StringComparison.Ordinal);

        var gb = new CleaningOptions { Culture = CultureInfo.GetCultureInfo("en-GB") };
        var british = CrmLoader.Load(warehouse, path, gb);
        // Before the fix: Skipped = true, 0 read, and no customer G1.
        Assert.Equal((false, 1L, 1L, 0L), (british.Skipped, british.RowsRead, british.RowsLoaded, british.RowsRejected));
        Assert.Equal(new DateTime(1980, 12, 25), warehouse.Connection.QuerySingle<DateTime>(
            "SELECT CAST(\"BirthDate\" AS TIMESTAMP) FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'G1'"));

        // The same file read the same way again changes nothing; so does the first reading again.
        Assert.True(CrmLoader.Load(warehouse, path, new CleaningOptions { Culture = CultureInfo.GetCultureInfo("en-GB") }).Skipped);
        Assert.True(CrmLoader.Load(warehouse, path).Skipped);
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'G1'"));
    }

    [Fact]
    public void A_transactions_file_rejected_for_its_dates_loads_with_a_culture_in_the_mapping()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        // 13/05/2024 is not ISO: rejected without a culture; 13 May 2024 with en-GB (its short date, 24-hour time).
        var path = Write("tx.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "700001,A1,ITEM A,2,13/05/2024 10:00,1.50,C1,United Kingdom\n");

        var first = TransactionLoader.Load(warehouse, path);
        Assert.Equal((false, 1L, 0L, 1L), (first.Skipped, first.RowsRead, first.RowsLoaded, first.RowsRejected));

        var second = TransactionLoader.Load(warehouse, path, new TransactionMapping { Culture = "en-GB" });
        Assert.Equal((false, 1L, 1L, 0L), (second.Skipped, second.RowsRead, second.RowsLoaded, second.RowsRejected));
        Assert.Equal(new DateTime(2024, 5, 13, 10, 0, 0), warehouse.Connection.QuerySingle<DateTime>("SELECT \"InvoiceDateTime\" FROM \"Fact\".\"Purchase\""));

        Assert.True(TransactionLoader.Load(warehouse, path, new TransactionMapping { Culture = "en-GB" }).Skipped);
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
    }

    [Fact]
    public void A_transactions_file_rejected_for_its_old_dates_loads_with_an_earlier_plausible_window()
    {
        // TransactionLoader.Load's window (API only) was not part of the reading: the file below, its 1985 invoice rejected by
        // the default window (before 1990-01-01), was skipped as already loaded when loaded again with a 1970 window.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("old.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "500001,A1,ITEM A,2,1985-03-01 10:00,1.50,C1,United Kingdom\n");
        var first = TransactionLoader.Load(warehouse, path);
        Assert.Equal((false, 1L, 0L, 1L), (first.Skipped, first.RowsRead, first.RowsLoaded, first.RowsRejected));
        var since1970 = new PlausibleTimeWindow(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.UtcNow.AddDays(1), TimeSpan.FromDays(1));

        var second = TransactionLoader.Load(warehouse, path, window: since1970);

        // Before the fix: Skipped = true, 0 read, no fact.
        Assert.Equal((false, 1L, 1L, 0L), (second.Skipped, second.RowsRead, second.RowsLoaded, second.RowsRejected));
        Assert.Equal(new DateTime(1985, 3, 1, 10, 0, 0), warehouse.Connection.QuerySingle<DateTime>("SELECT \"InvoiceDateTime\" FROM \"Fact\".\"Purchase\""));
        Assert.True(TransactionLoader.Load(warehouse, path, window: since1970 with { Latest = DateTime.UtcNow.AddDays(1) }).Skipped);
        // A default window (whatever its "now") is the default reading: the content hash, as before.
        Assert.Null(SourceFile.Reading(new TransactionMapping(), PlausibleTimeWindow.Default(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        Assert.NotNull(SourceFile.Reading(new TransactionMapping(), PlausibleTimeWindow.Default(DateTime.UtcNow) with { AfterNow = TimeSpan.FromDays(7) }));
    }

    [Fact]
    public void A_load_with_the_default_options_records_the_content_hash_as_before()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("crm.csv", CrmHeader + "C1,Anna Smith,anna@example.com,,1985-02-03,F,York,United Kingdom,2021-01-15,yes,no,2024-06-01 09:30:00\n");
        var content = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

        // Defaults given explicitly are the defaults: the warehouses loaded before options counted keep skipping their files.
        CrmLoader.Load(warehouse, path, new CleaningOptions { Culture = CultureInfo.InvariantCulture, TimeZone = TimeZoneInfo.Utc, PhoneRegion = "GB" });

        Assert.Equal(content, warehouse.Connection.QuerySingle<string>("SELECT \"SourceHash\" FROM \"Integration\".\"Lineage\" WHERE \"SourceSystem\" = 'crm'"));
        Assert.True(CrmLoader.Load(warehouse, path).Skipped);
        Assert.Null(SourceFile.Reading(new TransactionMapping()));
        Assert.NotNull(SourceFile.Reading(new TransactionMapping { Currency = "EUR" }));
    }

    [Fact]
    public void A_transactions_file_loaded_with_a_mapping_before_InvoiceUpdates_existed_is_still_skipped()
    {
        // Review of 9961751: the reading (the mapping's JSON) gained "InvoiceUpdates":"replace", so every file loaded before
        // with a non-default mapping got another SourceHash and was read again, in a new lineage, after the upgrade.
        // Pinned: SourceFile.Reading(new TransactionMapping { Currency = "EUR" }) as b988b8e (before 9961751) wrote it, printed
        // by that commit's TransactionMapping.cs and Describe compiled alone: the properties in declaration order, the
        // default encoder's \u0027 for the quotes of 'T', then the unit separator and date-formats-given.
        const string before = "{\"InvoiceNo\":\"InvoiceNo\",\"StockCode\":\"StockCode\",\"Description\":\"Description\",\"Quantity\":\"Quantity\"," +
            "\"InvoiceDate\":\"InvoiceDate\",\"UnitPrice\":\"UnitPrice\",\"CustomerId\":\"CustomerID\",\"Country\":\"Country\",\"CurrencyColumn\":null," +
            "\"Currency\":\"EUR\",\"DateFormats\":[\"yyyy-MM-dd HH:mm:ss\",\"yyyy-MM-dd HH:mm\",\"yyyy-MM-dd\\u0027T\\u0027HH:mm:ss\",\"yyyy-MM-dd\"]," +
            "\"Culture\":\"\",\"Delimiter\":\",\",\"Duplicates\":\"reject\"}\u001fdate-formats-given=False";
        Assert.Equal(before, SourceFile.Reading(new TransactionMapping { Currency = "EUR" }));
        // The default written out (any case) and a default window (7b1a4df) are the same reading; append is another.
        Assert.Equal(before, SourceFile.Reading(new TransactionMapping { Currency = "EUR", InvoiceUpdates = "Replace" },
            PlausibleTimeWindow.Default(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        Assert.Null(SourceFile.Reading(new TransactionMapping { InvoiceUpdates = "replace" }));
        Assert.Equal(before[..^"}\u001fdate-formats-given=False".Length] + ",\"InvoiceUpdates\":\"append\"}\u001fdate-formats-given=False",
            SourceFile.Reading(new TransactionMapping { Currency = "EUR", InvoiceUpdates = "append" }));

        // A warehouse loaded by b988b8e holds SHA-256(content SHA-256 + "\n" + before) for the file (SourceFile.LoadHash, unchanged
        // since): the load records that hash again, and a second load of the file is skipped.
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("eur.csv", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "800001,A1,ITEM A,2,2024-05-13 10:00,1.50,C1,France\n");
        var content = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        var earlier = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content + "\n" + before)));
        var first = TransactionLoader.Load(warehouse, path, new TransactionMapping { Currency = "EUR" });
        // Before the fix: another hash (SHA-256 of content + "\n" + the JSON with "InvoiceUpdates":"replace").
        Assert.Equal(earlier, warehouse.Connection.QuerySingle<string>(
            "SELECT \"SourceHash\" FROM \"Integration\".\"Lineage\" WHERE \"LineageKey\" = $LineageKey", new { first.LineageKey }));
        // The lineage as b988b8e wrote it (no change now; before the fix, the upgrade's situation): the next load is skipped.
        warehouse.Connection.Execute("UPDATE \"Integration\".\"Lineage\" SET \"SourceHash\" = $earlier WHERE \"LineageKey\" = $LineageKey", new { earlier, first.LineageKey });

        var second = TransactionLoader.Load(warehouse, path, new TransactionMapping { Currency = "EUR", InvoiceUpdates = "replace" });

        // Before the fix: not skipped, the line read again in a second lineage.
        Assert.Equal((true, first.LineageKey, 0L), (second.Skipped, second.LineageKey, second.RowsRead));
        Assert.Equal(1, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"Lineage\" WHERE \"SourceSystem\" = 'transactions'"));
    }

    [Fact]
    public void Another_plausible_time_window_is_another_reading()
    {
        // A file whose 1985 update times were rejected as before 1990 reads again with an earlier window (and not with the
        // default one, whatever the day: Today is not part of the reading).
        Assert.Null(SourceFile.Reading(new CleaningOptions()));
        Assert.Null(SourceFile.Reading(new CleaningOptions { Today = new DateOnly(2001, 1, 1) }));
        Assert.NotNull(SourceFile.Reading(new CleaningOptions { EarliestPlausibleTime = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc) }));
        Assert.NotNull(SourceFile.Reading(new CleaningOptions { LatestPlausibleAfterNow = TimeSpan.FromDays(7) }));
    }
}
