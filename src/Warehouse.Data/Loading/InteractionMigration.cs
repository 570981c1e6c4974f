namespace Warehouse.Data.Loading;

/// <summary>
/// Moves staged web sessions and social comments into <c>Fact.WebSession</c> and <c>Fact.SocialInteraction</c>,
/// resolving the customer deterministically and recording the rule in the fact's <c>MatchRule</c>:
/// <list type="number">
/// <item>direct — web: the CRM id of a logged-in visitor (<c>crm-id</c>), else the SHA-256 of a customer's e-mail
/// (<c>email-hash</c>); social: the e-mail given with the comment, compared by the CRM identity rules' match key
/// (<see cref="EmailKey"/>: sub-address and Gmail dots ignored) (<c>email</c>). A customer's e-mails are its current
/// version's and those of all its CRM ids (<c>Integration.CustomerKeyMap.Email</c>: a duplicate registration's own
/// address). An e-mail or hash links only when exactly one customer has it: an address two customers share (a couple)
/// links neither, and the row is left to stitching;</item>
/// <item>stitch — a row without a direct link takes the customer of the other rows of the same web visitor id
/// (<c>visitor-stitch</c>) or of the same platform and handle, handles compared without case (<c>handle-stitch</c>),
/// when all direct links of that visitor/handle, in this load and in earlier ones, name exactly one customer;</item>
/// <item>conflict — a visitor/handle directly linked to two or more customers (a shared device, a shared account) stitches
/// nothing: its rows without a direct link stay on the Unknown customer (0) with <c>visitor-conflict</c> /
/// <c>handle-conflict</c>, and the load counts the conflicting visitors/handles;</item>
/// <item>otherwise the Unknown customer (0), rule <c>none</c>.</item>
/// </list>
/// A row without a direct link keeps its source identifier (web: <c>SourceCrmCustomerId</c>, <c>SourceEmailHash</c>;
/// social: <c>SourceEmailKeyHash</c>, the SHA-256 of the e-mail's match key, never the address), so the CRM load links it
/// once its customer arrives (<see cref="RelinkStored"/>); a crm-id or email link keeps none, an email-hash link keeps its
/// CRM id (the web load's precedence is the CRM id first: a CRM load that maps the id later upgrades the link to crm-id).
/// An e-mail link once made is kept: it is not withdrawn when the address later becomes shared or moves to another customer.
/// Stitching is recomputed for every visitor/handle the load touches, including its rows from earlier loads (an
/// anonymous session loaded last month links once the visitor logs in), so the result depends only on the set of rows
/// loaded, not on how they were split into files. The customer's <c>Dimension.Customer.WebVisitorId</c> /
/// <c>SocialHandle</c> (current version, updated in place: a source key, not a type 2 attribute) is the visitor id /
/// platform:handle of its earliest row among the visitors/handles linked to it alone (values over the column's 100
/// characters skipped). Rows are replaced by business
/// key (SessionId + WebVisitorId; Platform + CommentId) only when they changed, so a rerun changes nothing. Within one
/// file, rows of the same tracker session are merged into one session; a tracker session continued in a later file is
/// merged with its stored part (counts added; overlapping parts, i.e. repeated events, keep the larger count). A comment
/// id repeated on its platform in one file is rejected by <see cref="RunSocial"/> first (<see cref="StagingDuplicates"/>:
/// the first line stays), as SQL Server's procedure does, so each comment id has one staged row.
/// <para>On DuckDB the sessions and comments of a load are staged in a temporary table of the load's transaction
/// (<see cref="StageWeb"/>, <see cref="StageSocial"/>; the columns of <c>Integration.WebSession_Staging</c> /
/// <c>Integration.SocialInteraction_Staging</c>, no key, index or constraint), as purchases are: staging is transient, the
/// key's index made appending and the closing DELETE cost more than the rows were worth, and the table vanishes with a
/// rollback or is dropped once its rows are resolved. SQL Server still stages into the Integration tables (SqlBulkCopy).</para>
/// </summary>
public static class InteractionMigration
{
    /// <summary>
    /// The view <c>Integration.CustomerEmail</c> (one definition for both engines, translated from its T-SQL file): each
    /// customer's e-mails, its current version's and those of all its CRM ids in the source-key map (a duplicate
    /// registration's own address), never the Unknown customer. The direct e-mail links read it.
    /// </summary>
    private const string CustomerEmails = "\"Integration\".\"CustomerEmail\"";

    /// <summary>The web sessions' hash of a customer's e-mail (column <c>Email</c> of <see cref="CustomerEmails"/>).</summary>
    private const string WebEmailHash = "sha256(\"Email\")";

    /// <summary>The social comments' hash of a customer's e-mail: of its match key (<see cref="EmailKey"/>).</summary>
    private static readonly string SocialEmailKeyHash = $"sha256({EmailKey("\"Email\"")})";

    /// <summary>
    /// A direct e-mail link as a derived table (<paramref name="column"/>, <c>CustomerKey</c>): per <paramref name="hash"/> of a
    /// customer's e-mail, the customer, for hashes exactly one customer has. With <paramref name="onlyIn"/> (a query of hashes),
    /// only those hashes: a hash's customers are all its e-mails', so filtering before the exactly-one test changes no link.
    /// </summary>
    private static string ByEmailHash(string hash, string column, string? onlyIn = null) => $"""
        (SELECT {hash} AS "{column}", min("CustomerKey") AS "CustomerKey" FROM {CustomerEmails}
         {(onlyIn is null ? string.Empty : $"WHERE {hash} IN ({onlyIn})")}
         GROUP BY 1 HAVING count(DISTINCT "CustomerKey") = 1)
        """;

    /// <summary>
    /// The web sessions' direct e-mail link: per SHA-256 of a customer's e-mail (lower-case hex of the UTF-8 bytes, as
    /// <c>EmailRules.Sha256Hex</c> writes a tracker's <c>email_hash</c>), the customer, for hashes exactly one customer has.
    /// Read by <see cref="RunWeb"/> and by the CRM load's re-link (<see cref="RelinkStored"/>).
    /// </summary>
    private static readonly string WebByEmailHash = ByEmailHash(WebEmailHash, "EmailHash");

    /// <summary>
    /// The social comments' direct e-mail link: per SHA-256 of the match key (<see cref="EmailKey"/>) of a customer's e-mail,
    /// the customer, for keys exactly one customer has. A comment keeps only this hash of its address while unlinked
    /// (<c>SourceEmailKeyHash</c>), never the address: hashing the match key, not the address, keeps the sub-address rule
    /// for the CRM load's re-link (<see cref="RelinkStored"/>), which cannot recompute a key from a hash.
    /// </summary>
    private static readonly string SocialByEmailKeyHash = ByEmailHash(SocialEmailKeyHash, "EmailKeyHash");

    private static readonly Stitching Web = new(
        Prefix: "web", Fact: "\"Fact\".\"WebSession\"", DirectRules: "'crm-id', 'email-hash'", StitchRule: "visitor-stitch", ConflictRule: "visitor-conflict",
        Identity: a => $"{a}.\"WebVisitorId\"", SameRow: "f.\"SessionId\" = r.\"SessionId\" AND f.\"WebVisitorId\" = r.\"WebVisitorId\"",
        DimensionColumn: "WebVisitorId", DimensionValue: a => $"{a}.\"WebVisitorId\"", Earliest: "f.\"StartTime\", f.\"SessionId\", f.\"WebVisitorId\"",
        ClearSource: "\"SourceCrmCustomerId\" = CASE WHEN r.\"MatchRule\" = 'crm-id' THEN NULL ELSE f.\"SourceCrmCustomerId\" END, \"SourceEmailHash\" = NULL");

    private static readonly Stitching Social = new(
        Prefix: "social", Fact: "\"Fact\".\"SocialInteraction\"", DirectRules: "'email'", StitchRule: "handle-stitch", ConflictRule: "handle-conflict",
        Identity: a => $"{a}.\"Platform\" || ':' || lower({a}.\"SocialHandle\")", SameRow: "f.\"Platform\" = r.\"Platform\" AND f.\"CommentId\" = r.\"CommentId\"",
        DimensionColumn: "SocialHandle", DimensionValue: a => $"{a}.\"Platform\" || ':' || {a}.\"SocialHandle\"", Earliest: "f.\"CommentTime\", f.\"Platform\", f.\"CommentId\"",
        ClearSource: "\"SourceEmailKeyHash\" = NULL");

    /// <summary>What a web or social migration did.</summary>
    /// <param name="Inserted">Fact rows inserted (new or changed).</param>
    /// <param name="Matched">Rows of this load linked to a customer.</param>
    /// <param name="ByRule">Rows of this load per <c>MatchRule</c> (crm-id, email-hash, email, visitor-stitch, handle-stitch, …, none).</param>
    /// <param name="Relinked">Rows of earlier loads whose customer changed because this load stitched (or un-stitched) their visitor/handle.</param>
    /// <param name="Conflicts">Visitors/handles of this load directly linked to two or more customers (not stitched).</param>
    /// <param name="Last">Latest start/comment time of the load.</param>
    public sealed record Result(long Inserted, long Matched, IReadOnlyDictionary<string, long> ByRule, long Relinked, long Conflicts, DateTime? Last)
    {
        /// <summary>The per-rule counts as text, e.g. "crm-id 10, visitor-stitch 3, none 2".</summary>
        public string RulesText => string.Join(", ", ByRule.Select(r => $"{r.Key} {r.Value:N0}"));

        /// <summary>Staged rows rejected as repeats of an earlier line (social: same platform and comment id); not counted in the other figures.</summary>
        public long Duplicates { get; init; }
    }

    /// <summary>Staging columns written, as JSON, into a repeated comment's reject.</summary>
    private static readonly string[] SocialRecordColumns =
        ["Platform", "CommentId", "SocialHandle", "Email", "ReplyToCommentId", "CommentTime", "CommentText", "Likes"];

    /// <summary>Name of the session's temporary staging table of web sessions (catalog temp, schema main).</summary>
    public static string WebStagingTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"web_staging_{session.LineageKey}";
    }

    /// <summary>Name of the session's temporary staging table of social comments (catalog temp, schema main).</summary>
    public static string SocialStagingTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"social_staging_{session.LineageKey}";
    }

    /// <summary>
    /// Stages web sessions into the session's temporary table <see cref="WebStagingTable"/> (created on first use with the
    /// columns of <c>Integration.WebSession_Staging</c>) through the column-wise appender (<see cref="Warehouse.Data.DuckDb.StagingMap{T}"/>: text kept exactly, U+0000 included), streaming; returns the rows staged.
    /// </summary>
    public static long StageWeb(DuckDbLoadSession session, IEnumerable<WebSessionStagingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(session);
        var table = WebStagingTable(session);
        session.CreateTemporaryStaging(table, "WebSession_Staging");
        return session.AppendTemporary<WebSessionStagingRow, WebSessionStagingRowMap>(table, rows);
    }

    /// <summary>
    /// Stages social comments into the session's temporary table <see cref="SocialStagingTable"/> (created on first use with
    /// the columns of <c>Integration.SocialInteraction_Staging</c>) through the column-wise appender (<see cref="Warehouse.Data.DuckDb.StagingMap{T}"/>: text kept exactly, U+0000 included), streaming; returns the rows staged.
    /// </summary>
    public static long StageSocial(DuckDbLoadSession session, IEnumerable<SocialStagingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(session);
        var table = SocialStagingTable(session);
        session.CreateTemporaryStaging(table, "SocialInteraction_Staging");
        return session.AppendTemporary<SocialStagingRow, SocialStagingRowMap>(table, rows);
    }

    /// <summary>Migrates the session's staged web sessions (<see cref="StageWeb"/>), then drops the staging table.</summary>
    public static Result RunWeb(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        var staging = WebStagingTable(session);
        session.CreateTemporaryStaging(staging, "WebSession_Staging");
        var range = PrepareDimensions(session, "web", "Web shop", staging, "StartTime");

        // One statement from the staged rows to the resolved sessions (the intermediate results are not materialised):
        // 1. parts: rows of one tracker session (same SessionId and visitor) are one session: merged, never dropped.
        // 2. continued: a tracker session split across files (events in this load and in an earlier one) is one session.
        //    The first part of a tracker session in this file (no '#' suffix) continues the visitor's stored session of the
        //    same tracker session (the id itself or id + '#' + start) that lies within the inactivity gap (30 minutes) of
        //    it, the latest such; a later part ('#' + start time) is the stored session of the same name. Both are an
        //    equi-join on the visitor and the tracker id (the id before any '#'), so the stored sessions are read once
        //    through a hash join whatever their number.
        // 3. merged: continuations add up their counts; parts whose time ranges overlap are the same events exported
        //    twice (a file that repeats earlier events, a superset export) and keep the larger count of each. A first part
        //    with no stored session near it, whose name is taken by a stored session at another time, is named as the
        //    sessionizer names a later part (tracker id + '#' + UTC start). The name check is a plain equi-join (at most
        //    one stored row per name and visitor): with "no continuation" in its ON clause DuckDB joined it by nested loops,
        //    stored sessions × staged sessions (bench/LOAD.md, "Web migration").
        // 4. the customer: the CRM id of either part (this file's part, else the stored part's crm-id link), else this part's
        //    e-mail hash, else the stored part's email-hash link, as if both parts had come in one file (the CRM id first).
        //    Only a crm-id link forgets the CRM id:
        //    a session linked by e-mail hash keeps it (SourceCrmCustomerId), so a CRM load that maps the id later upgrades the
        //    link to crm-id (RelinkStored), as when the CRM row came first; any direct link forgets the e-mail hash.
        session.Execute($"""
            CREATE TEMP TABLE web_resolved_{k} AS
            WITH parts AS (
                SELECT "SessionId", "WebVisitorId", min("StartTime") AS "StartTime", max("EndTime") AS "EndTime",
                       CAST(sum("PageViews") AS INTEGER) AS "PageViews", CAST(sum("ProductViews") AS INTEGER) AS "ProductViews",
                       CAST(sum("AddToCarts") AS INTEGER) AS "AddToCarts", CAST(sum("Conversions") AS INTEGER) AS "Conversions",
                       arg_min("Device", "StartTime") AS "Device", arg_min("Referrer", "StartTime") AS "Referrer",
                       arg_min("CrmCustomerId", "StartTime") FILTER (WHERE "CrmCustomerId" IS NOT NULL) AS "CrmCustomerId",
                       arg_min("EmailHash", "StartTime") FILTER (WHERE "EmailHash" IS NOT NULL) AS "EmailHash"
                FROM {staging}
                GROUP BY "SessionId", "WebVisitorId"),
            continued AS (
                SELECT p."SessionId" AS "PartSessionId", p."WebVisitorId", x."SessionId", x."StartTime", x."EndTime", x."PageViews",
                       x."ProductViews", x."AddToCarts", x."Conversions", x."Device", x."Referrer", x."CustomerKey", x."MatchRule",
                       x."SourceCrmCustomerId", x."SourceEmailHash",
                       p."StartTime" <= x."EndTime" AND p."EndTime" >= x."StartTime" AS "Overlaps"
                FROM parts AS p
                JOIN "Fact"."WebSession" AS x
                  ON x."WebVisitorId" = p."WebVisitorId" AND split_part(x."SessionId", '#', 1) = split_part(p."SessionId", '#', 1)
                WHERE CASE WHEN position('#' IN p."SessionId") = 0
                           THEN x."StartTime" <= p."EndTime" + INTERVAL 30 MINUTE AND x."EndTime" >= p."StartTime" - INTERVAL 30 MINUTE
                           ELSE x."SessionId" = p."SessionId" END
                QUALIFY row_number() OVER (PARTITION BY p."SessionId", p."WebVisitorId" ORDER BY x."StartTime" DESC, x."SessionId") = 1),
            merged AS (
                SELECT CASE WHEN f."SessionId" IS NOT NULL THEN f."SessionId"
                            WHEN taken."SessionId" IS NOT NULL THEN p."SessionId" || '#' || strftime(p."StartTime", '%Y%m%dT%H%M%SZ')
                            ELSE p."SessionId" END AS "SessionId",
                       p."WebVisitorId",
                       CASE WHEN f."SessionId" IS NULL THEN p."StartTime" ELSE least(p."StartTime", f."StartTime") END AS "StartTime",
                       CASE WHEN f."SessionId" IS NULL THEN p."EndTime" ELSE greatest(p."EndTime", f."EndTime") END AS "EndTime",
                       CASE WHEN f."SessionId" IS NULL THEN p."PageViews" WHEN f."Overlaps" THEN greatest(p."PageViews", f."PageViews") ELSE p."PageViews" + f."PageViews" END AS "PageViews",
                       CASE WHEN f."SessionId" IS NULL THEN p."ProductViews" WHEN f."Overlaps" THEN greatest(p."ProductViews", f."ProductViews") ELSE p."ProductViews" + f."ProductViews" END AS "ProductViews",
                       CASE WHEN f."SessionId" IS NULL THEN p."AddToCarts" WHEN f."Overlaps" THEN greatest(p."AddToCarts", f."AddToCarts") ELSE p."AddToCarts" + f."AddToCarts" END AS "AddToCarts",
                       CASE WHEN f."SessionId" IS NULL THEN p."Conversions" WHEN f."Overlaps" THEN greatest(p."Conversions", f."Conversions") ELSE p."Conversions" + f."Conversions" END AS "Conversions",
                       CASE WHEN f."SessionId" IS NOT NULL AND f."StartTime" <= p."StartTime" THEN f."Device" ELSE p."Device" END AS "Device",
                       CASE WHEN f."SessionId" IS NOT NULL AND f."StartTime" <= p."StartTime" THEN f."Referrer" ELSE p."Referrer" END AS "Referrer",
                       COALESCE(p."CrmCustomerId", f."SourceCrmCustomerId") AS "CrmCustomerId", COALESCE(p."EmailHash", f."SourceEmailHash") AS "EmailHash",
                       CASE WHEN f."MatchRule" IN ('crm-id', 'email-hash') THEN f."CustomerKey" END AS "StoredKey",
                       CASE WHEN f."MatchRule" IN ('crm-id', 'email-hash') THEN f."MatchRule" END AS "StoredRule"
                FROM parts AS p
                LEFT JOIN continued AS f ON f."PartSessionId" = p."SessionId" AND f."WebVisitorId" = p."WebVisitorId"
                LEFT JOIN "Fact"."WebSession" AS taken ON taken."SessionId" = p."SessionId" AND taken."WebVisitorId" = p."WebVisitorId")
            SELECT COALESCE(byId."CustomerKey", CASE WHEN s."StoredRule" = 'crm-id' THEN s."StoredKey" END, byEmail."CustomerKey", s."StoredKey", 0) AS "CustomerKey",
                   CASE WHEN byId."CustomerKey" IS NOT NULL OR s."StoredRule" = 'crm-id' THEN 'crm-id' WHEN byEmail."CustomerKey" IS NOT NULL THEN 'email-hash'
                        ELSE COALESCE(s."StoredRule", 'none') END AS "MatchRule",
                   CAST(strftime(s."StartTime", '%Y%m%d') AS INTEGER) AS "DateKey",
                   (SELECT "ChannelKey" FROM "Dimension"."Channel" WHERE "ChannelCode" = 'web') AS "ChannelKey",
                   s."SessionId", s."WebVisitorId", s."StartTime", s."EndTime",
                   CAST(datediff('second', s."StartTime", s."EndTime") AS INTEGER) AS "DurationSeconds",
                   s."PageViews", s."ProductViews", s."AddToCarts", s."Conversions", s."Device", s."Referrer",
                   CASE WHEN byId."CustomerKey" IS NOT NULL OR s."StoredRule" = 'crm-id' THEN NULL
                        ELSE s."CrmCustomerId" END AS "SourceCrmCustomerId",
                   CASE WHEN COALESCE(byId."CustomerKey", byEmail."CustomerKey", s."StoredKey") IS NULL THEN s."EmailHash" END AS "SourceEmailHash"
            FROM merged AS s
            LEFT JOIN {CustomerKeyMap.ByCrmIdKey} AS byId ON byId."CrmIdKey" = upper(s."CrmCustomerId")
            LEFT JOIN {WebByEmailHash} AS byEmail ON byEmail."EmailHash" = s."EmailHash"
            """);
        var conflicts = Stitch(session, Web, $"web_resolved_{k}");
        session.Execute($"""
            DELETE FROM "Fact"."WebSession" AS f USING web_resolved_{k} AS r
            WHERE f."SessionId" = r."SessionId" AND f."WebVisitorId" = r."WebVisitorId"
              AND (f."CustomerKey" IS DISTINCT FROM r."CustomerKey" OR f."MatchRule" IS DISTINCT FROM r."MatchRule"
                   OR f."StartTime" IS DISTINCT FROM r."StartTime" OR f."EndTime" IS DISTINCT FROM r."EndTime"
                   OR f."PageViews" IS DISTINCT FROM r."PageViews" OR f."ProductViews" IS DISTINCT FROM r."ProductViews"
                   OR f."AddToCarts" IS DISTINCT FROM r."AddToCarts" OR f."Conversions" IS DISTINCT FROM r."Conversions"
                   OR f."Device" IS DISTINCT FROM r."Device" OR f."Referrer" IS DISTINCT FROM r."Referrer"
                   OR f."SourceCrmCustomerId" IS DISTINCT FROM r."SourceCrmCustomerId" OR f."SourceEmailHash" IS DISTINCT FROM r."SourceEmailHash")
            """);
        var inserted = session.Execute($"""
            INSERT INTO "Fact"."WebSession" ("CustomerKey", "DateKey", "ChannelKey", "SessionId", "WebVisitorId", "StartTime", "EndTime", "DurationSeconds",
                "PageViews", "ProductViews", "AddToCarts", "Conversions", "Device", "Referrer", "MatchRule", "LineageKey", "SourceCrmCustomerId", "SourceEmailHash")
            SELECT r."CustomerKey", r."DateKey", r."ChannelKey", r."SessionId", r."WebVisitorId", r."StartTime", r."EndTime", r."DurationSeconds",
                   r."PageViews", r."ProductViews", r."AddToCarts", r."Conversions", r."Device", r."Referrer", r."MatchRule", {k}, r."SourceCrmCustomerId", r."SourceEmailHash"
            FROM web_resolved_{k} AS r
            WHERE NOT EXISTS (SELECT 1 FROM "Fact"."WebSession" AS f WHERE f."SessionId" = r."SessionId" AND f."WebVisitorId" = r."WebVisitorId")
            ORDER BY r."StartTime", r."SessionId", r."WebVisitorId"
            """);
        return Finish(session, Web, $"web_resolved_{k}", inserted, conflicts, range.Last, staging);
    }

    /// <summary>
    /// Migrates the session's staged comments (<see cref="StageSocial"/>), then drops the staging table. A comment id repeated on
    /// its platform is rejected first into Integration.RejectedSocialInteraction, naming its first line, which stays
    /// (<see cref="Result.Duplicates"/>).
    /// </summary>
    public static Result RunSocial(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        var staging = SocialStagingTable(session);
        session.CreateTemporaryStaging(staging, "SocialInteraction_Staging");
        var duplicates = StagingDuplicates.Reject(session, staging, ["Platform", "CommentId"], "RejectedSocialInteraction", "comment_id", SocialRecordColumns);
        var range = PrepareDimensions(session, "social", "Social media", staging, "CommentTime");

        session.Execute($"""
            CREATE TEMP TABLE social_resolved_{k} AS
            SELECT COALESCE(byEmail."CustomerKey", 0) AS "CustomerKey",
                   CASE WHEN byEmail."CustomerKey" IS NOT NULL THEN 'email' ELSE 'none' END AS "MatchRule",
                   CAST(strftime(s."CommentTime", '%Y%m%d') AS INTEGER) AS "DateKey",
                   (SELECT "ChannelKey" FROM "Dimension"."Channel" WHERE "ChannelCode" = 'social') AS "ChannelKey",
                   s."Platform", s."CommentId", s."SocialHandle", s."ReplyToCommentId", s."CommentTime", s."CommentText", s."Likes",
                   s."SentimentScore", s."SentimentLabel", s."Keywords",
                   CASE WHEN byEmail."CustomerKey" IS NULL THEN sha256({EmailKey("s.\"Email\"")}) END AS "SourceEmailKeyHash"
            FROM {staging} AS s
            LEFT JOIN {SocialByEmailKeyHash} AS byEmail ON byEmail."EmailKeyHash" = sha256({EmailKey("s.\"Email\"")})
            """);
        var conflicts = Stitch(session, Social, $"social_resolved_{k}");
        // A stored comment that changed is replaced (deleted here, inserted below), its keyword rows with it.
        session.Execute($"""
            CREATE TEMP TABLE social_replaced_{k} AS
            SELECT f."SocialInteractionKey"
            FROM "Fact"."SocialInteraction" AS f JOIN social_resolved_{k} AS r ON f."Platform" = r."Platform" AND f."CommentId" = r."CommentId"
            WHERE f."CustomerKey" IS DISTINCT FROM r."CustomerKey" OR f."MatchRule" IS DISTINCT FROM r."MatchRule" OR f."SocialHandle" IS DISTINCT FROM r."SocialHandle"
               OR f."ReplyToCommentId" IS DISTINCT FROM r."ReplyToCommentId" OR f."CommentTime" IS DISTINCT FROM r."CommentTime"
               OR f."CommentText" IS DISTINCT FROM r."CommentText" OR f."Likes" IS DISTINCT FROM r."Likes"
               OR f."SentimentScore" IS DISTINCT FROM r."SentimentScore" OR f."Keywords" IS DISTINCT FROM r."Keywords"
               OR f."SourceEmailKeyHash" IS DISTINCT FROM r."SourceEmailKeyHash"
            """);
        session.Execute($"""
            DELETE FROM "Fact"."SocialKeyword" AS w USING social_replaced_{k} AS x WHERE w."SocialInteractionKey" = x."SocialInteractionKey"
            """);
        session.Execute($"""
            DELETE FROM "Fact"."SocialInteraction" AS f USING social_replaced_{k} AS x WHERE f."SocialInteractionKey" = x."SocialInteractionKey"
            """);
        session.Execute($"DROP TABLE social_replaced_{k}");
        var inserted = session.Execute($"""
            INSERT INTO "Fact"."SocialInteraction" ("CustomerKey", "DateKey", "ChannelKey", "Platform", "CommentId", "SocialHandle", "ReplyToCommentId",
                "CommentTime", "CommentText", "Likes", "SentimentScore", "SentimentLabel", "Keywords", "MatchRule", "LineageKey", "SourceEmailKeyHash")
            SELECT r."CustomerKey", r."DateKey", r."ChannelKey", r."Platform", r."CommentId", r."SocialHandle", r."ReplyToCommentId",
                   r."CommentTime", r."CommentText", r."Likes", r."SentimentScore", r."SentimentLabel", r."Keywords", r."MatchRule", {k}, r."SourceEmailKeyHash"
            FROM social_resolved_{k} AS r
            WHERE NOT EXISTS (SELECT 1 FROM "Fact"."SocialInteraction" AS f WHERE f."Platform" = r."Platform" AND f."CommentId" = r."CommentId")
            ORDER BY r."CommentTime", r."Platform", r."CommentId"
            """);
        InsertKeywords(session);
        return Finish(session, Social, $"social_resolved_{k}", inserted, conflicts, range.Last, staging) with { Duplicates = duplicates };
    }

    /// <summary>
    /// The keywords of each comment without keyword rows (this load's new and replaced comments, and comments stored before
    /// <c>Fact.SocialKeyword</c> existed) as rows of <c>Fact.SocialKeyword</c>: its <c>Keywords</c> list split at the commas
    /// (RAKE phrases have none), leading spaces trimmed, each keyword once per comment. The same rows as SQL Server's
    /// <c>Integration.MigrateStagedSocialInteractionData</c> (STRING_SPLIT, LTRIM, binary collation). The customer is not copied:
    /// views read it through the comment, so re-linking a comment needs no second update.
    /// </summary>
    private static void InsertKeywords(DuckDbLoadSession session)
    {
        session.Execute($"""
            INSERT INTO "Fact"."SocialKeyword" ("SocialInteractionKey", "Keyword", "LineageKey")
            SELECT DISTINCT s."SocialInteractionKey", s."Keyword", {session.LineageKey}
            FROM (SELECT f."SocialInteractionKey", ltrim(unnest(string_split(f."Keywords", ','))) AS "Keyword"
                  FROM "Fact"."SocialInteraction" AS f
                  WHERE f."Keywords" IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM "Fact"."SocialKeyword" AS x WHERE x."SocialInteractionKey" = f."SocialInteractionKey")) AS s
            WHERE s."Keyword" <> ''
            ORDER BY 1, 2
            """);
    }

    /// <summary>
    /// Links the rows of <paramref name="resolved"/> without a direct link through their visitor/handle: the customers
    /// of its direct links in this load and in the fact table (rows this load replaces excluded). Leaves the per-identity
    /// table <c>{prefix}_identity_{k}</c> (identity, number of customers, the customer when one) for <see cref="Finish"/>.
    /// Returns the number of conflicting identities.
    /// </summary>
    private static long Stitch(DuckDbLoadSession session, Stitching s, string resolved)
    {
        var identities = $"{s.Prefix}_identity_{session.LineageKey}";
        session.Execute($"""
            CREATE TEMP TABLE {identities} AS
            SELECT i."IdentityKey", CAST(count(DISTINCT e."CustomerKey") AS BIGINT) AS "Customers", min(e."CustomerKey") AS "CustomerKey"
            FROM (SELECT DISTINCT {s.Identity("r")} AS "IdentityKey" FROM {resolved} AS r) AS i
            LEFT JOIN (SELECT {s.Identity("r")} AS "IdentityKey", r."CustomerKey" FROM {resolved} AS r WHERE r."MatchRule" IN ({s.DirectRules})
                       UNION ALL
                       SELECT {s.Identity("f")}, f."CustomerKey" FROM {s.Fact} AS f
                       WHERE f."MatchRule" IN ({s.DirectRules}) AND NOT EXISTS (SELECT 1 FROM {resolved} AS r WHERE {s.SameRow})) AS e
                   ON e."IdentityKey" = i."IdentityKey"
            GROUP BY i."IdentityKey"
            """);
        session.Execute($"""
            UPDATE {resolved} AS r
            SET "CustomerKey" = CASE WHEN i."Customers" = 1 THEN i."CustomerKey" ELSE 0 END,
                "MatchRule" = CASE WHEN i."Customers" = 1 THEN '{s.StitchRule}' ELSE '{s.ConflictRule}' END
            FROM {identities} AS i
            WHERE r."MatchRule" = 'none' AND i."IdentityKey" = {s.Identity("r")} AND i."Customers" > 0
            """);
        return session.Scalar<long>($"SELECT count(*) FROM {identities} WHERE \"Customers\" > 1");
    }

    /// <summary>
    /// After the facts of the load are written: re-links the earlier rows of the touched visitors/handles, fills the
    /// customers' visitor id / handle, counts, and drops the temporary tables, the load's staging table among them.
    /// </summary>
    private static Result Finish(DuckDbLoadSession session, Stitching s, string resolved, long inserted, long conflicts, DateTime? last, string staging)
    {
        var k = session.LineageKey;
        var identities = $"{s.Prefix}_identity_{k}";
        var relinked = Restitch(session, s, resolved, resolved);
        var byRule = session.Query<(string Rule, long Rows)>($"SELECT \"MatchRule\", count(*) FROM {resolved} GROUP BY 1 ORDER BY 2 DESC, 1")
            .ToDictionary(r => r.Rule, r => r.Rows, StringComparer.Ordinal);
        var matched = session.Scalar<long>($"SELECT count(*) FROM {resolved} WHERE \"CustomerKey\" <> 0");
        session.Checkpoint("facts");
        session.Execute($"DROP TABLE {identities}");
        session.Execute($"DROP TABLE {resolved}");
        session.Execute($"DROP TABLE {staging}");
        return new Result(inserted, matched, byRule, relinked, conflicts, last);
    }

    /// <summary>
    /// Re-links the stored rows of the visitors/handles of <paramref name="resolved"/> that have no direct link of their own
    /// to what <see cref="Stitch"/> found for their identity (stitched, un-stitched on a conflict, or none), and sets the
    /// customers' visitor id / handle in <c>Dimension.Customer</c> for the customers of <paramref name="customers"/> (a table
    /// with a <c>CustomerKey</c> column: the load's resolved rows, or the re-link's customers before and after). Returns the
    /// fact rows whose customer or rule changed. The web and social loads and the CRM load's re-link run it.
    /// </summary>
    private static long Restitch(DuckDbLoadSession session, Stitching s, string resolved, string customers)
    {
        var identities = $"{s.Prefix}_identity_{session.LineageKey}";
        var relinked = session.Execute($"""
            UPDATE {s.Fact} AS f
            SET "CustomerKey" = CASE WHEN i."Customers" = 1 THEN i."CustomerKey" ELSE 0 END,
                "MatchRule" = CASE i."Customers" WHEN 0 THEN 'none' WHEN 1 THEN '{s.StitchRule}' ELSE '{s.ConflictRule}' END
            FROM {identities} AS i
            WHERE i."IdentityKey" = {s.Identity("f")} AND COALESCE(f."MatchRule", 'none') NOT IN ({s.DirectRules})
              AND (f."CustomerKey" IS DISTINCT FROM (CASE WHEN i."Customers" = 1 THEN i."CustomerKey" ELSE 0 END)
                   OR f."MatchRule" IS DISTINCT FROM (CASE i."Customers" WHEN 0 THEN 'none' WHEN 1 THEN '{s.StitchRule}' ELSE '{s.ConflictRule}' END))
            """);
        session.Execute($"""
            UPDATE "Dimension"."Customer" AS c SET "{s.DimensionColumn}" = x."Value"
            FROM (SELECT t."CustomerKey", v."Value"
                  FROM (SELECT DISTINCT "CustomerKey" FROM {customers} WHERE "CustomerKey" <> 0) AS t
                  LEFT JOIN (SELECT f."CustomerKey", {s.DimensionValue("f")} AS "Value"
                             FROM {s.Fact} AS f
                             WHERE f."CustomerKey" IN (SELECT "CustomerKey" FROM {customers})
                               AND f."MatchRule" IN ({s.DirectRules}, '{s.StitchRule}') AND length({s.DimensionValue("f")}) <= 100
                               AND {s.Identity("f")} NOT IN (SELECT {s.Identity("g")} FROM {s.Fact} AS g WHERE g."MatchRule" IN ({s.DirectRules})
                                                            GROUP BY 1 HAVING count(DISTINCT g."CustomerKey") > 1)
                             QUALIFY row_number() OVER (PARTITION BY f."CustomerKey" ORDER BY {s.Earliest}) = 1) AS v
                         ON v."CustomerKey" = t."CustomerKey") AS x
            WHERE c."CustomerKey" = x."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31' AND c."{s.DimensionColumn}" IS DISTINCT FROM x."Value"
            """);
        return relinked;
    }

    /// <summary>What the CRM load's re-link of stored web sessions and social comments did (<see cref="RelinkStored"/>).</summary>
    /// <param name="WebDirect">Sessions linked by their kept CRM id (crm-id) or e-mail hash (email-hash).</param>
    /// <param name="WebStitched">Other sessions of those visitors whose customer or rule changed by stitching.</param>
    /// <param name="SocialDirect">Comments linked by their kept e-mail match key hash (email).</param>
    /// <param name="SocialStitched">Other comments of those handles whose customer or rule changed by stitching.</param>
    public sealed record Relinked(long WebDirect, long WebStitched, long SocialDirect, long SocialStitched)
    {
        /// <summary>All fact rows whose customer or rule the re-link changed.</summary>
        public long Total => WebDirect + WebStitched + SocialDirect + SocialStitched;
    }

    /// <summary>
    /// The CRM load's re-link, in its transaction after the customers and the source-key map are written: a stored web session
    /// or social comment without a direct link that kept its source identifier (<c>SourceCrmCustomerId</c> /
    /// <c>SourceEmailHash</c>, <c>SourceEmailKeyHash</c>: a row loaded before its customer's CRM row) gets the customer that
    /// identifier names now, with the rule the web/social load would have given it (crm-id, else email-hash; email), only
    /// when exactly one customer has the e-mail (the same lookups as <see cref="RunWeb"/> and <see cref="RunSocial"/>), and
    /// forgets the identifier (an email-hash link keeps its CRM id); a session linked by e-mail hash whose kept CRM id now
    /// maps to a customer is upgraded to crm-id (the web load's precedence). Then the visitors/handles of those rows are
    /// re-stitched exactly as the web/social loads do (<see cref="Stitch"/>, <see cref="Restitch"/>), and the visitor id /
    /// handle of the customers those rows named before and after is recomputed. So CRM-id links and first links do not
    /// depend on the order in which sources are loaded; an e-mail link once made is kept (not withdrawn when the address
    /// later becomes shared or moves). A rerun finds nothing to do.
    /// SQL Server: <c>Integration.RelinkStoredInteractions</c>, run by <c>Integration.MigrateStagedCustomerData</c>.
    /// </summary>
    public static Relinked RelinkStored(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        // Customer e-mails are hashed only when a session keeps a hash (often none: sessions kept for their CRM id alone), and
        // only those whose hash a session keeps are grouped (a hash's customers are all its e-mails', so filtering by hash
        // before the exactly-one test changes no link).
        var keptHash = session.Scalar<bool>("SELECT EXISTS (SELECT 1 FROM \"Fact\".\"WebSession\" WHERE \"SourceEmailHash\" IS NOT NULL)");
        var webByKeptHash = !keptHash
            ? "(SELECT CAST(NULL AS VARCHAR) AS \"EmailHash\", CAST(NULL AS INTEGER) AS \"CustomerKey\" WHERE false)"
            : ByEmailHash(WebEmailHash, "EmailHash", "SELECT \"SourceEmailHash\" FROM \"Fact\".\"WebSession\" WHERE \"SourceEmailHash\" IS NOT NULL");
        var (webDirect, webStitched) = Relink(session, Web, "\"SourceCrmCustomerId\" IS NOT NULL OR \"SourceEmailHash\" IS NOT NULL", $"""
            SELECT f."SessionId", f."WebVisitorId", COALESCE(byId."CustomerKey", byEmail."CustomerKey") AS "CustomerKey",
                   CASE WHEN byId."CustomerKey" IS NOT NULL THEN 'crm-id' ELSE 'email-hash' END AS "MatchRule"
            FROM "Fact"."WebSession" AS f
            LEFT JOIN {CustomerKeyMap.ByCrmIdKey} AS byId ON byId."CrmIdKey" = upper(f."SourceCrmCustomerId")
            LEFT JOIN {webByKeptHash} AS byEmail ON byEmail."EmailHash" = f."SourceEmailHash"
            WHERE (COALESCE(f."MatchRule", 'none') NOT IN ('crm-id', 'email-hash') AND COALESCE(byId."CustomerKey", byEmail."CustomerKey") IS NOT NULL)
               OR (f."MatchRule" = 'email-hash' AND byId."CustomerKey" IS NOT NULL)
            """);
        var (socialDirect, socialStitched) = Relink(session, Social, "\"SourceEmailKeyHash\" IS NOT NULL", $"""
            SELECT f."Platform", f."CommentId", f."SocialHandle", byEmail."CustomerKey", 'email' AS "MatchRule"
            FROM "Fact"."SocialInteraction" AS f
            JOIN {ByEmailHash(SocialEmailKeyHash, "EmailKeyHash", "SELECT \"SourceEmailKeyHash\" FROM \"Fact\".\"SocialInteraction\" WHERE \"SourceEmailKeyHash\" IS NOT NULL")} AS byEmail
                 ON byEmail."EmailKeyHash" = f."SourceEmailKeyHash"
            WHERE COALESCE(f."MatchRule", 'none') <> 'email'
            """);
        return new Relinked(webDirect, webStitched, socialDirect, socialStitched);
    }

    /// <summary>
    /// Links the fact rows <paramref name="candidates"/> selects (their business key, identity columns, new customer and
    /// rule), clearing their kept identifiers, then re-stitches their visitors/handles. Returns (rows linked, other rows changed).
    /// Nothing is read when no row keeps an identifier (<paramref name="kept"/>: the usual case when the CRM is loaded first),
    /// so such a CRM load does not hash every customer's e-mail.
    /// </summary>
    private static (long Direct, long Stitched) Relink(DuckDbLoadSession session, Stitching s, string kept, string candidates)
    {
        var k = session.LineageKey;
        if (!session.Scalar<bool>($"SELECT EXISTS (SELECT 1 FROM {s.Fact} WHERE {kept})"))
        {
            return (0, 0);
        }

        var relinked = $"{s.Prefix}_relinked_{k}";
        session.Execute($"CREATE TEMP TABLE {relinked} AS {candidates}");
        // The customers whose visitor id / handle may change: the new ones, and those the rows of the re-linked
        // visitors/handles name before the update (an e-mail-hash link upgraded to another customer's CRM id leaves its
        // customer, and that customer's WebVisitorId must not keep the visitor).
        var customers = $"{s.Prefix}_relinked_customer_{k}";
        session.Execute($"""
            CREATE TEMP TABLE {customers} AS
            SELECT "CustomerKey" FROM {relinked}
            UNION
            SELECT f."CustomerKey" FROM {s.Fact} AS f WHERE {s.Identity("f")} IN (SELECT {s.Identity("r")} FROM {relinked} AS r)
            """);
        var direct = session.Execute($"""
            UPDATE {s.Fact} AS f SET "CustomerKey" = r."CustomerKey", "MatchRule" = r."MatchRule", {s.ClearSource}
            FROM {relinked} AS r WHERE {s.SameRow}
            """);
        var stitched = 0L;
        if (direct > 0)
        {
            // The relinked rows are direct links now: the identities' customers are the fact table's direct links.
            Stitch(session, s, relinked);
            stitched = Restitch(session, s, relinked, customers);
            session.Execute($"DROP TABLE {s.Prefix}_identity_{k}");
        }

        session.Execute($"DROP TABLE {customers}");
        session.Execute($"DROP TABLE {relinked}");
        return (direct, stitched);
    }

    /// <summary>
    /// The dimension rows every interaction load needs before resolving keys: the Unknown members, the channel, and the
    /// calendar over the staged rows' days. Returns the first and last time of <paramref name="timeColumn"/> in the load's
    /// staging table <paramref name="staging"/>.
    /// </summary>
    private static (DateTime? First, DateTime? Last) PrepareDimensions(DuckDbLoadSession session, string channelCode, string channelName, string staging, string timeColumn)
    {
        DimensionMaintenance.EnsureUnknownMembers(session);
        EnsureChannel(session, channelCode, channelName);
        var range = session.Query<(DateTime? First, DateTime? Last)>(
            $"SELECT min(\"{timeColumn}\"), max(\"{timeColumn}\") FROM {staging}")[0];
        if (range.First is { } first && range.Last is { } last)
        {
            DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(first), DateOnly.FromDateTime(last));
        }

        return range;
    }

    private static void EnsureChannel(DuckDbLoadSession session, string code, string name)
    {
        session.Execute("""
            INSERT INTO "Dimension"."Channel" ("ChannelKey", "ChannelCode", "ChannelName")
            SELECT (SELECT COALESCE(max("ChannelKey"), 0) + 1 FROM "Dimension"."Channel"), @code, @name
            WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Channel" WHERE "ChannelCode" = @code)
            """, new { code, name });
    }

    /// <summary>
    /// The CRM identity rules' e-mail match key (<c>EmailRules.MatchKey</c> in Warehouse.Etl, which the resolver's e-mail rule
    /// compares) of a normalised address, in SQL: the sub-address ("+tag", not at the start) dropped, and for gmail.com /
    /// googlemail.com the dots of the local part too, domain gmail.com. <c>jn+shop@example.com</c> → <c>jn@example.com</c>.
    /// SQL Server's social procedure computes the same key (CROSS APPLY <c>EmailKey</c>).
    /// </summary>
    /// <param name="email">SQL expression of a normalised e-mail (lower case, one '@').</param>
    internal static string EmailKey(string email)
    {
        var local = $"split_part({email}, '@', 1)";
        var domain = $"split_part({email}, '@', 2)";
        var untagged = $"CASE WHEN strpos({local}, '+') > 1 THEN split_part({local}, '+', 1) ELSE {local} END";
        return $"CASE WHEN {domain} IN ('gmail.com', 'googlemail.com') THEN replace({untagged}, '.', '') || '@gmail.com' ELSE {untagged} || '@' || {domain} END";
    }

    /// <summary>How one fact table stitches: its identity (visitor, platform + handle), rules and dimension column.</summary>
    private sealed record Stitching(string Prefix, string Fact, string DirectRules, string StitchRule, string ConflictRule, Func<string, string> Identity,
        string SameRow, string DimensionColumn, Func<string, string> DimensionValue, string Earliest, string ClearSource);
}
