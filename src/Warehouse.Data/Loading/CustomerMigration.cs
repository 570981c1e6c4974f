namespace Warehouse.Data.Loading;

/// <summary>
/// Moves staged CRM customers into <c>Dimension.Customer</c> with type 2 history and deterministic identity rules:
/// <list type="number">
/// <item>crm-id: a current customer with the same CrmCustomerId (customers first seen in purchases carry it too);</item>
/// <item>email: else a current customer without a CRM id with the same normalised e-mail;</item>
/// <item>phone: else a current customer without a CRM id with the same E.164 phone;</item>
/// <item>otherwise a new customer (keys handed out in CrmCustomerId order, so the same input gives the same keys).</item>
/// </list>
/// Incremental: rows whose source update time is not after the source's cutoff are skipped (they were applied
/// before). A matched customer whose attributes differ gets a new version (the current one is closed at the load
/// time); an unchanged one gets none. Within one file the latest row per CRM id wins (update time, then line).
/// </summary>
public static class CustomerMigration
{
    private const string Attributes = "\"FullName\", \"Email\", \"Phone\", \"BirthDate\", \"Gender\", \"City\", \"Country\", \"SignupDate\", \"ConsentMarketing\", \"ConsentProfiling\"";

    /// <summary>What the migration did.</summary>
    /// <param name="NewCustomers">Customers created.</param>
    /// <param name="NewVersions">New versions of known customers (changed attributes).</param>
    /// <param name="Unchanged">Rows that matched a customer with the same attributes.</param>
    /// <param name="SkippedByCutoff">Rows not newer than the cutoff.</param>
    /// <param name="LastUpdate">Latest source update time in the load.</param>
    public sealed record Result(long NewCustomers, long NewVersions, long Unchanged, long SkippedByCutoff, DateTime? LastUpdate);

    /// <summary>Runs the migration of the session's staged customers.</summary>
    /// <param name="session">The load.</param>
    /// <param name="cutoffSystem">Source system whose cutoff filters the rows (crm).</param>
    /// <param name="matcher">Identity resolution (e.g. with a fuzzy name + city rule); null for the built-in deterministic SQL rules.</param>
    public static Result Run(DuckDbLoadSession session, string cutoffSystem, CustomerMatcher? matcher = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        DimensionMaintenance.EnsureUnknownMembers(session);
        var cutoff = session.Scalar<DateTime?>("SELECT max(\"CutoffTime\") FROM \"Integration\".\"EtlCutoff\" WHERE \"SourceSystem\" = @cutoffSystem", new { cutoffSystem });
        var staged = session.Scalar<long>($"SELECT count(*) FROM \"Integration\".\"Customer_Staging\" WHERE \"LineageKey\" = {k}");
        var lastUpdate = session.Scalar<DateTime?>($"SELECT max(\"SourceUpdatedAt\") FROM \"Integration\".\"Customer_Staging\" WHERE \"LineageKey\" = {k}");

        // Latest row per CRM id, newer than the cutoff.
        session.Execute($"""
            CREATE TEMP TABLE customer_incoming_{k} AS
            SELECT * EXCLUDE (rn) FROM (
                SELECT s.*, row_number() OVER (PARTITION BY s."CrmCustomerId" ORDER BY s."SourceUpdatedAt" DESC NULLS LAST, s."SourceLineNumber" DESC) AS rn
                FROM "Integration"."Customer_Staging" AS s
                WHERE s."LineageKey" = {k} AND (s."SourceUpdatedAt" IS NULL OR @cutoff IS NULL OR s."SourceUpdatedAt" > @cutoff))
            WHERE rn = 1
            """, new { cutoff });
        var incoming = session.Scalar<long>($"SELECT count(*) FROM customer_incoming_{k}");

        // Identity: crm-id, then e-mail, then phone, against current versions (or the plugged-in resolver).
        if (matcher is not null)
        {
            Match(session, matcher);
        }
        else
        {
        session.Execute($"""
            CREATE TEMP TABLE customer_match_{k} AS
            SELECT i."CrmCustomerId",
                   COALESCE(byId."CustomerKey", byEmail."CustomerKey", byPhone."CustomerKey") AS "CustomerKey",
                   CASE WHEN byId."CustomerKey" IS NOT NULL THEN 'crm-id' WHEN byEmail."CustomerKey" IS NOT NULL THEN 'email'
                        WHEN byPhone."CustomerKey" IS NOT NULL THEN 'phone' ELSE 'crm-id' END AS "MatchRule"
            FROM customer_incoming_{k} AS i
            LEFT JOIN (SELECT "CrmCustomerId", min("CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer"
                       WHERE "ValidTo" = TIMESTAMP '9999-12-31' AND "CrmCustomerId" IS NOT NULL GROUP BY 1) AS byId
                   ON byId."CrmCustomerId" = i."CrmCustomerId"
            LEFT JOIN (SELECT "Email", min("CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer"
                       WHERE "ValidTo" = TIMESTAMP '9999-12-31' AND "CrmCustomerId" IS NULL AND "Email" IS NOT NULL AND "CustomerKey" <> 0 GROUP BY 1) AS byEmail
                   ON byEmail."Email" = i."Email"
            LEFT JOIN (SELECT "Phone", min("CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer"
                       WHERE "ValidTo" = TIMESTAMP '9999-12-31' AND "CrmCustomerId" IS NULL AND "Phone" IS NOT NULL AND "CustomerKey" <> 0 GROUP BY 1) AS byPhone
                   ON byPhone."Phone" = i."Phone"
            """);
        }

        // Geography and calendar for what the new versions reference (birth dates feed the age feature).
        session.Execute($"""
            INSERT INTO "Dimension"."Geography" ("Country", "City", "LineageKey")
            SELECT DISTINCT i."Country", COALESCE(i."City", ''), {k} FROM customer_incoming_{k} AS i
            WHERE i."Country" IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM "Dimension"."Geography" AS g WHERE g."Country" = i."Country" AND g."City" = COALESCE(i."City", ''))
            """);
        var dates = session.Query<(DateTime? First, DateTime? Last)>($"""
            SELECT CAST(min(least("BirthDate", "SignupDate")) AS TIMESTAMP), CAST(max(greatest("BirthDate", "SignupDate")) AS TIMESTAMP) FROM customer_incoming_{k}
            """)[0];
        if (dates.First is { } first && dates.Last is { } last)
        {
            DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(first), DateOnly.FromDateTime(last));
        }

        var now = session.Scalar<DateTime>("SELECT CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP)");

        // Changed: matched customers whose current attributes differ (one incoming row per customer: lowest CRM id).
        session.Execute($"""
            CREATE TEMP TABLE customer_changed_{k} AS
            SELECT * EXCLUDE (rn) FROM (
                SELECT c."CustomerKey", c."WebVisitorId", c."SocialHandle", m."MatchRule", i."CrmCustomerId",
                       row_number() OVER (PARTITION BY c."CustomerKey" ORDER BY i."CrmCustomerId") AS rn
                FROM "Dimension"."Customer" AS c
                JOIN customer_match_{k} AS m ON m."CustomerKey" = c."CustomerKey"
                JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = m."CrmCustomerId"
                WHERE c."ValidTo" = TIMESTAMP '9999-12-31'
                  AND (c."CrmCustomerId" IS DISTINCT FROM i."CrmCustomerId" OR c."FullName" IS DISTINCT FROM i."FullName" OR c."Email" IS DISTINCT FROM i."Email"
                       OR c."Phone" IS DISTINCT FROM i."Phone" OR c."BirthDate" IS DISTINCT FROM i."BirthDate" OR c."Gender" IS DISTINCT FROM i."Gender"
                       OR c."City" IS DISTINCT FROM i."City" OR c."Country" IS DISTINCT FROM i."Country" OR c."SignupDate" IS DISTINCT FROM i."SignupDate"
                       OR c."ConsentMarketing" IS DISTINCT FROM i."ConsentMarketing" OR c."ConsentProfiling" IS DISTINCT FROM i."ConsentProfiling"))
            WHERE rn = 1
            """);
        var changed = session.Execute($"""
            UPDATE "Dimension"."Customer" AS c SET "ValidTo" = @now
            FROM customer_changed_{k} AS x
            WHERE c."CustomerKey" = x."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31'
            """, new { now });
        session.Execute($"""
            INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "CrmCustomerId", "WebVisitorId", "SocialHandle", {Attributes},
                "GeographyKey", "MatchRule", "SourceUpdatedAt", "LineageKey")
            SELECT x."CustomerKey", @now, TIMESTAMP '9999-12-31', i."CrmCustomerId", x."WebVisitorId", x."SocialHandle",
                   i."FullName", i."Email", i."Phone", i."BirthDate", i."Gender", i."City", i."Country", i."SignupDate", i."ConsentMarketing", i."ConsentProfiling",
                   COALESCE(g."GeographyKey", 0), x."MatchRule", i."SourceUpdatedAt", {k}
            FROM customer_changed_{k} AS x
            JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = x."CrmCustomerId"
            LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = i."Country" AND g."City" = COALESCE(i."City", '')
            """, new { now });

        // New customers: deterministic keys in CRM id order.
        var fresh = session.Scalar<long>($"SELECT count(*) FROM customer_match_{k} WHERE \"CustomerKey\" IS NULL");
        if (fresh > 0)
        {
            var baseKey = session.Scalar<long>("SELECT nextval('Sequences.CustomerKey')");
            if (fresh > 1)
            {
                session.Scalar<long>($"SELECT max(nextval('Sequences.CustomerKey')) FROM range({fresh - 1})");
            }

            session.Execute($"""
                INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "CrmCustomerId", {Attributes}, "GeographyKey", "MatchRule", "SourceUpdatedAt", "LineageKey")
                SELECT CAST(@baseKey + row_number() OVER (ORDER BY i."CrmCustomerId") - 1 AS INTEGER), @now, TIMESTAMP '9999-12-31', i."CrmCustomerId",
                       i."FullName", i."Email", i."Phone", i."BirthDate", i."Gender", i."City", i."Country", i."SignupDate", i."ConsentMarketing", i."ConsentProfiling",
                       COALESCE(g."GeographyKey", 0), 'crm-id', i."SourceUpdatedAt", {k}
                FROM customer_incoming_{k} AS i
                JOIN customer_match_{k} AS m ON m."CrmCustomerId" = i."CrmCustomerId" AND m."CustomerKey" IS NULL
                LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = i."Country" AND g."City" = COALESCE(i."City", '')
                """, new { baseKey, now });
        }

        session.Checkpoint("customers");
        foreach (var table in new[] { "customer_changed", "customer_match", "customer_incoming" })
        {
            session.Execute($"DROP TABLE {table}_{k}");
        }

        session.Execute($"DELETE FROM \"Integration\".\"Customer_Staging\" WHERE \"LineageKey\" = {k}");
        return new Result(fresh, changed, incoming - fresh - changed, staged - incoming, lastUpdate);
    }

    private static void Match(DuckDbLoadSession session, CustomerMatcher matcher)
    {
        var k = session.LineageKey;
        var incoming = session.Query<(string CrmCustomerId, string? FullName, string? Email, string? Phone, string? City, DateTime? BirthDate)>(
                $"SELECT \"CrmCustomerId\", \"FullName\", \"Email\", \"Phone\", \"City\", CAST(\"BirthDate\" AS TIMESTAMP) FROM customer_incoming_{k} ORDER BY 1")
            .Select(r => new IncomingCustomer(r.CrmCustomerId, r.FullName, r.Email, r.Phone, r.City, r.BirthDate is { } b ? DateOnly.FromDateTime(b) : null))
            .ToList();
        var current = session.Query<(int CustomerKey, string? CrmCustomerId, string? Email, string? Phone, string? FullName, string? City, DateTime? BirthDate)>("""
                SELECT "CustomerKey", "CrmCustomerId", "Email", "Phone", "FullName", "City", CAST("BirthDate" AS TIMESTAMP)
                FROM "Dimension"."Customer" WHERE "ValidTo" = TIMESTAMP '9999-12-31' AND "CustomerKey" <> 0 ORDER BY 1
                """)
            .Select(r => new CurrentCustomer(r.CustomerKey, r.CrmCustomerId, r.Email, r.Phone, r.FullName, r.City, r.BirthDate is { } b ? DateOnly.FromDateTime(b) : null))
            .ToList();
        var matches = matcher(incoming, current);
        session.Execute($"CREATE TEMP TABLE customer_match_{k} (\"CrmCustomerId\" VARCHAR NOT NULL, \"CustomerKey\" INTEGER, \"MatchRule\" VARCHAR NOT NULL)");
        session.AppendTemporary<CustomerMatch, CustomerMatchMap>($"customer_match_{k}", matches);
    }
}
