namespace Warehouse.Data.Loading;

/// <summary>
/// Set-based upkeep of the shared dimensions inside a load session: Unknown members (key 0) and the calendar.
/// </summary>
public static class DimensionMaintenance
{
    /// <summary>Inserts the Unknown member (key 0) of every dimension, once.</summary>
    public static void EnsureUnknownMembers(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Execute("""
            INSERT INTO "Dimension"."Geography" ("GeographyKey", "Country", "City", "LineageKey")
            SELECT 0, 'Unknown', '', @LineageKey WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Geography" WHERE "GeographyKey" = 0)
            """, new { session.LineageKey });
        session.Execute("""
            INSERT INTO "Dimension"."Product" ("ProductKey", "StockCode", "Description", "LineageKey")
            SELECT 0, '', 'Unknown', @LineageKey WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Product" WHERE "ProductKey" = 0)
            """, new { session.LineageKey });
        session.Execute("""
            INSERT INTO "Dimension"."Channel" ("ChannelKey", "ChannelCode", "ChannelName")
            SELECT 0, 'unknown', 'Unknown' WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Channel" WHERE "ChannelKey" = 0)
            """);
        session.Execute("""
            INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "FullName", "GeographyKey", "LineageKey")
            SELECT 0, TIMESTAMP '1900-01-01', TIMESTAMP '9999-12-31', 'Unknown', 0, @LineageKey
            WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Customer" WHERE "CustomerKey" = 0)
            """, new { session.LineageKey });
        // The Unknown date lies outside any real date (0001-01-01) so joins on a real date never meet it.
        session.Execute("""
            INSERT INTO "Dimension"."Date" ("DateKey", "Date", "DayNumber", "Year", "Quarter", "Month", "MonthName", "DayOfMonth", "DayOfWeek", "DayName", "IsoWeek", "IsWeekend")
            SELECT 0, DATE '0001-01-01', CAST(datediff('day', DATE '1900-01-01', DATE '0001-01-01') AS INTEGER), 1, 1, 1, 'Unknown', 1, 1, 'Unknown', 1, false
            WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Date" WHERE "DateKey" = 0)
            """);
    }

    /// <summary>Adds every missing calendar day from <paramref name="first"/> to <paramref name="last"/> (inclusive).</summary>
    public static void EnsureDates(DuckDbLoadSession session, DateOnly first, DateOnly last)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (last < first)
        {
            return;
        }

        session.Execute("""
            INSERT INTO "Dimension"."Date" ("DateKey", "Date", "DayNumber", "Year", "Quarter", "Month", "MonthName", "DayOfMonth", "DayOfWeek", "DayName", "IsoWeek", "IsWeekend")
            SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER), d, CAST(datediff('day', DATE '1900-01-01', d) AS INTEGER),
                   CAST(year(d) AS SMALLINT), CAST(quarter(d) AS UTINYINT), CAST(month(d) AS UTINYINT), monthname(d),
                   CAST(day(d) AS UTINYINT), CAST(isodow(d) AS UTINYINT), dayname(d), CAST(week(d) AS UTINYINT), isodow(d) >= 6
            FROM (SELECT CAST(g.generate_series AS DATE) AS d
                  FROM generate_series(CAST(@first AS TIMESTAMP), CAST(@last AS TIMESTAMP), INTERVAL 1 DAY) AS g) AS days
            WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Date" AS x WHERE x."Date" = days.d)
            """, new { first = first.ToDateTime(TimeOnly.MinValue), last = last.ToDateTime(TimeOnly.MinValue) });
    }

    /// <summary>
    /// Adds countries (city '') that are not in Dimension.Geography yet, from a query returning a column Country; keys are
    /// handed out in name order, so the same countries always get the same keys (the query's row order is not stable).
    /// </summary>
    /// <param name="session">The load.</param>
    /// <param name="countriesQuery">SELECT returning distinct non-null country names in a column named Country.</param>
    public static void EnsureCountries(DuckDbLoadSession session, string countriesQuery)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Execute($"""
            INSERT INTO "Dimension"."Geography" ("Country", "City", "LineageKey")
            SELECT src."Country", '', @LineageKey
            FROM ({countriesQuery}) AS src
            WHERE src."Country" IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM "Dimension"."Geography" AS g WHERE g."Country" = src."Country" AND g."City" = '')
            ORDER BY src."Country"
            """, new { session.LineageKey });
    }
}
