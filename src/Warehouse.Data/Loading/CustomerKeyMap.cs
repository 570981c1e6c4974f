namespace Warehouse.Data.Loading;

/// <summary>
/// The source-key map <c>Integration.CustomerKeyMap</c>: CRM id (or purchase-source customer id) → durable
/// <c>CustomerKey</c>. Several CRM ids can share one customer (a duplicate CRM registration tied by the identity
/// rules), so every source that carries a CRM id (purchases, survey answers, web logins, CRM rows) resolves it here
/// rather than through <c>Dimension.Customer.CrmCustomerId</c>, which holds only the customer's primary id.
/// </summary>
/// <remarks>
/// Rows are written once, when an id is first seen, and never re-keyed; only their <c>Email</c> (the normalised e-mail
/// of the id's latest applied CRM row, read by the web and social e-mail links through <c>Integration.CustomerEmail</c>)
/// follows a later version of the id. <see cref="ByCrmId"/> also covers current
/// customers whose id is not in the map yet (a warehouse file written before the map existed), so lookups never
/// depend on a backfill having run.
/// </remarks>
public static class CustomerKeyMap
{
    /// <summary>
    /// The view <c>Integration.CustomerKeyByCrmId</c> (alias it): one row per known id, columns <c>CrmCustomerId</c>,
    /// <c>CustomerKey</c>, never the Unknown customer (0). One definition for both engines: the SQL Server procedures
    /// read the same view, translated into the DuckDB warehouse from the same T-SQL file.
    /// </summary>
    public const string ByCrmId = "\"Integration\".\"CustomerKeyByCrmId\"";

    /// <summary>
    /// The comparison key of a CRM id expression on DuckDB: <c>upper(…)</c>. CRM ids match without case on every path, as
    /// the identity resolver compares them (trimmed, <c>ToUpperInvariant</c>) and as SQL Server compares them in its
    /// case-insensitive default collation: a purchase, survey answer or web login under <c>a1</c> belongs to the customer
    /// of CRM id <c>A1</c>. The text is stored as given; only comparisons fold case.
    /// </summary>
    /// <param name="expression">SQL expression of a CRM id, e.g. <c>s."CrmCustomerId"</c>.</param>
    public static string IdKey(string expression) => $"upper({expression})";

    /// <summary>
    /// <see cref="ByCrmId"/> with one row per comparison key (<see cref="IdKey"/>) as a derived table (alias it): columns
    /// <c>CrmIdKey</c> and <c>CustomerKey</c> (the lowest, as SQL Server's purchase procedure takes it, should a file written
    /// before ids were compared without case hold two spellings of one id under two customers). Join it on
    /// <c>x."CrmIdKey" = IdKey(s."CrmCustomerId")</c>: a lookup never multiplies rows.
    /// </summary>
    public const string ByCrmIdKey =
        "(SELECT upper(v.\"CrmCustomerId\") AS \"CrmIdKey\", min(v.\"CustomerKey\") AS \"CustomerKey\" FROM \"Integration\".\"CustomerKeyByCrmId\" AS v GROUP BY 1)";

    /// <summary>
    /// Maps the primary CRM id of every current customer that is not in the map yet (rule crm-id), and gives a primary id
    /// mapped without an e-mail (a row written before <c>Email</c> existed) its customer's current e-mail, which came from
    /// that id's latest row; returns the rows added. A duplicate id's own e-mail is stored nowhere else, so its row keeps
    /// NULL until the CRM sends a newer version of it. SQL Server's <c>Integration.MigrateStagedCustomerData</c> does the same.
    /// </summary>
    public static int Backfill(DuckDbLoadSession session, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(session);
        var added = session.Execute("""
            INSERT INTO "Integration"."CustomerKeyMap" ("CrmCustomerId", "CustomerKey", "MatchRule", "MappedAt", "LineageKey")
            SELECT v."CrmCustomerId", v."CustomerKey", 'crm-id', @now, @LineageKey FROM "Integration"."CustomerKeyByCrmId" AS v
            WHERE NOT EXISTS (SELECT 1 FROM "Integration"."CustomerKeyMap" AS x WHERE upper(x."CrmCustomerId") = upper(v."CrmCustomerId"))
            """, new { now, session.LineageKey });
        session.Execute("""
            UPDATE "Integration"."CustomerKeyMap" AS m SET "Email" = c."Email"
            FROM "Dimension"."Customer" AS c
            WHERE m."Email" IS NULL AND c."CustomerKey" = m."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31' AND c."Email" IS NOT NULL
              AND upper(c."CrmCustomerId") = upper(m."CrmCustomerId")
            """);
        return added;
    }
}
