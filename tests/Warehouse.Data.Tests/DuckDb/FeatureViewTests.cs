using Dapper;
using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Tests.DuckDb;

/// <summary>
/// Segmentation.CustomerFeatureSource on a hand-built warehouse; every expected value is worked out by hand in the
/// comments. The view is T-SQL source translated for DuckDB, so this also proves the common SQL subset runs here.
/// </summary>
public sealed class FeatureViewTests
{
    [Fact]
    public void Features_match_a_hand_calculation()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.Connection;
        // Days 2011-01-01 .. 2011-01-31 (DayNumber = days since 1900-01-01: 2011-01-01 is 40542).
        db.Execute("""
            INSERT INTO "Dimension"."Date" ("DateKey", "Date", "DayNumber", "Year", "Quarter", "Month", "MonthName", "DayOfMonth", "DayOfWeek", "DayName", "IsoWeek", "IsWeekend")
            SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER), d, 40542 + i, 2011, 1, 1, 'January', i + 1, 1, 'x', 1, false
            FROM (SELECT range AS i, DATE '2011-01-01' + CAST(range AS INTEGER) AS d FROM range(31))
            """);
        db.Execute("""
            INSERT INTO "Dimension"."Date" ("DateKey", "Date", "DayNumber", "Year", "Quarter", "Month", "MonthName", "DayOfMonth", "DayOfWeek", "DayName", "IsoWeek", "IsWeekend")
            VALUES (19800115, DATE '1980-01-15', 29233, 1980, 1, 1, 'January', 15, 2, 'x', 3, false)
            """);
        db.Execute("""
            INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "CrmCustomerId", "BirthDate", "GeographyKey", "LineageKey")
            VALUES (1, TIMESTAMP '2010-01-01', '1', DATE '1980-01-15', 0, 1)
            """);
        // Customer 1: invoice A on Jan 5 (2 lines: 10 + 5), invoice B on Jan 20 (30), cancellation C1 on Jan 21 (-5).
        // Customer 2: one invoice on Jan 10 (100). The last purchase day in the warehouse is Jan 21 → as of Jan 22.
        db.Execute("""
            INSERT INTO "Fact"."Purchase" ("CustomerKey", "DateKey", "ProductKey", "GeographyKey", "InvoiceNo", "InvoiceLineNumber", "InvoiceDateTime", "Quantity", "UnitPrice", "Amount", "IsCancellation", "LineageKey") VALUES
            (1, 20110105, 0, 0, 'A', 1, TIMESTAMP '2011-01-05 10:00', 1, 10, 10, false, 1),
            (1, 20110105, 0, 0, 'A', 2, TIMESTAMP '2011-01-05 10:00', 1, 5, 5, false, 1),
            (1, 20110120, 0, 0, 'B', 1, TIMESTAMP '2011-01-20 10:00', 3, 10, 30, false, 1),
            (1, 20110121, 0, 0, 'C1', 1, TIMESTAMP '2011-01-21 10:00', -1, 5, -5, true, 1),
            (2, 20110110, 0, 0, 'D', 1, TIMESTAMP '2011-01-10 10:00', 10, 10, 100, false, 1)
            """);

        var rows = db.Query("SELECT * FROM \"Segmentation\".\"CustomerFeatureSource\" ORDER BY \"CustomerKey\"").ToList();

        Assert.Equal(2, rows.Count);
        var one = rows[0];
        Assert.Equal(20110122, (int)one.AsOfDateKey);
        Assert.Equal(2, (int)one.RecencyDays);            // Jan 22 − Jan 20 (last non-cancelled purchase)
        Assert.Equal(2, (int)one.Frequency);              // A and B; C1 is a cancellation
        Assert.Equal(40m, (decimal)one.MonetaryValue);    // 10 + 5 + 30 − 5
        Assert.Equal(22.5m, (decimal)one.AverageOrderValue); // (10 + 5 + 30) / 2
        Assert.Equal(17, (int)one.TenureDays);            // Jan 22 − Jan 5
        Assert.Equal(1.0 / 3.0, (double)one.CancellationRate, 12); // 1 of 3 invoices
        Assert.Equal(31, (int)one.Age);                   // born 1980-01-15, as of 2011-01-22: 2011 − 1980, birthday passed
        Assert.Equal(0, (int)one.WebSessions);
        var two = rows[1];
        Assert.Equal(12, (int)two.RecencyDays);           // Jan 22 − Jan 10
        Assert.Null(two.Age);                             // no customer row, no birth date
    }
}
