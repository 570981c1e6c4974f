namespace Warehouse.Data.Loading;

/// <summary>
/// Moves staged CRM customers into <c>Dimension.Customer</c> with type 2 history and identity rules, and records every
/// CRM id in the source-key map <c>Integration.CustomerKeyMap</c>:
/// <list type="number">
/// <item>crm-id: a customer the CRM id is mapped to (customers first seen in purchases carry it too);</item>
/// <item>with a <see cref="CustomerMatcher"/> (the host's identity resolver): e-mail, phone, fuzzy name + city, also
/// between two CRM ids (a duplicate registration), which then share one customer; without one, built-in SQL rules:
/// e-mail, then phone, against current customers without a CRM id;</item>
/// <item>otherwise a new customer (keys handed out in group / CRM id order, so the same input gives the same keys).</item>
/// </list>
/// Then stored web sessions and social comments that kept the CRM id or e-mail their customer now has are linked
/// (<see cref="InteractionMigration.RelinkStored"/>): CRM-id links and first links do not depend on the order of the
/// sources (an e-mail link once made is kept; README).
/// A customer's attributes come from its primary CRM id (the one in <c>Dimension.Customer.CrmCustomerId</c>: for a new
/// customer the row with the earliest signup date, then the lowest id); rows of its other CRM ids only add map rows.
/// Merging happens at first sight only: an id is mapped once and never re-keyed, and two customers that both exist
/// already are never merged, so no fact is ever moved to another key.
/// Incremental per CRM id: a row of a known id is applied only when its source update time is after that id's stored
/// version's (<c>Integration.CustomerIdentity.SourceUpdatedAt</c>, the customer's current version; no stored time or no
/// update time: applied); rows not newer are skipped (what they say is stored already, or older). The source's cutoff
/// (the latest update time loaded) is still recorded but filters nothing: one global cutoff skipped a genuine newer
/// version of an id whenever another id had been updated later (audit defect 5). An unchanged row newer than its id's
/// stored version moves that version's <c>SourceUpdatedAt</c> to its own time (no new version), so an older row loaded
/// later is not taken for news. A matched customer whose attributes differ gets a new version (the current one is closed at the load
/// time); an unchanged one gets none. Within one file the latest row per CRM id wins (update time; its earlier versions
/// are counted as superseded: a type 2 version is valid from the load, so they would be versions of no duration), and a
/// version repeated (same CRM id and update time, NULL = NULL) is rejected as a duplicate of its first line
/// (<see cref="StagingDuplicates"/>).
/// <para>On DuckDB the rows of a load are staged in a temporary table of the load's transaction (<see cref="Stage"/>, the
/// columns of <c>Integration.Customer_Staging</c>, no key or index), dropped once resolved and gone with a rollback.</para>
/// </summary>
public static class CustomerMigration
{
    private const string Attributes = "\"FullName\", \"Email\", \"Phone\", \"BirthDate\", \"Gender\", \"City\", \"Country\", \"SignupDate\", \"ConsentMarketing\", \"ConsentProfiling\"";

    /// <summary>What the migration did.</summary>
    /// <param name="NewCustomers">Customers created.</param>
    /// <param name="NewVersions">New versions of known customers (changed attributes).</param>
    /// <param name="Unchanged">Rows that matched a customer with the same attributes (or an id already mapped to a customer whose primary id is another).</param>
    /// <param name="SkippedByCutoff">Rows of known CRM ids not newer than their id's stored version (rows of ids never loaded are applied whatever their time).</param>
    /// <param name="LastUpdate">Latest source update time in the load.</param>
    /// <param name="MergedIds">CRM ids seen for the first time and tied to a customer whose primary CRM id is another one (duplicates merged).</param>
    public sealed record Result(long NewCustomers, long NewVersions, long Unchanged, long SkippedByCutoff, DateTime? LastUpdate, long MergedIds = 0)
    {
        /// <summary>Rows newer than their id's stored version that a later version in the same file replaced (only the latest version is applied).</summary>
        public long Superseded { get; init; }

        /// <summary>Rows rejected as repeats of an earlier line (same CRM id and update time); not counted in the other figures.</summary>
        public long Duplicates { get; init; }

        /// <summary>
        /// Stored web sessions and social comments the load linked: loaded before their customer's CRM row, they kept its CRM id
        /// or e-mail hash (<see cref="InteractionMigration.RelinkStored"/>).
        /// </summary>
        public InteractionMigration.Relinked Relinked { get; init; } = new(0, 0, 0, 0);
    }

    /// <summary>Staging columns written, as JSON, into a duplicate's reject.</summary>
    private static readonly string[] RecordColumns =
        ["CrmCustomerId", "FullName", "Email", "Phone", "BirthDate", "Gender", "City", "Country", "SignupDate", "ConsentMarketing", "ConsentProfiling", "SourceUpdatedAt"];

    /// <summary>Name of the session's temporary staging table of CRM rows (catalog temp, schema main).</summary>
    public static string StagingTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"customer_staging_{session.LineageKey}";
    }

    /// <summary>
    /// Stages CRM rows into the session's temporary table <see cref="StagingTable"/> (created on first use with the columns of
    /// <c>Integration.Customer_Staging</c>, no key or index) through the column-wise appender (<see cref="Warehouse.Data.DuckDb.StagingMap{T}"/>: text kept exactly, U+0000 included), streaming; returns the rows staged.
    /// </summary>
    public static long Stage(DuckDbLoadSession session, IEnumerable<CustomerStagingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(session);
        var table = StagingTable(session);
        session.CreateTemporaryStaging(table, "Customer_Staging");
        return session.AppendTemporary<CustomerStagingRow, CustomerStagingRowMap>(table, rows);
    }


    /// <summary>Runs the migration of the session's staged customers.</summary>
    /// <param name="session">The load.</param>
    /// <param name="cutoffSystem">Source system whose cutoff the load records (crm).</param>
    /// <param name="matcher">Identity resolution (e.g. with a fuzzy name + city rule); null for the built-in deterministic SQL rules.</param>
    public static Result Run(DuckDbLoadSession session, string cutoffSystem, CustomerMatcher? matcher = null) =>
        Run(session, cutoffSystem, matcher, null);

    /// <summary>Runs the migration of the session's staged customers with identity resolution inside the engine.</summary>
    /// <param name="session">The load.</param>
    /// <param name="cutoffSystem">Source system whose cutoff the load records (crm).</param>
    /// <param name="matcher">Identity resolution over temporary tables (the host's engine-backed resolver: no per-row text in the host).</param>
    public static Result Run(DuckDbLoadSession session, string cutoffSystem, CustomerTableMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        return Run(session, cutoffSystem, null, matcher);
    }

    private static Result Run(DuckDbLoadSession session, string cutoffSystem, CustomerMatcher? matcher, CustomerTableMatcher? tableMatcher)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        DimensionMaintenance.EnsureUnknownMembers(session);
        // Versions change at the load's start, as MigrateStagedCustomerData's @LoadStarted (the lineage row's host-clock time).
        var now = session.LoadStarted;
        CustomerKeyMap.Backfill(session, now);
        var staging = StagingTable(session);
        session.CreateTemporaryStaging(staging, "Customer_Staging");

        // A version repeated in the file (same CRM id and update time, NULL = NULL) is rejected, naming the first line, which stays.
        // CRM ids compare without case everywhere (CustomerKeyMap.IdKey): C001 and c001 are one id, as for the resolver and SQL Server.
        var duplicates = StagingDuplicates.Reject(session, staging, ["CrmCustomerId", "SourceUpdatedAt"], "RejectedCustomer", "crm_customer_id", RecordColumns,
            caseInsensitive: ["CrmCustomerId"]);
        var staged = session.Scalar<long>($"SELECT count(*) FROM {staging}");
        var lastUpdate = session.Scalar<DateTime?>($"SELECT max(\"SourceUpdatedAt\") FROM {staging}");

        // Latest row per CRM id (without case: c001 is a version of C001) among those newer than the id's stored version; the
        // id's earlier versions in the file are superseded. The stored version is the customer's current one, through the view
        // the SQL Server path reads (Integration.CustomerIdentity: once per known CRM id); an id never loaded, a version
        // without a stored time and a row without an update time are applied (a late extract, a back-dated registration is
        // new data, not counted as loaded and dropped).
        const string Newer = "(s.\"SourceUpdatedAt\" IS NULL OR NOT EXISTS (SELECT 1 FROM \"Integration\".\"CustomerIdentity\" AS known WHERE upper(known.\"CrmCustomerId\") = upper(s.\"CrmCustomerId\") AND s.\"SourceUpdatedAt\" <= known.\"SourceUpdatedAt\"))";
        var newer = session.Scalar<long>($"SELECT count(*) FROM {staging} AS s WHERE {Newer}");
        // Kept in place: the other rows are deleted from the staging table, which becomes the incoming table. A copy would hold
        // the rows' text twice until the commit (a table dropped inside the load's transaction keeps its memory: 80 MiB at
        // 400,000 customers, bench/LOAD.md); a first load deletes nothing.
        session.Execute($"""
            DELETE FROM {staging} WHERE rowid NOT IN (
                SELECT rowid FROM (
                    SELECT s.rowid, row_number() OVER (PARTITION BY upper(s."CrmCustomerId") ORDER BY s."SourceUpdatedAt" DESC NULLS LAST, s."SourceRecordNumber" DESC) AS rn
                    FROM {staging} AS s
                    WHERE {Newer})
                WHERE rn = 1)
            """);
        session.Execute($"ALTER TABLE {staging} RENAME TO customer_incoming_{k}");
        var incoming = session.Scalar<long>($"SELECT count(*) FROM customer_incoming_{k}");

        // Identity: the plugged-in resolver, or crm-id (through the map), then e-mail, then phone against current versions.
        if (tableMatcher is not null)
        {
            // Current identities copied into the engine first: the matcher reads both tables in batches.
            session.Execute($"""
                CREATE TEMP TABLE customer_current_{k} AS
                SELECT "CustomerKey", "CrmCustomerId", "Email", "Phone", "FullName", "City", "BirthDate" FROM "Integration"."CustomerIdentity"
                """);
            session.Guard(() =>
            {
                tableMatcher(session.Connection, $"customer_incoming_{k}", $"customer_current_{k}", $"customer_match_{k}");
                return 0;
            });
            session.Execute($"DROP TABLE customer_current_{k}");
        }
        else if (matcher is not null)
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
                            WHEN byPhone."CustomerKey" IS NOT NULL THEN 'phone' ELSE 'crm-id' END AS "MatchRule",
                       CAST(NULL AS INTEGER) AS "NewCustomerGroup"
                FROM customer_incoming_{k} AS i
                LEFT JOIN {CustomerKeyMap.ByCrmIdKey} AS byId ON byId."CrmIdKey" = upper(i."CrmCustomerId")
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

        // Changed: matched customers whose current attributes differ from the row of their primary CRM id (case-insensitive;
        // a customer without a CRM id takes its lowest incoming id). Rows of a customer's other CRM ids change nothing.
        session.Execute($"""
            CREATE TEMP TABLE customer_changed_{k} AS
            SELECT * EXCLUDE (rn) FROM (
                SELECT c."CustomerKey", c."WebVisitorId", c."SocialHandle", m."MatchRule", i."CrmCustomerId", COALESCE(c."CrmCustomerId", i."CrmCustomerId") AS "PrimaryId",
                       row_number() OVER (PARTITION BY c."CustomerKey" ORDER BY i."CrmCustomerId") AS rn
                FROM "Dimension"."Customer" AS c
                JOIN customer_match_{k} AS m ON m."CustomerKey" = c."CustomerKey"
                JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = m."CrmCustomerId"
                WHERE c."ValidTo" = TIMESTAMP '9999-12-31' AND (c."CrmCustomerId" IS NULL OR upper(c."CrmCustomerId") = upper(i."CrmCustomerId"))
                  AND (c."FullName" IS DISTINCT FROM i."FullName" OR c."Email" IS DISTINCT FROM i."Email"
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
            SELECT x."CustomerKey", @now, TIMESTAMP '9999-12-31', x."PrimaryId", x."WebVisitorId", x."SocialHandle",
                   i."FullName", i."Email", i."Phone", i."BirthDate", i."Gender", i."City", i."Country", i."SignupDate", i."ConsentMarketing", i."ConsentProfiling",
                   COALESCE(g."GeographyKey", 0), x."MatchRule", i."SourceUpdatedAt", {k}
            FROM customer_changed_{k} AS x
            JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = x."CrmCustomerId"
            LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = i."Country" AND g."City" = COALESCE(i."City", '')
            """, new { now });

        // An unchanged row of a customer's own CRM id that is newer than the stored version confirms it up to the row's time: the
        // version keeps its attributes and validity, its SourceUpdatedAt moves forward, so an older row of the id loaded later
        // is not newer than what is stored (as Integration.MigrateStagedCustomerData does).
        session.Execute($"""
            UPDATE "Dimension"."Customer" AS c SET "SourceUpdatedAt" = i."SourceUpdatedAt"
            FROM customer_match_{k} AS m
            JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = m."CrmCustomerId"
            WHERE c."CustomerKey" = m."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31' AND upper(c."CrmCustomerId") = upper(i."CrmCustomerId")
              AND i."SourceUpdatedAt" IS NOT NULL AND (c."SourceUpdatedAt" IS NULL OR i."SourceUpdatedAt" > c."SourceUpdatedAt")
            """);

        // New customers: one per group (a lone row is a group of its own), keys in group order, then CRM id order;
        // the primary row (earliest signup, then lowest CRM id) gives the attributes.
        session.Execute($"""
            CREATE TEMP TABLE customer_new_{k} AS
            SELECT m."CrmCustomerId", m."MatchRule",
                   CAST(dense_rank() OVER (ORDER BY COALESCE(m."NewCustomerGroup", -1), CASE WHEN m."NewCustomerGroup" IS NULL THEN m."CrmCustomerId" END) - 1 AS INTEGER) AS "Ordinal",
                   row_number() OVER (PARTITION BY COALESCE(CAST(m."NewCustomerGroup" AS VARCHAR), 'id:' || m."CrmCustomerId")
                                      ORDER BY i."SignupDate" NULLS LAST, m."CrmCustomerId") = 1 AS "IsPrimary"
            FROM customer_match_{k} AS m
            JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = m."CrmCustomerId"
            WHERE m."CustomerKey" IS NULL
            """);
        var fresh = session.Scalar<long>($"SELECT count(*) FROM customer_new_{k} WHERE \"IsPrimary\"");
        var freshRows = session.Scalar<long>($"SELECT count(*) FROM customer_new_{k}");
        var baseKey = 0L;
        if (fresh > 0)
        {
            baseKey = session.Scalar<long>("SELECT nextval('Sequences.CustomerKey')");
            if (fresh > 1)
            {
                session.Scalar<long>($"SELECT max(nextval('Sequences.CustomerKey')) FROM range({fresh - 1})");
            }

            session.Execute($"""
                INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "CrmCustomerId", {Attributes}, "GeographyKey", "MatchRule", "SourceUpdatedAt", "LineageKey")
                SELECT CAST(@baseKey + n."Ordinal" AS INTEGER), @now, TIMESTAMP '9999-12-31', i."CrmCustomerId",
                       i."FullName", i."Email", i."Phone", i."BirthDate", i."Gender", i."City", i."Country", i."SignupDate", i."ConsentMarketing", i."ConsentProfiling",
                       COALESCE(g."GeographyKey", 0), n."MatchRule", i."SourceUpdatedAt", {k}
                FROM customer_new_{k} AS n
                JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = n."CrmCustomerId"
                LEFT JOIN "Dimension"."Geography" AS g ON g."Country" = i."Country" AND g."City" = COALESCE(i."City", '')
                WHERE n."IsPrimary"
                """, new { baseKey, now });
        }

        // The source-key map: a mapped id takes the e-mail of its latest row (a duplicate registration's own address links
        // web and social rows to its customer); every CRM id of the load not mapped yet is added, with that e-mail and the
        // rule that tied it (crm-id for a primary id).
        // The id's update time too: its own latest applied row, which its next rows are compared with (CustomerIdentity).
        session.Execute($"""
            UPDATE "Integration"."CustomerKeyMap" AS x SET "Email" = i."Email", "SourceUpdatedAt" = COALESCE(i."SourceUpdatedAt", x."SourceUpdatedAt")
            FROM customer_incoming_{k} AS i
            WHERE upper(x."CrmCustomerId") = upper(i."CrmCustomerId")
              AND (x."Email" IS DISTINCT FROM i."Email" OR x."SourceUpdatedAt" IS DISTINCT FROM COALESCE(i."SourceUpdatedAt", x."SourceUpdatedAt"))
            """);
        session.Execute($"""
            INSERT INTO "Integration"."CustomerKeyMap" ("CrmCustomerId", "CustomerKey", "MatchRule", "MappedAt", "LineageKey", "Email", "SourceUpdatedAt")
            SELECT m."CrmCustomerId", COALESCE(m."CustomerKey", CAST(@baseKey + n."Ordinal" AS INTEGER)),
                   CASE WHEN n."IsPrimary" THEN 'crm-id' ELSE m."MatchRule" END, @now, {k}, i."Email", i."SourceUpdatedAt"
            FROM customer_match_{k} AS m
            LEFT JOIN customer_incoming_{k} AS i ON i."CrmCustomerId" = m."CrmCustomerId"
            LEFT JOIN customer_new_{k} AS n ON n."CrmCustomerId" = m."CrmCustomerId"
            WHERE NOT EXISTS (SELECT 1 FROM "Integration"."CustomerKeyMap" AS x WHERE upper(x."CrmCustomerId") = upper(m."CrmCustomerId"))
            """, new { baseKey, now });
        var merged = session.Query<(long All, long IntoExisting)>($"""
            SELECT count(*), count(*) FILTER (WHERE m."CustomerKey" IS NOT NULL)
            FROM "Integration"."CustomerKeyMap" AS x
            JOIN customer_match_{k} AS m ON m."CrmCustomerId" = x."CrmCustomerId"
            WHERE x."LineageKey" = {k}
              AND NOT EXISTS (SELECT 1 FROM "Dimension"."Customer" AS c
                              WHERE c."CustomerKey" = x."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31' AND upper(c."CrmCustomerId") = upper(x."CrmCustomerId"))
            """)[0];

        session.Checkpoint("customers");
        // Web sessions and social comments loaded before their customer's CRM row link now, as if loaded after it.
        var relinked = InteractionMigration.RelinkStored(session);
        session.Checkpoint("relinked");
        foreach (var table in new[] { "customer_new", "customer_changed", "customer_match", "customer_incoming" })
        {
            session.Execute($"DROP TABLE {table}_{k}");
        }

        return new Result(fresh, changed, incoming - freshRows - changed - merged.IntoExisting, staged - newer, lastUpdate, merged.All)
        {
            Superseded = newer - incoming,
            Duplicates = duplicates,
            Relinked = relinked,
        };
    }

    private static void Match(DuckDbLoadSession session, CustomerMatcher matcher)
    {
        var k = session.LineageKey;
        var incoming = session.Query<(string CrmCustomerId, string? FullName, string? Email, string? Phone, string? City, DateTime? BirthDate)>(
                $"SELECT \"CrmCustomerId\", \"FullName\", \"Email\", \"Phone\", \"City\", CAST(\"BirthDate\" AS TIMESTAMP) FROM customer_incoming_{k} ORDER BY 1")
            .Select(r => new IncomingCustomer(r.CrmCustomerId, r.FullName, r.Email, r.Phone, r.City, r.BirthDate is { } b ? DateOnly.FromDateTime(b) : null))
            .ToList();
        // Known customers once per CRM id they have (the view the SQL Server path reads too), current attributes.
        var current = session.Query<(int CustomerKey, string? CrmCustomerId, string? Email, string? Phone, string? FullName, string? City, DateTime? BirthDate)>("""
                SELECT "CustomerKey", "CrmCustomerId", "Email", "Phone", "FullName", "City", CAST("BirthDate" AS TIMESTAMP)
                FROM "Integration"."CustomerIdentity" ORDER BY 1, 2
                """)
            .Select(r => new CurrentCustomer(r.CustomerKey, r.CrmCustomerId, r.Email, r.Phone, r.FullName, r.City, r.BirthDate is { } b ? DateOnly.FromDateTime(b) : null))
            .ToList();
        var matches = matcher(incoming, current);
        session.Execute($"CREATE TEMP TABLE customer_match_{k} (\"CrmCustomerId\" VARCHAR NOT NULL, \"CustomerKey\" INTEGER, \"MatchRule\" VARCHAR NOT NULL, \"NewCustomerGroup\" INTEGER)");
        session.AppendTemporary<CustomerMatch, CustomerMatchMap>($"customer_match_{k}", matches);
    }
}
