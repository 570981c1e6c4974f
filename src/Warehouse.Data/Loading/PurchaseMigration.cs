namespace Warehouse.Data.Loading;

/// <summary>
/// Moves the staged purchase lines of one load into the star schema, set-based: calendar days, countries,
/// products (type 1), customers first seen in purchases, then <c>Fact.Purchase</c> by business key
/// (InvoiceNo, InvoiceLineNumber): changed lines are deleted and inserted again, unchanged lines are left alone, so a
/// rerun changes nothing. The staged rows of the load are removed at the end (staging is transient; rejects stay).
/// </summary>
public static class PurchaseMigration
{
    /// <summary>What the migration did.</summary>
    /// <param name="Inserted">Fact rows inserted (new or changed lines).</param>
    /// <param name="Replaced">Fact rows that existed with other values and were replaced.</param>
    /// <param name="NewCustomers">Customers created from purchase customer ids.</param>
    /// <param name="NewProducts">Products created.</param>
    /// <param name="LastInvoiceTime">Latest invoice time of the load, or null when nothing was staged.</param>
    public sealed record Result(long Inserted, long Replaced, long NewCustomers, long NewProducts, DateTime? LastInvoiceTime);

    /// <summary>Runs the migration of the session's staged rows.</summary>
    public static Result Run(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var key = new { session.LineageKey };
        DimensionMaintenance.EnsureUnknownMembers(session);
        var range = session.Query<(DateTime? First, DateTime? Last)>("""
            SELECT min("InvoiceDateTime"), max("InvoiceDateTime") FROM "Integration"."Purchase_Staging" WHERE "LineageKey" = @LineageKey
            """, key)[0];
        if (range.First is null || range.Last is null)
        {
            session.Checkpoint("facts");
            return new Result(0, 0, 0, 0, null);
        }

        // The day after the last invoice too: the feature view measures recency as of that day.
        DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(range.First.Value), DateOnly.FromDateTime(range.Last.Value).AddDays(1));
        DimensionMaintenance.EnsureCountries(session,
            $"SELECT DISTINCT \"Country\" FROM \"Integration\".\"Purchase_Staging\" WHERE \"LineageKey\" = {session.LineageKey}");

        var newProducts = session.Execute("""
            INSERT INTO "Dimension"."Product" ("StockCode", "Description", "LineageKey")
            SELECT s."StockCode", arg_max(s."Description", s."SourceLineNumber") FILTER (WHERE s."Description" IS NOT NULL), @LineageKey
            FROM "Integration"."Purchase_Staging" AS s
            WHERE s."LineageKey" = @LineageKey
              AND NOT EXISTS (SELECT 1 FROM "Dimension"."Product" AS p WHERE p."StockCode" = s."StockCode")
            GROUP BY s."StockCode"
            ORDER BY s."StockCode"
            """, key);
        // Type 1: the latest description seen wins.
        session.Execute("""
            UPDATE "Dimension"."Product" AS p
            SET "Description" = latest."Description", "LineageKey" = @LineageKey
            FROM (SELECT s."StockCode", arg_max(s."Description", s."SourceLineNumber") AS "Description"
                  FROM "Integration"."Purchase_Staging" AS s
                  WHERE s."LineageKey" = @LineageKey AND s."Description" IS NOT NULL
                  GROUP BY s."StockCode") AS latest
            WHERE p."StockCode" = latest."StockCode" AND p."Description" IS DISTINCT FROM latest."Description"
            """, key);

        var newCustomers = InsertPurchaseCustomers(session);

        session.Execute($"""
            CREATE TEMP TABLE purchase_resolved_{session.LineageKey} AS
            SELECT COALESCE(c."CustomerKey", 0) AS "CustomerKey",
                   CAST(strftime(s."InvoiceDateTime", '%Y%m%d') AS INTEGER) AS "DateKey",
                   COALESCE(p."ProductKey", 0) AS "ProductKey",
                   COALESCE(g."GeographyKey", 0) AS "GeographyKey",
                   s."InvoiceNo", s."InvoiceLineNumber", s."InvoiceDateTime", s."Quantity", s."UnitPrice",
                   CAST(s."Quantity" * s."UnitPrice" AS DECIMAL(18, 4)) AS "Amount",
                   s."CurrencyCode", s."IsCancellation"
            FROM "Integration"."Purchase_Staging" AS s
            LEFT JOIN "Dimension"."Product" AS p ON p."StockCode" = s."StockCode"
            LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = s."Country" AND g."City" = ''
            LEFT JOIN (SELECT "CrmCustomerId", min("CustomerKey") AS "CustomerKey"
                       FROM "Dimension"."Customer"
                       WHERE "ValidTo" = TIMESTAMP '9999-12-31' AND "CrmCustomerId" IS NOT NULL
                       GROUP BY "CrmCustomerId") AS c ON c."CrmCustomerId" = s."CrmCustomerId"
            WHERE s."LineageKey" = {session.LineageKey}
            """);
        var replaced = session.Execute($"""
            DELETE FROM "Fact"."Purchase" AS f
            USING purchase_resolved_{session.LineageKey} AS r
            WHERE f."InvoiceNo" = r."InvoiceNo" AND f."InvoiceLineNumber" = r."InvoiceLineNumber"
              AND (f."CustomerKey" IS DISTINCT FROM r."CustomerKey" OR f."DateKey" IS DISTINCT FROM r."DateKey"
                   OR f."ProductKey" IS DISTINCT FROM r."ProductKey" OR f."GeographyKey" IS DISTINCT FROM r."GeographyKey"
                   OR f."InvoiceDateTime" IS DISTINCT FROM r."InvoiceDateTime" OR f."Quantity" IS DISTINCT FROM r."Quantity"
                   OR f."UnitPrice" IS DISTINCT FROM r."UnitPrice" OR f."CurrencyCode" IS DISTINCT FROM r."CurrencyCode"
                   OR f."IsCancellation" IS DISTINCT FROM r."IsCancellation")
            """);
        var inserted = session.Execute($"""
            INSERT INTO "Fact"."Purchase" ("CustomerKey", "DateKey", "ProductKey", "GeographyKey", "ChannelKey", "InvoiceNo", "InvoiceLineNumber",
                "InvoiceDateTime", "Quantity", "UnitPrice", "Amount", "CurrencyCode", "IsCancellation", "LineageKey")
            SELECT r."CustomerKey", r."DateKey", r."ProductKey", r."GeographyKey", 0, r."InvoiceNo", r."InvoiceLineNumber",
                   r."InvoiceDateTime", r."Quantity", r."UnitPrice", r."Amount", r."CurrencyCode", r."IsCancellation", @LineageKey
            FROM purchase_resolved_{session.LineageKey} AS r
            WHERE NOT EXISTS (SELECT 1 FROM "Fact"."Purchase" AS f
                              WHERE f."InvoiceNo" = r."InvoiceNo" AND f."InvoiceLineNumber" = r."InvoiceLineNumber")
            ORDER BY r."InvoiceDateTime", r."InvoiceNo", r."InvoiceLineNumber"
            """, key);
        session.Checkpoint("facts");
        session.Execute($"DROP TABLE purchase_resolved_{session.LineageKey}");
        session.Execute("DELETE FROM \"Integration\".\"Purchase_Staging\" WHERE \"LineageKey\" = @LineageKey", key);
        return new Result(inserted, replaced, newCustomers, newProducts, range.Last);
    }

    /// <summary>
    /// Customers known only by the purchase source's customer id get a customer row (matched by crm-id later).
    /// Keys are handed out in id order, so the same input always gives the same keys.
    /// </summary>
    private static long InsertPurchaseCustomers(DuckDbLoadSession session)
    {
        var key = new { session.LineageKey };
        var count = session.Scalar<long>("""
            SELECT count(DISTINCT s."CrmCustomerId") FROM "Integration"."Purchase_Staging" AS s
            WHERE s."LineageKey" = @LineageKey
              AND NOT EXISTS (SELECT 1 FROM "Dimension"."Customer" AS c WHERE c."CrmCustomerId" = s."CrmCustomerId" AND c."ValidTo" = TIMESTAMP '9999-12-31')
            """, key);
        if (count == 0)
        {
            return 0;
        }

        var first = session.Scalar<long>("SELECT nextval('Sequences.CustomerKey')");
        if (count > 1)
        {
            session.Scalar<long>($"SELECT max(nextval('Sequences.CustomerKey')) FROM range({count - 1})");
        }

        return session.Execute("""
            INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "CrmCustomerId", "Country", "GeographyKey", "MatchRule", "LineageKey")
            SELECT CAST(@first + row_number() OVER (ORDER BY n."CrmCustomerId") - 1 AS INTEGER), n."FirstSeen", TIMESTAMP '9999-12-31',
                   n."CrmCustomerId", n."Country", COALESCE(g."GeographyKey", 0), 'crm-id', @LineageKey
            FROM (SELECT s."CrmCustomerId", min(s."InvoiceDateTime") AS "FirstSeen", arg_max(s."Country", s."InvoiceDateTime") AS "Country"
                  FROM "Integration"."Purchase_Staging" AS s
                  WHERE s."LineageKey" = @LineageKey
                    AND NOT EXISTS (SELECT 1 FROM "Dimension"."Customer" AS c WHERE c."CrmCustomerId" = s."CrmCustomerId" AND c."ValidTo" = TIMESTAMP '9999-12-31')
                  GROUP BY s."CrmCustomerId") AS n
            LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = n."Country" AND g."City" = ''
            """, new { first, session.LineageKey });
    }
}
