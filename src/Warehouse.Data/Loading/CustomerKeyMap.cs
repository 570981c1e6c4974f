namespace Warehouse.Data.Loading;

/// <summary>
/// The source-key map <c>Integration.CustomerKeyMap</c>: CRM id (or purchase-source customer id) → durable
/// <c>CustomerKey</c>. Several CRM ids can share one customer (a duplicate CRM registration tied by the identity
/// rules), so every source that carries a CRM id (purchases, survey answers, web logins, CRM rows) resolves it here
/// rather than through <c>Dimension.Customer.CrmCustomerId</c>, which holds only the customer's primary id.
/// </summary>
/// <remarks>
/// Rows are written once, when an id is first seen, and never re-keyed. <see cref="ByCrmId"/> also covers current
/// customers whose id is not in the map yet (a warehouse file written before the map existed), so lookups never
/// depend on a backfill having run.
/// </remarks>
public static class CustomerKeyMap
{
    /// <summary>
    /// A derived table (parenthesised, alias it) with one row per known id: columns <c>CrmCustomerId</c>,
    /// <c>CustomerKey</c>. Never includes the Unknown customer (0).
    /// </summary>
    public const string ByCrmId = """
        (SELECT "CrmCustomerId", "CustomerKey" FROM "Integration"."CustomerKeyMap"
         UNION ALL
         SELECT d."CrmCustomerId", min(d."CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer" AS d
         WHERE d."ValidTo" = TIMESTAMP '9999-12-31' AND d."CrmCustomerId" IS NOT NULL AND d."CustomerKey" <> 0
           AND NOT EXISTS (SELECT 1 FROM "Integration"."CustomerKeyMap" AS x WHERE x."CrmCustomerId" = d."CrmCustomerId")
         GROUP BY d."CrmCustomerId")
        """;

    /// <summary>Maps the primary CRM id of every current customer that is not in the map yet (rule crm-id); returns the rows added.</summary>
    public static int Backfill(DuckDbLoadSession session, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Execute("""
            INSERT INTO "Integration"."CustomerKeyMap" ("CrmCustomerId", "CustomerKey", "MatchRule", "MappedAt", "LineageKey")
            SELECT d."CrmCustomerId", min(d."CustomerKey"), 'crm-id', @now, @LineageKey FROM "Dimension"."Customer" AS d
            WHERE d."ValidTo" = TIMESTAMP '9999-12-31' AND d."CrmCustomerId" IS NOT NULL AND d."CustomerKey" <> 0
              AND NOT EXISTS (SELECT 1 FROM "Integration"."CustomerKeyMap" AS x WHERE x."CrmCustomerId" = d."CrmCustomerId")
            GROUP BY d."CrmCustomerId"
            """, new { now, session.LineageKey });
    }
}
