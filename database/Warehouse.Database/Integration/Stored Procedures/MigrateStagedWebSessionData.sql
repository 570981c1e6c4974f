-- Migrates the web sessions staged under @LineageKey into Fact.WebSession, in one transaction, with the rules of the
-- host's InteractionMigration.RunWeb (src/Warehouse.Data/Loading/InteractionMigration.cs), so both engines link the
-- same sessions to the same customers:
--   1. rows of one tracker session (same SessionId and WebVisitorId) are one session: merged, never dropped (first
--      start, last end, counts summed, device and referrer of the earliest row, the first CRM id and e-mail hash seen);
--   2. the customer: the customer the session's CRM id maps to (a logged-in visitor; Integration.CustomerKeyByCrmId,
--      the source-key map), else the one customer
--      with an e-mail (current version's or a CRM id's: Integration.CustomerEmail) whose SHA-256 (UTF-8 bytes, lower-case
--      hex, as EmailRules.Sha256Hex and DuckDB's sha256 compute it) is the session's EmailHash (a hash two customers
--      have links neither), else Unknown (0);
--   3. stitching: a session without a direct link takes the customer of its visitor's direct links (this load and
--      earlier facts) when they name exactly one customer (MatchRule visitor-stitch); a visitor linked to two or more
--      customers stitches nothing (visitor-conflict, customer 0); earlier sessions of the visitors in the load are
--      re-linked the same way, and the customers' current WebVisitorId is set to the visitor of their earliest session
--      among the visitors linked to them alone (in place: a source key, not a type 2 attribute); each session keeps
--      its rule in Fact.WebSession.MatchRule (crm-id, email-hash, visitor-stitch, visitor-conflict, none); a session
--      without a direct link keeps its CRM id and e-mail hash (SourceCrmCustomerId, SourceEmailHash; a continued session
--      the stored part's when the staged part has none), which the CRM load's Integration.RelinkStoredInteractions links
--      once the customer arrives; a directly linked session keeps no e-mail hash, and keeps its CRM id only when linked
--      by e-mail hash (a CRM load that maps the id later upgrades it to crm-id);
--   3b. the calendar is extended to the sessions' days (Application.PopulateDateDimension);
--   1b. a tracker session split across files is one session, as InteractionMigration.RunWeb merges it (FORMATS.md,
--      "Sessions across files"): the first part of a tracker session in this load (no '#' in its id) continues the
--      visitor's stored session of the same tracker id (the id itself or id + '#' + start) whose time range lies within
--      30 minutes of it, the latest such; a later part ('#' + start) continues the stored session of that name. The
--      merged session keeps the stored name, start = earliest, end = latest, counts added up, device and referrer of the
--      earlier part; parts whose time ranges overlap are the same events exported twice and keep the larger of each
--      count (a repeated file counts nothing twice). The staged part's CRM id / e-mail hash link wins, else the stored
--      direct link (crm-id, email-hash), else stitching. A first part with no stored session near it whose id is taken
--      by a stored session at another time is named as the sessionizer names a later part (id + '#' + UTC start
--      yyyyMMddTHHmmssZ). #Staged, #Continued and #Merged are written in the SQL both engines accept (with DATEADD, LEN
--      and CONVERT styles 112/108 mapped), and Warehouse.Etl.Tests' WebSessionProcedureParityTests runs them on DuckDB
--      against the host's merge;
--   4. a stored session (by SessionId and WebVisitorId) is replaced only when it changed, so a rerun changes nothing;
--   5. lineage completed in events (read = events in the staged sessions + rejected events, the unit of the host on
--      DuckDB), the web cutoff moved to the latest start, staging cleared.
-- The host's rejected rows move from Integration.Reject_Staging into Integration.RejectedWebEvent in the same transaction.
-- On error everything is rolled back and the lineage row is marked failed.
CREATE PROCEDURE [Integration].[MigrateStagedWebSessionData]
    @LineageKey INT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @EndOfTime DATETIME2(7) = '9999-12-31';
    DECLARE @LoadStarted DATETIME2(7) = (SELECT l.[LoadStarted] FROM [Integration].[Lineage] AS l WHERE l.[LineageKey] = @LineageKey);
    IF @LoadStarted IS NULL
    BEGIN
        DECLARE @message NVARCHAR(200) = CONCAT(N'Integration.MigrateStagedWebSessionData: LineageKey ', @LineageKey, N' does not exist; call Integration.GetLineageKey first.');
        THROW 50010, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;

        -- The CRM load and the purchase loads that create customers re-link Fact.WebSession / Fact.SocialInteraction rows and
        -- set Dimension.Customer's WebVisitorId / SocialHandle (Integration.RelinkStoredInteractions) under the CRM identity
        -- lock; this load writes the same rows, so it takes the lock for its transaction too (as MigrateStagedPurchaseData):
        -- a re-link and this load never interleave on one visitor or handle.
        DECLARE @identityLock INT;
        EXEC @identityLock = [sys].[sp_getapplock] @Resource = N'Warehouse.CrmIdentity', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
        IF @identityLock < 0
            THROW 50090, N'Integration.MigrateStagedWebSessionData: a CRM load held the CRM identity lock (Warehouse.CrmIdentity) for 600 s; retry the load when it has finished.', 1;

        -- The rows the host rejected wait in Integration.Reject_Staging and join the reject table in this transaction,
        -- so a failed load leaves no rejected rows behind (the loader role cannot write the reject tables).
        INSERT [Integration].[RejectedWebEvent] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT r.[LineageKey], r.[SourceName], r.[SourceLineNumber], r.[SourceRecordNumber], r.[ColumnName], r.[Reason], r.[RawRecord]
        FROM [Integration].[Reject_Staging] AS r
        WHERE r.[LineageKey] = @LineageKey;

        DELETE FROM [Integration].[Reject_Staging] WHERE [LineageKey] = @LineageKey;

        SELECT o.[SessionId], o.[WebVisitorId], MIN(o.[StartTime]) AS [StartTime], MAX(o.[EndTime]) AS [EndTime],
               SUM(o.[PageViews]) AS [PageViews], SUM(o.[ProductViews]) AS [ProductViews], SUM(o.[AddToCarts]) AS [AddToCarts],
               SUM(o.[Conversions]) AS [Conversions],
               MAX(CASE WHEN o.[Position] = 1 THEN o.[Device] END) AS [Device],
               MAX(CASE WHEN o.[Position] = 1 THEN o.[Referrer] END) AS [Referrer],
               MAX(CASE WHEN o.[CrmPosition] = 1 THEN o.[CrmCustomerId] END) AS [CrmCustomerId],
               MAX(CASE WHEN o.[EmailPosition] = 1 THEN o.[EmailHash] END) AS [EmailHash]
        INTO #Staged
        FROM (
            SELECT ws.[SessionId], ws.[WebVisitorId], ws.[StartTime], ws.[EndTime], ws.[PageViews], ws.[ProductViews], ws.[AddToCarts],
                   ws.[Conversions], ws.[Device], ws.[Referrer], ws.[CrmCustomerId], ws.[EmailHash],
                   ROW_NUMBER() OVER (PARTITION BY ws.[SessionId], ws.[WebVisitorId] ORDER BY ws.[StartTime], ws.[SourceRecordNumber]) AS [Position],
                   ROW_NUMBER() OVER (PARTITION BY ws.[SessionId], ws.[WebVisitorId]
                                      ORDER BY CASE WHEN ws.[CrmCustomerId] IS NULL THEN 1 ELSE 0 END, ws.[StartTime], ws.[SourceRecordNumber]) AS [CrmPosition],
                   ROW_NUMBER() OVER (PARTITION BY ws.[SessionId], ws.[WebVisitorId]
                                      ORDER BY CASE WHEN ws.[EmailHash] IS NULL THEN 1 ELSE 0 END, ws.[StartTime], ws.[SourceRecordNumber]) AS [EmailPosition]
            FROM [Integration].[WebSession_Staging] AS ws
            WHERE ws.[LineageKey] = @LineageKey
        ) AS o
        GROUP BY o.[SessionId], o.[WebVisitorId];

        -- The stored session each staged part continues (see 1b above): the latest of the visitor's stored sessions of
        -- the same tracker id within 30 minutes of a first part, or the stored session of a later part's name.
        SELECT p.[SessionId] AS [PartSessionId], p.[WebVisitorId], x.[SessionId], x.[StartTime], x.[EndTime], x.[PageViews],
               x.[ProductViews], x.[AddToCarts], x.[Conversions], x.[Device], x.[Referrer], x.[CustomerKey], x.[MatchRule],
               x.[SourceCrmCustomerId], x.[SourceEmailHash],
               CASE WHEN p.[StartTime] <= x.[EndTime] AND p.[EndTime] >= x.[StartTime] THEN 1 ELSE 0 END AS [Overlaps],
               ROW_NUMBER() OVER (PARTITION BY p.[SessionId], p.[WebVisitorId] ORDER BY x.[StartTime] DESC, x.[SessionId] COLLATE Latin1_General_100_BIN2) AS [Position]
        INTO #Continued
        FROM #Staged AS p
        INNER JOIN [Fact].[WebSession] AS x ON x.[WebVisitorId] = p.[WebVisitorId]
        WHERE (p.[SessionId] NOT LIKE N'%#%'
               AND (x.[SessionId] = p.[SessionId] OR SUBSTRING(x.[SessionId], 1, LEN(p.[SessionId]) + 1) = CONCAT(p.[SessionId], N'#'))
               AND x.[StartTime] <= DATEADD(MINUTE, 30, p.[EndTime]) AND x.[EndTime] >= DATEADD(MINUTE, -30, p.[StartTime]))
           OR (p.[SessionId] LIKE N'%#%' AND x.[SessionId] = p.[SessionId]);

        SELECT CASE WHEN f.[SessionId] IS NOT NULL THEN f.[SessionId]
                    WHEN taken.[SessionId] IS NOT NULL
                        THEN CONCAT(p.[SessionId], N'#', CONVERT(NCHAR(8), p.[StartTime], 112), N'T', REPLACE(CONVERT(NCHAR(8), p.[StartTime], 108), N':', N''), N'Z')
                    ELSE p.[SessionId] END AS [SessionId],
               p.[WebVisitorId],
               CASE WHEN f.[SessionId] IS NOT NULL AND f.[StartTime] < p.[StartTime] THEN f.[StartTime] ELSE p.[StartTime] END AS [StartTime],
               CASE WHEN f.[SessionId] IS NOT NULL AND f.[EndTime] > p.[EndTime] THEN f.[EndTime] ELSE p.[EndTime] END AS [EndTime],
               CASE WHEN f.[SessionId] IS NULL THEN p.[PageViews] WHEN f.[Overlaps] = 0 THEN p.[PageViews] + f.[PageViews]
                    WHEN f.[PageViews] > p.[PageViews] THEN f.[PageViews] ELSE p.[PageViews] END AS [PageViews],
               CASE WHEN f.[SessionId] IS NULL THEN p.[ProductViews] WHEN f.[Overlaps] = 0 THEN p.[ProductViews] + f.[ProductViews]
                    WHEN f.[ProductViews] > p.[ProductViews] THEN f.[ProductViews] ELSE p.[ProductViews] END AS [ProductViews],
               CASE WHEN f.[SessionId] IS NULL THEN p.[AddToCarts] WHEN f.[Overlaps] = 0 THEN p.[AddToCarts] + f.[AddToCarts]
                    WHEN f.[AddToCarts] > p.[AddToCarts] THEN f.[AddToCarts] ELSE p.[AddToCarts] END AS [AddToCarts],
               CASE WHEN f.[SessionId] IS NULL THEN p.[Conversions] WHEN f.[Overlaps] = 0 THEN p.[Conversions] + f.[Conversions]
                    WHEN f.[Conversions] > p.[Conversions] THEN f.[Conversions] ELSE p.[Conversions] END AS [Conversions],
               CASE WHEN f.[SessionId] IS NOT NULL AND f.[StartTime] <= p.[StartTime] THEN f.[Device] ELSE p.[Device] END AS [Device],
               CASE WHEN f.[SessionId] IS NOT NULL AND f.[StartTime] <= p.[StartTime] THEN f.[Referrer] ELSE p.[Referrer] END AS [Referrer],
               COALESCE(p.[CrmCustomerId], f.[SourceCrmCustomerId]) AS [CrmCustomerId], COALESCE(p.[EmailHash], f.[SourceEmailHash]) AS [EmailHash],
               CASE WHEN f.[MatchRule] IN (N'crm-id', N'email-hash') THEN f.[CustomerKey] END AS [StoredKey],
               CASE WHEN f.[MatchRule] IN (N'crm-id', N'email-hash') THEN f.[MatchRule] END AS [StoredRule]
        INTO #Merged
        FROM #Staged AS p
        LEFT OUTER JOIN #Continued AS f ON f.[PartSessionId] = p.[SessionId] AND f.[WebVisitorId] = p.[WebVisitorId] AND f.[Position] = 1
        LEFT OUTER JOIN [Fact].[WebSession] AS taken
            ON f.[SessionId] IS NULL AND taken.[SessionId] = p.[SessionId] AND taken.[WebVisitorId] = p.[WebVisitorId];

        -- CRM ids resolve through the source-key map (several ids may share one customer), as on DuckDB.
        SELECT k.[CrmCustomerId], MIN(k.[CustomerKey]) AS [CustomerKey]
        INTO #ByCrmId
        FROM [Integration].[CustomerKeyByCrmId] AS k
        GROUP BY k.[CrmCustomerId];

        -- SHA-256 of the e-mail's UTF-8 bytes (the _UTF8 collation makes the VARCHAR conversion UTF-8), lower-case hex, of
        -- each customer's e-mails (its current version's and its CRM ids', a duplicate registration's own address included:
        -- Integration.CustomerEmail); a hash links only when exactly one customer has it (an address a couple shares links
        -- neither), as on DuckDB.
        SELECT h.[EmailHash], MIN(h.[CustomerKey]) AS [CustomerKey]
        INTO #ByEmailHash
        FROM (
            SELECT c.[CustomerKey],
                   LOWER(CONVERT(NCHAR(64), HASHBYTES('SHA2_256', CAST(c.[Email] COLLATE Latin1_General_100_CI_AS_SC_UTF8 AS VARCHAR(1280))), 2)) AS [EmailHash]
            FROM [Integration].[CustomerEmail] AS c
        ) AS h
        GROUP BY h.[EmailHash]
        HAVING COUNT(DISTINCT h.[CustomerKey]) = 1;

        DECLARE @First DATE = (SELECT CAST(MIN(s.[StartTime]) AS DATE) FROM #Staged AS s);
        DECLARE @Last DATE = (SELECT CAST(MAX(s.[StartTime]) AS DATE) FROM #Staged AS s);
        IF @First IS NOT NULL
            EXEC [Application].[PopulateDateDimension] @StartDate = @First, @EndDate = @Last;

        -- The CRM id of either part first (this load's part, else the stored part's crm-id link), then this part's e-mail
        -- hash, then the stored part's email-hash link: as if both parts had come in one file.
        SELECT COALESCE(byCrm.[CustomerKey], CASE WHEN s.[StoredRule] = N'crm-id' THEN s.[StoredKey] END, byEmail.[CustomerKey], s.[StoredKey], 0) AS [CustomerKey],
               CAST(CASE WHEN byCrm.[CustomerKey] IS NOT NULL OR s.[StoredRule] = N'crm-id' THEN N'crm-id' WHEN byEmail.[CustomerKey] IS NOT NULL THEN N'email-hash'
                         ELSE COALESCE(s.[StoredRule], N'none') END
                    AS NVARCHAR(32)) AS [MatchRule],
               COALESCE(d.[DateKey], 0) AS [DateKey],
               COALESCE(ch.[ChannelKey], 0) AS [ChannelKey], s.[SessionId], s.[WebVisitorId], s.[StartTime], s.[EndTime],
               DATEDIFF(SECOND, s.[StartTime], s.[EndTime]) AS [DurationSeconds], s.[PageViews], s.[ProductViews], s.[AddToCarts],
               s.[Conversions], s.[Device], s.[Referrer],
               -- Only a crm-id link forgets the CRM id: an email-hash link keeps it, so a CRM load that maps the id later
               -- upgrades the link to crm-id (RelinkStoredInteractions), as when the CRM row came first.
               CASE WHEN byCrm.[CustomerKey] IS NOT NULL OR s.[StoredRule] = N'crm-id' THEN NULL
                    ELSE s.[CrmCustomerId] END AS [SourceCrmCustomerId],
               CASE WHEN COALESCE(byCrm.[CustomerKey], byEmail.[CustomerKey], s.[StoredKey]) IS NULL THEN s.[EmailHash] END AS [SourceEmailHash]
        INTO #Resolved
        FROM #Merged AS s
        LEFT OUTER JOIN #ByCrmId AS byCrm ON byCrm.[CrmCustomerId] = s.[CrmCustomerId]
        LEFT OUTER JOIN #ByEmailHash AS byEmail ON byEmail.[EmailHash] = s.[EmailHash]
        LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[StartTime] AS DATE)
        LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelCode] = N'web';

        -- Customers named by each visitor's direct links, in this load and in earlier facts (rows this load replaces excluded).
        SELECT i.[WebVisitorId], COUNT(DISTINCT e.[CustomerKey]) AS [Customers], MIN(e.[CustomerKey]) AS [CustomerKey]
        INTO #Visitor
        FROM (SELECT DISTINCT r.[WebVisitorId] FROM #Resolved AS r) AS i
        LEFT OUTER JOIN (
            SELECT r.[WebVisitorId], r.[CustomerKey] FROM #Resolved AS r WHERE r.[MatchRule] IN (N'crm-id', N'email-hash')
            UNION ALL
            SELECT f.[WebVisitorId], f.[CustomerKey] FROM [Fact].[WebSession] AS f
            WHERE f.[MatchRule] IN (N'crm-id', N'email-hash')
              AND NOT EXISTS (SELECT 1 FROM #Resolved AS r WHERE r.[SessionId] = f.[SessionId] AND r.[WebVisitorId] = f.[WebVisitorId])
        ) AS e ON e.[WebVisitorId] = i.[WebVisitorId]
        GROUP BY i.[WebVisitorId];

        UPDATE r
        SET r.[CustomerKey] = CASE WHEN v.[Customers] = 1 THEN v.[CustomerKey] ELSE 0 END,
            r.[MatchRule] = CASE WHEN v.[Customers] = 1 THEN N'visitor-stitch' ELSE N'visitor-conflict' END
        FROM #Resolved AS r
        INNER JOIN #Visitor AS v ON v.[WebVisitorId] = r.[WebVisitorId]
        WHERE r.[MatchRule] = N'none' AND v.[Customers] > 0;

        DELETE f
        FROM [Fact].[WebSession] AS f
        INNER JOIN #Resolved AS r ON r.[SessionId] = f.[SessionId] AND r.[WebVisitorId] = f.[WebVisitorId]
        -- Text compares by code point and length (COLLATE Latin1_General_100_BIN2 + DATALENGTH), as DuckDB's IS DISTINCT FROM: the
        -- database collation ignores case and trailing spaces, so a correction such as LEEDS -> Leeds would change nothing.
        WHERE EXISTS (
            SELECT f.[CustomerKey], f.[MatchRule], f.[StartTime], f.[EndTime], f.[PageViews], f.[ProductViews], f.[AddToCarts], f.[Conversions], f.[Device] COLLATE Latin1_General_100_BIN2, f.[Referrer] COLLATE Latin1_General_100_BIN2, DATALENGTH(f.[Device]), DATALENGTH(f.[Referrer]),
                   f.[SourceCrmCustomerId] COLLATE Latin1_General_100_BIN2, f.[SourceEmailHash] COLLATE Latin1_General_100_BIN2, DATALENGTH(f.[SourceCrmCustomerId]), DATALENGTH(f.[SourceEmailHash])
            EXCEPT
            SELECT r.[CustomerKey], r.[MatchRule], r.[StartTime], r.[EndTime], r.[PageViews], r.[ProductViews], r.[AddToCarts], r.[Conversions], r.[Device] COLLATE Latin1_General_100_BIN2, r.[Referrer] COLLATE Latin1_General_100_BIN2, DATALENGTH(r.[Device]), DATALENGTH(r.[Referrer]),
                   r.[SourceCrmCustomerId] COLLATE Latin1_General_100_BIN2, r.[SourceEmailHash] COLLATE Latin1_General_100_BIN2, DATALENGTH(r.[SourceCrmCustomerId]), DATALENGTH(r.[SourceEmailHash]));

        INSERT [Fact].[WebSession]
            ([CustomerKey], [DateKey], [ChannelKey], [SessionId], [WebVisitorId], [StartTime], [EndTime], [DurationSeconds],
             [PageViews], [ProductViews], [AddToCarts], [Conversions], [Device], [Referrer], [MatchRule], [LineageKey], [SourceCrmCustomerId], [SourceEmailHash])
        SELECT r.[CustomerKey], r.[DateKey], r.[ChannelKey], r.[SessionId], r.[WebVisitorId], r.[StartTime], r.[EndTime], r.[DurationSeconds],
               r.[PageViews], r.[ProductViews], r.[AddToCarts], r.[Conversions], r.[Device], r.[Referrer], r.[MatchRule], @LineageKey,
               r.[SourceCrmCustomerId], r.[SourceEmailHash]
        FROM #Resolved AS r
        WHERE NOT EXISTS (SELECT 1 FROM [Fact].[WebSession] AS f WHERE f.[SessionId] = r.[SessionId] AND f.[WebVisitorId] = r.[WebVisitorId]);

        -- Earlier sessions of the load's visitors follow the visitor's customers now (stitched, or un-stitched on a conflict).
        UPDATE f
        SET f.[CustomerKey] = CASE WHEN v.[Customers] = 1 THEN v.[CustomerKey] ELSE 0 END,
            f.[MatchRule] = CASE v.[Customers] WHEN 0 THEN N'none' WHEN 1 THEN N'visitor-stitch' ELSE N'visitor-conflict' END
        FROM [Fact].[WebSession] AS f
        INNER JOIN #Visitor AS v ON v.[WebVisitorId] = f.[WebVisitorId]
        WHERE COALESCE(f.[MatchRule], N'none') NOT IN (N'crm-id', N'email-hash')
          AND EXISTS (SELECT f.[CustomerKey], f.[MatchRule]
                      EXCEPT
                      SELECT CASE WHEN v.[Customers] = 1 THEN v.[CustomerKey] ELSE 0 END,
                             CASE v.[Customers] WHEN 0 THEN N'none' WHEN 1 THEN N'visitor-stitch' ELSE N'visitor-conflict' END);

        WITH [Earliest] AS (
            SELECT f.[CustomerKey], f.[WebVisitorId],
                   ROW_NUMBER() OVER (PARTITION BY f.[CustomerKey] ORDER BY f.[StartTime], f.[SessionId] COLLATE Latin1_General_100_BIN2, f.[WebVisitorId] COLLATE Latin1_General_100_BIN2) AS [Position]
            FROM [Fact].[WebSession] AS f
            WHERE f.[CustomerKey] IN (SELECT r.[CustomerKey] FROM #Resolved AS r)
              AND f.[MatchRule] IN (N'crm-id', N'email-hash', N'visitor-stitch')
              AND f.[WebVisitorId] NOT IN (SELECT g.[WebVisitorId] FROM [Fact].[WebSession] AS g WHERE g.[MatchRule] IN (N'crm-id', N'email-hash')
                                           GROUP BY g.[WebVisitorId] HAVING COUNT(DISTINCT g.[CustomerKey]) > 1))
        UPDATE c
        SET c.[WebVisitorId] = e.[WebVisitorId]
        FROM [Dimension].[Customer] AS c
        INNER JOIN (SELECT DISTINCT r.[CustomerKey] FROM #Resolved AS r WHERE r.[CustomerKey] <> 0) AS t ON t.[CustomerKey] = c.[CustomerKey]
        LEFT OUTER JOIN [Earliest] AS e ON e.[CustomerKey] = t.[CustomerKey] AND e.[Position] = 1
        WHERE c.[ValidTo] = @EndOfTime AND EXISTS (SELECT c.[WebVisitorId] COLLATE Latin1_General_100_BIN2, DATALENGTH(c.[WebVisitorId]) EXCEPT SELECT e.[WebVisitorId] COLLATE Latin1_General_100_BIN2, DATALENGTH(e.[WebVisitorId]));

        EXEC [Integration].[FlagWebSessionOutliers] @LineageKey = @LineageKey;
        -- The lineage counts events, as the host on DuckDB: the events of the staged sessions are loaded, each rejected event is rejected.
        DECLARE @RowsLoaded BIGINT = (SELECT COALESCE(SUM(CAST(ws.[EventCount] AS BIGINT)), 0) FROM [Integration].[WebSession_Staging] AS ws WHERE ws.[LineageKey] = @LineageKey);
        DECLARE @RowsRejected BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[RejectedWebEvent] AS r WHERE r.[LineageKey] = @LineageKey);
        DECLARE @Cutoff DATETIME2(7) = COALESCE((SELECT MAX(s.[StartTime]) FROM #Staged AS s), @LoadStarted);
        EXEC [Integration].[CompleteLineage] @LineageKey = @LineageKey, @RowsLoaded = @RowsLoaded, @RowsRejected = @RowsRejected, @CutoffTime = @Cutoff;

        DELETE FROM [Integration].[WebSession_Staging] WHERE [LineageKey] = @LineageKey;

        COMMIT;
    END TRY
    BEGIN CATCH
        IF XACT_STATE() <> 0
            ROLLBACK;
        DECLARE @failure NVARCHAR(400) = LEFT(ERROR_MESSAGE(), 400);
        EXEC [Integration].[FailLineage] @LineageKey = @LineageKey, @Reason = @failure;
        THROW;
    END CATCH;

    RETURN 0;
END;
GO
