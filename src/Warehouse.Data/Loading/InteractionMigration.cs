namespace Warehouse.Data.Loading;

/// <summary>
/// Moves staged web sessions and social comments into <c>Fact.WebSession</c> and <c>Fact.SocialInteraction</c>,
/// resolving the customer deterministically (rules recorded in the README): web — CRM id of a logged-in visitor, else
/// the SHA-256 of a current customer's e-mail; social — the e-mail given with the comment, else a customer whose
/// SocialHandle is the platform:handle; otherwise the Unknown customer (0). Rows are replaced by business key
/// (SessionId + WebVisitorId; Platform + CommentId) only when they changed, so a rerun changes nothing. Within one
/// file, rows of the same tracker session are merged into one session; the last row of a comment id wins.
/// </summary>
public static class InteractionMigration
{
    private const string Current = "\"ValidTo\" = TIMESTAMP '9999-12-31' AND \"CustomerKey\" <> 0";

    /// <summary>Migrates the session's staged web sessions; returns (inserted, matched to a customer, last start time).</summary>
    public static (long Inserted, long Matched, DateTime? Last) RunWeb(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        DimensionMaintenance.EnsureUnknownMembers(session);
        EnsureChannel(session, "web", "Web shop");
        var range = session.Query<(DateTime? First, DateTime? Last)>($"SELECT min(\"StartTime\"), max(\"StartTime\") FROM \"Integration\".\"WebSession_Staging\" WHERE \"LineageKey\" = {k}")[0];
        if (range.First is { } first && range.Last is { } last)
        {
            DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(first), DateOnly.FromDateTime(last));
        }

        // Rows of one tracker session (same SessionId and visitor) are one session: merged, never dropped.
        session.Execute($"""
            CREATE TEMP TABLE web_resolved_{k} AS
            SELECT COALESCE(byId."CustomerKey", byEmail."CustomerKey", 0) AS "CustomerKey",
                   CAST(strftime(s."StartTime", '%Y%m%d') AS INTEGER) AS "DateKey",
                   (SELECT "ChannelKey" FROM "Dimension"."Channel" WHERE "ChannelCode" = 'web') AS "ChannelKey",
                   s."SessionId", s."WebVisitorId", s."StartTime", s."EndTime",
                   CAST(datediff('second', s."StartTime", s."EndTime") AS INTEGER) AS "DurationSeconds",
                   s."PageViews", s."ProductViews", s."AddToCarts", s."Conversions", s."Device", s."Referrer"
            FROM (SELECT "SessionId", "WebVisitorId", min("StartTime") AS "StartTime", max("EndTime") AS "EndTime",
                         CAST(sum("PageViews") AS INTEGER) AS "PageViews", CAST(sum("ProductViews") AS INTEGER) AS "ProductViews",
                         CAST(sum("AddToCarts") AS INTEGER) AS "AddToCarts", CAST(sum("Conversions") AS INTEGER) AS "Conversions",
                         arg_min("Device", "StartTime") AS "Device", arg_min("Referrer", "StartTime") AS "Referrer",
                         arg_min("CrmCustomerId", "StartTime") FILTER (WHERE "CrmCustomerId" IS NOT NULL) AS "CrmCustomerId",
                         arg_min("EmailHash", "StartTime") FILTER (WHERE "EmailHash" IS NOT NULL) AS "EmailHash"
                  FROM "Integration"."WebSession_Staging" WHERE "LineageKey" = {k}
                  GROUP BY "SessionId", "WebVisitorId") AS s
            LEFT JOIN (SELECT "CrmCustomerId", min("CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer"
                       WHERE {Current} AND "CrmCustomerId" IS NOT NULL GROUP BY 1) AS byId ON byId."CrmCustomerId" = s."CrmCustomerId"
            LEFT JOIN (SELECT sha256("Email") AS "EmailHash", min("CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer"
                       WHERE {Current} AND "Email" IS NOT NULL GROUP BY 1) AS byEmail ON byEmail."EmailHash" = s."EmailHash"
            """);
        session.Execute($"""
            DELETE FROM "Fact"."WebSession" AS f USING web_resolved_{k} AS r
            WHERE f."SessionId" = r."SessionId" AND f."WebVisitorId" = r."WebVisitorId"
              AND (f."CustomerKey" IS DISTINCT FROM r."CustomerKey" OR f."StartTime" IS DISTINCT FROM r."StartTime" OR f."EndTime" IS DISTINCT FROM r."EndTime"
                   OR f."PageViews" IS DISTINCT FROM r."PageViews" OR f."ProductViews" IS DISTINCT FROM r."ProductViews"
                   OR f."AddToCarts" IS DISTINCT FROM r."AddToCarts" OR f."Conversions" IS DISTINCT FROM r."Conversions"
                   OR f."Device" IS DISTINCT FROM r."Device" OR f."Referrer" IS DISTINCT FROM r."Referrer")
            """);
        var inserted = session.Execute($"""
            INSERT INTO "Fact"."WebSession" ("CustomerKey", "DateKey", "ChannelKey", "SessionId", "WebVisitorId", "StartTime", "EndTime", "DurationSeconds",
                "PageViews", "ProductViews", "AddToCarts", "Conversions", "Device", "Referrer", "LineageKey")
            SELECT r."CustomerKey", r."DateKey", r."ChannelKey", r."SessionId", r."WebVisitorId", r."StartTime", r."EndTime", r."DurationSeconds",
                   r."PageViews", r."ProductViews", r."AddToCarts", r."Conversions", r."Device", r."Referrer", {k}
            FROM web_resolved_{k} AS r
            WHERE NOT EXISTS (SELECT 1 FROM "Fact"."WebSession" AS f WHERE f."SessionId" = r."SessionId" AND f."WebVisitorId" = r."WebVisitorId")
            ORDER BY r."StartTime", r."SessionId"
            """);
        var matched = session.Scalar<long>($"SELECT count(*) FROM web_resolved_{k} WHERE \"CustomerKey\" <> 0");
        session.Checkpoint("facts");
        session.Execute($"DROP TABLE web_resolved_{k}");
        session.Execute($"DELETE FROM \"Integration\".\"WebSession_Staging\" WHERE \"LineageKey\" = {k}");
        return (inserted, matched, range.Last);
    }

    /// <summary>Migrates the session's staged comments; returns (inserted, matched to a customer, last comment time).</summary>
    public static (long Inserted, long Matched, DateTime? Last) RunSocial(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        DimensionMaintenance.EnsureUnknownMembers(session);
        EnsureChannel(session, "social", "Social media");
        var range = session.Query<(DateTime? First, DateTime? Last)>($"SELECT min(\"CommentTime\"), max(\"CommentTime\") FROM \"Integration\".\"SocialInteraction_Staging\" WHERE \"LineageKey\" = {k}")[0];
        if (range.First is { } first && range.Last is { } last)
        {
            DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(first), DateOnly.FromDateTime(last));
        }

        session.Execute($"""
            CREATE TEMP TABLE social_resolved_{k} AS
            SELECT COALESCE(byEmail."CustomerKey", byHandle."CustomerKey", 0) AS "CustomerKey",
                   CAST(strftime(s."CommentTime", '%Y%m%d') AS INTEGER) AS "DateKey",
                   (SELECT "ChannelKey" FROM "Dimension"."Channel" WHERE "ChannelCode" = 'social') AS "ChannelKey",
                   s."Platform", s."CommentId", s."SocialHandle", s."ReplyToCommentId", s."CommentTime", s."CommentText", s."Likes",
                   s."SentimentScore", s."SentimentLabel", s."Keywords"
            FROM "Integration"."SocialInteraction_Staging" AS s
            LEFT JOIN (SELECT "Email", min("CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer"
                       WHERE {Current} AND "Email" IS NOT NULL GROUP BY 1) AS byEmail ON byEmail."Email" = s."Email"
            LEFT JOIN (SELECT "SocialHandle", min("CustomerKey") AS "CustomerKey" FROM "Dimension"."Customer"
                       WHERE {Current} AND "SocialHandle" IS NOT NULL GROUP BY 1) AS byHandle ON byHandle."SocialHandle" = s."Platform" || ':' || s."SocialHandle"
            WHERE s."LineageKey" = {k}
            QUALIFY row_number() OVER (PARTITION BY s."Platform", s."CommentId" ORDER BY s."SourceLineNumber" DESC) = 1
            """);
        session.Execute($"""
            DELETE FROM "Fact"."SocialInteraction" AS f USING social_resolved_{k} AS r
            WHERE f."Platform" = r."Platform" AND f."CommentId" = r."CommentId"
              AND (f."CustomerKey" IS DISTINCT FROM r."CustomerKey" OR f."SocialHandle" IS DISTINCT FROM r."SocialHandle"
                   OR f."ReplyToCommentId" IS DISTINCT FROM r."ReplyToCommentId" OR f."CommentTime" IS DISTINCT FROM r."CommentTime"
                   OR f."CommentText" IS DISTINCT FROM r."CommentText" OR f."Likes" IS DISTINCT FROM r."Likes"
                   OR f."SentimentScore" IS DISTINCT FROM r."SentimentScore" OR f."Keywords" IS DISTINCT FROM r."Keywords")
            """);
        var inserted = session.Execute($"""
            INSERT INTO "Fact"."SocialInteraction" ("CustomerKey", "DateKey", "ChannelKey", "Platform", "CommentId", "SocialHandle", "ReplyToCommentId",
                "CommentTime", "CommentText", "Likes", "SentimentScore", "SentimentLabel", "Keywords", "LineageKey")
            SELECT r."CustomerKey", r."DateKey", r."ChannelKey", r."Platform", r."CommentId", r."SocialHandle", r."ReplyToCommentId",
                   r."CommentTime", r."CommentText", r."Likes", r."SentimentScore", r."SentimentLabel", r."Keywords", {k}
            FROM social_resolved_{k} AS r
            WHERE NOT EXISTS (SELECT 1 FROM "Fact"."SocialInteraction" AS f WHERE f."Platform" = r."Platform" AND f."CommentId" = r."CommentId")
            ORDER BY r."CommentTime", r."Platform", r."CommentId"
            """);
        var matched = session.Scalar<long>($"SELECT count(*) FROM social_resolved_{k} WHERE \"CustomerKey\" <> 0");
        session.Checkpoint("facts");
        session.Execute($"DROP TABLE social_resolved_{k}");
        session.Execute($"DELETE FROM \"Integration\".\"SocialInteraction_Staging\" WHERE \"LineageKey\" = {k}");
        return (inserted, matched, range.Last);
    }

    private static void EnsureChannel(DuckDbLoadSession session, string code, string name)
    {
        session.Execute("""
            INSERT INTO "Dimension"."Channel" ("ChannelKey", "ChannelCode", "ChannelName")
            SELECT (SELECT COALESCE(max("ChannelKey"), 0) + 1 FROM "Dimension"."Channel"), @code, @name
            WHERE NOT EXISTS (SELECT 1 FROM "Dimension"."Channel" WHERE "ChannelCode" = @code)
            """, new { code, name });
    }
}
