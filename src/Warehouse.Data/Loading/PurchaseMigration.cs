namespace Warehouse.Data.Loading;

/// <summary>
/// Moves the staged purchase lines of one load into the star schema, set-based: calendar days, countries,
/// products (type 1), customers first seen in purchases, then <c>Fact.Purchase</c> by business key
/// (InvoiceNo, InvoiceLineNumber): changed lines are deleted and inserted again, unchanged lines are left alone, so a
/// rerun changes nothing.
/// </summary>
/// <remarks>
/// On DuckDB the lines are staged in a temporary table of the load's transaction with the columns of
/// <c>Integration.Purchase_Staging</c> (<see cref="CreateStaging"/>), not in that table: staging is transient, and the ART
/// index DuckDB builds for the table's primary key made appending the rows and deleting them afterwards cost more than
/// the rest of the migration (Online Retail: 5.4 s of 13.5 s for the delete alone on a loaded machine). The temporary
/// table is dropped as soon as its rows are resolved, and vanishes with a rollback. Distinct products and customers are
/// grouped once into small tables before they are matched against the dimensions.
/// </remarks>
public static class PurchaseMigration
{
    /// <summary>What the migration did.</summary>
    /// <param name="Inserted">Fact rows inserted (new or changed lines).</param>
    /// <param name="Replaced">Fact rows that existed with other values and were replaced.</param>
    /// <param name="NewCustomers">Customers created from purchase customer ids.</param>
    /// <param name="NewProducts">Products created.</param>
    /// <param name="LastInvoiceTime">Latest invoice time of the load, or null when nothing was staged.</param>
    public sealed record Result(long Inserted, long Replaced, long NewCustomers, long NewProducts, DateTime? LastInvoiceTime);

    /// <summary>Name of the session's staging table (catalog temp, schema main), created by <see cref="CreateStaging"/>.</summary>
    public static string StagingTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"purchase_staging_{session.LineageKey}";
    }

    /// <summary>
    /// Creates the session's staging table: the columns of <c>Integration.Purchase_Staging</c>, in its order and with its
    /// types (so <see cref="PurchaseStagingRowMap"/> fits), without the primary-key index. Append with
    /// <see cref="DuckDbLoadSession.AppendTemporary{T, TMap}"/>.
    /// </summary>
    public static string CreateStaging(DuckDbLoadSession session)
    {
        var table = StagingTable(session);
        session.Execute($"CREATE TEMP TABLE IF NOT EXISTS {table} AS SELECT * FROM \"Integration\".\"Purchase_Staging\" LIMIT 0");
        return table;
    }

    /// <summary>Runs the migration of the rows staged in <see cref="StagingTable"/>, then drops that table.</summary>
    public static Result Run(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        var staging = StagingTable(session);
        var key = new { session.LineageKey };
        DimensionMaintenance.EnsureUnknownMembers(session);
        var range = session.Query<(DateTime? First, DateTime? Last)>($"SELECT min(\"InvoiceDateTime\"), max(\"InvoiceDateTime\") FROM {staging}")[0];
        if (range.First is null || range.Last is null)
        {
            session.Checkpoint("facts");
            session.Execute($"DROP TABLE {staging}");
            return new Result(0, 0, 0, 0, null);
        }

        // The day after the last invoice too: the feature view measures recency as of that day.
        DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(range.First.Value), DateOnly.FromDateTime(range.Last.Value).AddDays(1));
        DimensionMaintenance.EnsureCountries(session, $"SELECT DISTINCT \"Country\" FROM {staging}");

        // Type 1: the latest description seen wins (null when the file never describes the product).
        session.Execute($"""
            CREATE TEMP TABLE purchase_products_{k} AS
            SELECT s."StockCode", arg_max(s."Description", s."SourceLineNumber") FILTER (WHERE s."Description" IS NOT NULL) AS "Description"
            FROM {staging} AS s
            GROUP BY s."StockCode"
            """);
        var newProducts = session.Execute($"""
            INSERT INTO "Dimension"."Product" ("StockCode", "Description", "LineageKey")
            SELECT n."StockCode", n."Description", @LineageKey
            FROM purchase_products_{k} AS n
            WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Product" AS p WHERE p."StockCode" = n."StockCode")
            ORDER BY n."StockCode"
            """, key);
        session.Execute($"""
            UPDATE "Dimension"."Product" AS p
            SET "Description" = latest."Description", "LineageKey" = @LineageKey
            FROM purchase_products_{k} AS latest
            WHERE p."StockCode" = latest."StockCode" AND latest."Description" IS NOT NULL AND p."Description" IS DISTINCT FROM latest."Description"
            """, key);

        var newCustomers = InsertPurchaseCustomers(session, staging);

        session.Execute($"""
            CREATE TEMP TABLE purchase_resolved_{k} AS
            SELECT COALESCE(c."CustomerKey", 0) AS "CustomerKey",
                   CAST(year(s."InvoiceDateTime") * 10000 + month(s."InvoiceDateTime") * 100 + day(s."InvoiceDateTime") AS INTEGER) AS "DateKey",
                   COALESCE(p."ProductKey", 0) AS "ProductKey",
                   COALESCE(g."GeographyKey", 0) AS "GeographyKey",
                   s."SourceLineNumber", s."InvoiceNo", s."InvoiceLineNumber", s."InvoiceDateTime", s."Quantity", s."UnitPrice",
                   CAST(s."Quantity" * s."UnitPrice" AS DECIMAL(18, 4)) AS "Amount",
                   s."CurrencyCode", s."IsCancellation"
            FROM {staging} AS s
            LEFT JOIN "Dimension"."Product" AS p ON p."StockCode" = s."StockCode"
            LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = s."Country" AND g."City" = ''
            LEFT JOIN {CustomerKeyMap.ByCrmId} AS c ON c."CrmCustomerId" = s."CrmCustomerId"
            """);
        // The staged and grouped rows are not needed any more: free their memory before the fact insert.
        session.Execute($"DROP TABLE {staging}");
        session.Execute($"DROP TABLE purchase_products_{k}");
        var replaced = session.Execute($"""
            DELETE FROM "Fact"."Purchase" AS f
            USING purchase_resolved_{k} AS r
            WHERE f."InvoiceNo" = r."InvoiceNo" AND f."InvoiceLineNumber" = r."InvoiceLineNumber"
              AND (f."CustomerKey" IS DISTINCT FROM r."CustomerKey" OR f."DateKey" IS DISTINCT FROM r."DateKey"
                   OR f."ProductKey" IS DISTINCT FROM r."ProductKey" OR f."GeographyKey" IS DISTINCT FROM r."GeographyKey"
                   OR f."InvoiceDateTime" IS DISTINCT FROM r."InvoiceDateTime" OR f."Quantity" IS DISTINCT FROM r."Quantity"
                   OR f."UnitPrice" IS DISTINCT FROM r."UnitPrice" OR f."CurrencyCode" IS DISTINCT FROM r."CurrencyCode"
                   OR f."IsCancellation" IS DISTINCT FROM r."IsCancellation")
            """);
        // Keys are handed out in file order (one integer sort key), so the same file always gives the same keys.
        var inserted = session.Execute($"""
            INSERT INTO "Fact"."Purchase" ("CustomerKey", "DateKey", "ProductKey", "GeographyKey", "ChannelKey", "InvoiceNo", "InvoiceLineNumber",
                "InvoiceDateTime", "Quantity", "UnitPrice", "Amount", "CurrencyCode", "IsCancellation", "LineageKey")
            SELECT r."CustomerKey", r."DateKey", r."ProductKey", r."GeographyKey", 0, r."InvoiceNo", r."InvoiceLineNumber",
                   r."InvoiceDateTime", r."Quantity", r."UnitPrice", r."Amount", r."CurrencyCode", r."IsCancellation", @LineageKey
            FROM purchase_resolved_{k} AS r
            WHERE NOT EXISTS (SELECT 1 FROM "Fact"."Purchase" AS f
                              WHERE f."InvoiceNo" = r."InvoiceNo" AND f."InvoiceLineNumber" = r."InvoiceLineNumber")
            ORDER BY r."SourceLineNumber"
            """, key);
        session.Checkpoint("facts");
        session.Execute($"DROP TABLE purchase_resolved_{k}");
        return new Result(inserted, replaced, newCustomers, newProducts, range.Last);
    }

    /// <summary>
    /// Customers known only by the purchase source's customer id get a customer row (matched by crm-id later).
    /// Keys are handed out in id order, so the same input always gives the same keys.
    /// </summary>
    private static long InsertPurchaseCustomers(DuckDbLoadSession session, string staging)
    {
        var k = session.LineageKey;
        session.Execute($"""
            CREATE TEMP TABLE purchase_customers_{k} AS
            SELECT n.* FROM (SELECT s."CrmCustomerId", min(s."InvoiceDateTime") AS "FirstSeen", arg_max(s."Country", s."InvoiceDateTime") AS "Country"
                             FROM {staging} AS s
                             GROUP BY s."CrmCustomerId") AS n
            WHERE NOT EXISTS (SELECT 1 FROM {CustomerKeyMap.ByCrmId} AS c WHERE c."CrmCustomerId" = n."CrmCustomerId")
            """);
        var count = session.Scalar<long>($"SELECT count(*) FROM purchase_customers_{k}");
        long inserted = 0;
        if (count > 0)
        {
            var first = session.Scalar<long>("SELECT nextval('Sequences.CustomerKey')");
            if (count > 1)
            {
                session.Scalar<long>($"SELECT max(nextval('Sequences.CustomerKey')) FROM range({count - 1})");
            }

            inserted = session.Execute($"""
                INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "CrmCustomerId", "Country", "GeographyKey", "MatchRule", "LineageKey")
                SELECT CAST(@first + row_number() OVER (ORDER BY n."CrmCustomerId") - 1 AS INTEGER), n."FirstSeen", TIMESTAMP '9999-12-31',
                       n."CrmCustomerId", n."Country", COALESCE(g."GeographyKey", 0), 'crm-id', @LineageKey
                FROM purchase_customers_{k} AS n
                LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = n."Country" AND g."City" = ''
                """, new { first, session.LineageKey });
            // The id is the new customer's own (primary) id in the source-key map.
            session.Execute($"""
                INSERT INTO "Integration"."CustomerKeyMap" ("CrmCustomerId", "CustomerKey", "MatchRule", "MappedAt", "LineageKey")
                SELECT n."CrmCustomerId", CAST(@first + row_number() OVER (ORDER BY n."CrmCustomerId") - 1 AS INTEGER), 'crm-id',
                       CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP), @LineageKey
                FROM purchase_customers_{k} AS n
                """, new { first, session.LineageKey });
        }

        session.Execute($"DROP TABLE purchase_customers_{k}");
        return inserted;
    }
}
