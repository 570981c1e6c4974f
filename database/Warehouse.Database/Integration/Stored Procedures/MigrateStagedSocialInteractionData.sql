-- Migrates the social comments staged under @LineageKey into Fact.SocialInteraction, in one transaction, with the rules
-- of the host's InteractionMigration.RunSocial (src/Warehouse.Data/Loading/InteractionMigration.cs), so both engines
-- link the same comments to the same customers:
--   1. one row per (Platform, CommentId): a repeated comment id is rejected into Integration.RejectedSocialInteraction as
--      "duplicate of line N" (its first line, which stays);
--   2. the customer: the one customer with the e-mail given with the comment, compared by its match key, among the
--      customers' current and CRM ids' e-mails (Integration.CustomerEmail; MatchRule email; an e-mail two customers
--      have links neither), else stitching: the customer of the direct links of the same platform and handle
--      (handle without case; this load and earlier facts) when they name exactly one customer (handle-stitch); a handle
--      linked to two or more customers stitches nothing (handle-conflict); else Unknown (0, none). Earlier comments of
--      the load's handles are re-linked the same way, and the customers' current SocialHandle is set to
--      '<platform>:<handle>' of their earliest comment among the handles linked to them alone (in place: a source key);
--      a comment not linked by e-mail keeps the SHA-256 of its e-mail's match key (SourceEmailKeyHash; never the address),
--      which the CRM load's Integration.RelinkStoredInteractions links once the customer arrives;
--   3. the calendar is extended to the comments' days (Application.PopulateDateDimension);
--   4. a stored comment is replaced only when it changed, so a rerun changes nothing; its keywords become rows of
--      Fact.SocialKeyword (replaced with the comment; a re-linked comment keeps them: the customer is read through the comment);
--   5. lineage completed (read = loaded + rejected), the social cutoff moved to the latest comment, staging cleared.
-- The host's rejected rows move from Integration.Reject_Staging into Integration.RejectedSocialInteraction in the same transaction.
-- On error everything is rolled back and the lineage row is marked failed.
CREATE PROCEDURE [Integration].[MigrateStagedSocialInteractionData]
    @LineageKey INT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @EndOfTime DATETIME2(7) = '9999-12-31';
    DECLARE @LoadStarted DATETIME2(7) = (SELECT l.[LoadStarted] FROM [Integration].[Lineage] AS l WHERE l.[LineageKey] = @LineageKey);
    IF @LoadStarted IS NULL
    BEGIN
        DECLARE @message NVARCHAR(200) = CONCAT(N'Integration.MigrateStagedSocialInteractionData: LineageKey ', @LineageKey, N' does not exist; call Integration.GetLineageKey first.');
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
            THROW 50090, N'Integration.MigrateStagedSocialInteractionData: a CRM load held the CRM identity lock (Warehouse.CrmIdentity) for 600 s; retry the load when it has finished.', 1;

        -- The rows the host rejected wait in Integration.Reject_Staging and join the reject table in this transaction,
        -- so a failed load leaves no rejected rows behind (the loader role cannot write the reject tables).
        INSERT [Integration].[RejectedSocialInteraction] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT r.[LineageKey], r.[SourceName], r.[SourceLineNumber], r.[SourceRecordNumber], r.[ColumnName], r.[Reason], r.[RawRecord]
        FROM [Integration].[Reject_Staging] AS r
        WHERE r.[LineageKey] = @LineageKey;

        DELETE FROM [Integration].[Reject_Staging] WHERE [LineageKey] = @LineageKey;

        -- A comment id repeated on its platform is one comment: the first record (lowest SourceRecordNumber: several records can
        -- share a line) stays, later ones are rejected naming its line.
        -- The same rule as the host's StagingDuplicates on DuckDB (src/Warehouse.Data/Loading/StagingDuplicates.cs); RawRecord holds
        -- the staged values as JSON (the file's raw text is not staged).
        SELECT d.[SourceRecordNumber], d.[SourceLineNumber], d.[FirstLine]
        INTO #Duplicate
        FROM (
            SELECT s.[SourceRecordNumber], s.[SourceLineNumber], MIN(s.[SourceRecordNumber]) OVER (PARTITION BY s.[Platform], s.[CommentId]) AS [FirstRecord],
                   FIRST_VALUE(s.[SourceLineNumber]) OVER (PARTITION BY s.[Platform], s.[CommentId] ORDER BY s.[SourceRecordNumber]) AS [FirstLine]
            FROM [Integration].[SocialInteraction_Staging] AS s
            WHERE s.[LineageKey] = @LineageKey
        ) AS d
        WHERE d.[SourceRecordNumber] > d.[FirstRecord];

        INSERT [Integration].[RejectedSocialInteraction] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT s.[LineageKey], s.[SourceName], s.[SourceLineNumber], s.[SourceRecordNumber], N'comment_id', CONCAT(N'duplicate of line ', d.[FirstLine]),
               (SELECT s.[Platform], s.[CommentId], s.[SocialHandle], s.[Email], s.[ReplyToCommentId], s.[CommentTime], s.[CommentText], s.[Likes] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
        FROM #Duplicate AS d
        INNER JOIN [Integration].[SocialInteraction_Staging] AS s ON s.[LineageKey] = @LineageKey AND s.[SourceRecordNumber] = d.[SourceRecordNumber];

        DELETE s
        FROM [Integration].[SocialInteraction_Staging] AS s
        INNER JOIN #Duplicate AS d ON d.[SourceRecordNumber] = s.[SourceRecordNumber]
        WHERE s.[LineageKey] = @LineageKey;

        -- EmailKey: the CRM identity rules' e-mail match key (EmailRules.MatchKey; InteractionMigration.EmailKey on DuckDB) of
        -- the normalised address: the sub-address (+tag, not at the start) dropped, for gmail.com / googlemail.com the dots of
        -- the local part too (domain gmail.com). ABS keeps LEFT valid should an address lack its '@' (normalised ones have it).
        SELECT s.[Platform], s.[CommentId], s.[SocialHandle], s.[Email], k.[EmailKey], s.[ReplyToCommentId], s.[CommentTime], s.[CommentText],
               s.[Likes], s.[SentimentScore], s.[SentimentLabel], s.[Keywords]
        INTO #Staged
        FROM (
            SELECT si.*, ROW_NUMBER() OVER (PARTITION BY si.[Platform], si.[CommentId] ORDER BY si.[SourceRecordNumber] DESC) AS [RowNumber]
            FROM [Integration].[SocialInteraction_Staging] AS si
            WHERE si.[LineageKey] = @LineageKey
        ) AS s
        CROSS APPLY (SELECT LEFT(s.[Email], ABS(CHARINDEX(N'@', s.[Email]) - 1)) AS [Local], SUBSTRING(s.[Email], CHARINDEX(N'@', s.[Email]) + 1, 400) AS [Domain]) AS p
        CROSS APPLY (SELECT CASE WHEN CHARINDEX(N'+', p.[Local]) > 1 THEN LEFT(p.[Local], CHARINDEX(N'+', p.[Local]) - 1) ELSE p.[Local] END AS [Local]) AS u
        CROSS APPLY (SELECT CASE WHEN p.[Domain] IN (N'gmail.com', N'googlemail.com') THEN REPLACE(u.[Local], N'.', N'') + N'@gmail.com'
                                 ELSE u.[Local] + N'@' + p.[Domain] END AS [EmailKey]) AS k
        WHERE s.[RowNumber] = 1;

        -- A comment's e-mail links directly only when exactly one customer has its match key among its e-mails (its current
        -- version's and its CRM ids', a duplicate registration's own address included: Integration.CustomerEmail): an address
        -- two customers share (a couple) links neither (the comment is left to handle stitching), as on DuckDB.
        SELECT k.[EmailKey], MIN(c.[CustomerKey]) AS [CustomerKey]
        INTO #ByEmail
        FROM [Integration].[CustomerEmail] AS c
        CROSS APPLY (SELECT LEFT(c.[Email], ABS(CHARINDEX(N'@', c.[Email]) - 1)) AS [Local], SUBSTRING(c.[Email], CHARINDEX(N'@', c.[Email]) + 1, 400) AS [Domain]) AS p
        CROSS APPLY (SELECT CASE WHEN CHARINDEX(N'+', p.[Local]) > 1 THEN LEFT(p.[Local], CHARINDEX(N'+', p.[Local]) - 1) ELSE p.[Local] END AS [Local]) AS u
        CROSS APPLY (SELECT CASE WHEN p.[Domain] IN (N'gmail.com', N'googlemail.com') THEN REPLACE(u.[Local], N'.', N'') + N'@gmail.com'
                                 ELSE u.[Local] + N'@' + p.[Domain] END AS [EmailKey]) AS k
        GROUP BY k.[EmailKey]
        HAVING COUNT(DISTINCT c.[CustomerKey]) = 1;

        DECLARE @First DATE = (SELECT CAST(MIN(s.[CommentTime]) AS DATE) FROM #Staged AS s);
        DECLARE @Last DATE = (SELECT CAST(MAX(s.[CommentTime]) AS DATE) FROM #Staged AS s);
        IF @First IS NOT NULL
            EXEC [Application].[PopulateDateDimension] @StartDate = @First, @EndDate = @Last;

        SELECT COALESCE(byEmail.[CustomerKey], 0) AS [CustomerKey],
               CAST(CASE WHEN byEmail.[CustomerKey] IS NOT NULL THEN N'email' ELSE N'none' END AS NVARCHAR(32)) AS [MatchRule],
               CONCAT(s.[Platform], N':', LOWER(s.[SocialHandle])) AS [HandleKey],
               COALESCE(d.[DateKey], 0) AS [DateKey],
               COALESCE(ch.[ChannelKey], 0) AS [ChannelKey], s.[Platform], s.[CommentId], s.[SocialHandle], s.[ReplyToCommentId], s.[CommentTime],
               s.[CommentText], s.[Likes], s.[SentimentScore], s.[SentimentLabel], s.[Keywords],
               CASE WHEN byEmail.[CustomerKey] IS NULL
                    THEN LOWER(CONVERT(NCHAR(64), HASHBYTES('SHA2_256', CAST(s.[EmailKey] COLLATE Latin1_General_100_CI_AS_SC_UTF8 AS VARCHAR(1280))), 2)) END AS [SourceEmailKeyHash]
        INTO #Resolved
        FROM #Staged AS s
        LEFT OUTER JOIN #ByEmail AS byEmail ON byEmail.[EmailKey] = s.[EmailKey]
        LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[CommentTime] AS DATE)
        LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelCode] = N'social';

        -- Customers named by each handle's e-mail links, in this load and in earlier facts (rows this load replaces excluded).
        SELECT i.[HandleKey], COUNT(DISTINCT e.[CustomerKey]) AS [Customers], MIN(e.[CustomerKey]) AS [CustomerKey]
        INTO #Handle
        FROM (SELECT DISTINCT r.[HandleKey] FROM #Resolved AS r) AS i
        LEFT OUTER JOIN (
            SELECT r.[HandleKey], r.[CustomerKey] FROM #Resolved AS r WHERE r.[MatchRule] = N'email'
            UNION ALL
            SELECT CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle])), f.[CustomerKey] FROM [Fact].[SocialInteraction] AS f
            WHERE f.[MatchRule] = N'email'
              AND NOT EXISTS (SELECT 1 FROM #Resolved AS r WHERE r.[Platform] = f.[Platform] AND r.[CommentId] = f.[CommentId])
        ) AS e ON e.[HandleKey] = i.[HandleKey]
        GROUP BY i.[HandleKey];

        UPDATE r
        SET r.[CustomerKey] = CASE WHEN h.[Customers] = 1 THEN h.[CustomerKey] ELSE 0 END,
            r.[MatchRule] = CASE WHEN h.[Customers] = 1 THEN N'handle-stitch' ELSE N'handle-conflict' END
        FROM #Resolved AS r
        INNER JOIN #Handle AS h ON h.[HandleKey] = r.[HandleKey]
        WHERE r.[MatchRule] = N'none' AND h.[Customers] > 0;

        -- A stored comment that changed is replaced (deleted here, inserted below), its keyword rows with it.
        SELECT f.[SocialInteractionKey]
        INTO #Replaced
        FROM [Fact].[SocialInteraction] AS f
        INNER JOIN #Resolved AS r ON r.[Platform] = f.[Platform] AND r.[CommentId] = f.[CommentId]
        -- Text compares by code point and length (COLLATE Latin1_General_100_BIN2 + DATALENGTH), as DuckDB's IS DISTINCT FROM: the
        -- database collation ignores case and trailing spaces, so a correction such as LEEDS -> Leeds would change nothing.
        WHERE EXISTS (
            SELECT f.[CustomerKey], f.[MatchRule], f.[SocialHandle] COLLATE Latin1_General_100_BIN2, f.[ReplyToCommentId] COLLATE Latin1_General_100_BIN2, f.[CommentTime], f.[CommentText] COLLATE Latin1_General_100_BIN2, f.[Likes], f.[SentimentScore], f.[Keywords] COLLATE Latin1_General_100_BIN2, DATALENGTH(f.[SocialHandle]), DATALENGTH(f.[ReplyToCommentId]), DATALENGTH(f.[CommentText]), DATALENGTH(f.[Keywords]), f.[SourceEmailKeyHash] COLLATE Latin1_General_100_BIN2, DATALENGTH(f.[SourceEmailKeyHash])
            EXCEPT
            SELECT r.[CustomerKey], r.[MatchRule], r.[SocialHandle] COLLATE Latin1_General_100_BIN2, r.[ReplyToCommentId] COLLATE Latin1_General_100_BIN2, r.[CommentTime], r.[CommentText] COLLATE Latin1_General_100_BIN2, r.[Likes], r.[SentimentScore], r.[Keywords] COLLATE Latin1_General_100_BIN2, DATALENGTH(r.[SocialHandle]), DATALENGTH(r.[ReplyToCommentId]), DATALENGTH(r.[CommentText]), DATALENGTH(r.[Keywords]), r.[SourceEmailKeyHash] COLLATE Latin1_General_100_BIN2, DATALENGTH(r.[SourceEmailKeyHash]));

        DELETE k
        FROM [Fact].[SocialKeyword] AS k
        INNER JOIN #Replaced AS x ON x.[SocialInteractionKey] = k.[SocialInteractionKey];

        DELETE f
        FROM [Fact].[SocialInteraction] AS f
        INNER JOIN #Replaced AS x ON x.[SocialInteractionKey] = f.[SocialInteractionKey];

        INSERT [Fact].[SocialInteraction]
            ([CustomerKey], [DateKey], [ChannelKey], [Platform], [CommentId], [SocialHandle], [ReplyToCommentId], [CommentTime],
             [CommentText], [Likes], [SentimentScore], [SentimentLabel], [Keywords], [MatchRule], [LineageKey], [SourceEmailKeyHash])
        SELECT r.[CustomerKey], r.[DateKey], r.[ChannelKey], r.[Platform], r.[CommentId], r.[SocialHandle], r.[ReplyToCommentId], r.[CommentTime],
               r.[CommentText], r.[Likes], r.[SentimentScore], r.[SentimentLabel], r.[Keywords], r.[MatchRule], @LineageKey, r.[SourceEmailKeyHash]
        FROM #Resolved AS r
        WHERE NOT EXISTS (SELECT 1 FROM [Fact].[SocialInteraction] AS f WHERE f.[Platform] = r.[Platform] AND f.[CommentId] = r.[CommentId]);

        -- The keywords of each comment without keyword rows (this load's new and replaced comments, and comments stored before
        -- Fact.SocialKeyword existed) as rows: its Keywords list split at the commas (RAKE phrases have none), compared by
        -- code unit as the host does (InteractionMigration.RunSocial).
        SELECT f.[SocialInteractionKey], LTRIM(k.[value]) COLLATE Latin1_General_100_BIN2 AS [Keyword]
        INTO #Keyword
        FROM [Fact].[SocialInteraction] AS f
        CROSS APPLY STRING_SPLIT(f.[Keywords], N',') AS k
        WHERE f.[Keywords] IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM [Fact].[SocialKeyword] AS x WHERE x.[SocialInteractionKey] = f.[SocialInteractionKey]);

        INSERT [Fact].[SocialKeyword] ([SocialInteractionKey], [Keyword], [LineageKey])
        SELECT DISTINCT k.[SocialInteractionKey], k.[Keyword], @LineageKey
        FROM #Keyword AS k
        WHERE k.[Keyword] <> N'';

        -- Earlier comments of the load's handles follow the handle's customers now (stitched, or un-stitched on a conflict).
        UPDATE f
        SET f.[CustomerKey] = CASE WHEN h.[Customers] = 1 THEN h.[CustomerKey] ELSE 0 END,
            f.[MatchRule] = CASE h.[Customers] WHEN 0 THEN N'none' WHEN 1 THEN N'handle-stitch' ELSE N'handle-conflict' END
        FROM [Fact].[SocialInteraction] AS f
        INNER JOIN #Handle AS h ON h.[HandleKey] = CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle]))
        WHERE COALESCE(f.[MatchRule], N'none') <> N'email'
          AND EXISTS (SELECT f.[CustomerKey], f.[MatchRule]
                      EXCEPT
                      SELECT CASE WHEN h.[Customers] = 1 THEN h.[CustomerKey] ELSE 0 END,
                             CASE h.[Customers] WHEN 0 THEN N'none' WHEN 1 THEN N'handle-stitch' ELSE N'handle-conflict' END);

        WITH [Earliest] AS (
            SELECT f.[CustomerKey], CONCAT(f.[Platform], N':', f.[SocialHandle]) AS [SocialHandle],
                   ROW_NUMBER() OVER (PARTITION BY f.[CustomerKey] ORDER BY f.[CommentTime], f.[Platform] COLLATE Latin1_General_100_BIN2, f.[CommentId] COLLATE Latin1_General_100_BIN2) AS [Position]
            FROM [Fact].[SocialInteraction] AS f
            WHERE f.[CustomerKey] IN (SELECT r.[CustomerKey] FROM #Resolved AS r)
              AND f.[MatchRule] IN (N'email', N'handle-stitch')
              AND LEN(f.[Platform]) + 1 + LEN(f.[SocialHandle]) <= 100
              AND CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle])) NOT IN (
                  SELECT CONCAT(g.[Platform], N':', LOWER(g.[SocialHandle])) FROM [Fact].[SocialInteraction] AS g WHERE g.[MatchRule] = N'email'
                  GROUP BY CONCAT(g.[Platform], N':', LOWER(g.[SocialHandle])) HAVING COUNT(DISTINCT g.[CustomerKey]) > 1))
        UPDATE c
        SET c.[SocialHandle] = e.[SocialHandle]
        FROM [Dimension].[Customer] AS c
        INNER JOIN (SELECT DISTINCT r.[CustomerKey] FROM #Resolved AS r WHERE r.[CustomerKey] <> 0) AS t ON t.[CustomerKey] = c.[CustomerKey]
        LEFT OUTER JOIN [Earliest] AS e ON e.[CustomerKey] = t.[CustomerKey] AND e.[Position] = 1
        WHERE c.[ValidTo] = @EndOfTime AND EXISTS (SELECT c.[SocialHandle] COLLATE Latin1_General_100_BIN2, DATALENGTH(c.[SocialHandle]) EXCEPT SELECT e.[SocialHandle] COLLATE Latin1_General_100_BIN2, DATALENGTH(e.[SocialHandle]));

        EXEC [Integration].[FlagSocialInteractionOutliers] @LineageKey = @LineageKey;
        DECLARE @RowsLoaded BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[SocialInteraction_Staging] AS si WHERE si.[LineageKey] = @LineageKey);
        DECLARE @RowsRejected BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[RejectedSocialInteraction] AS r WHERE r.[LineageKey] = @LineageKey);
        DECLARE @Cutoff DATETIME2(7) = COALESCE((SELECT MAX(s.[CommentTime]) FROM #Staged AS s), @LoadStarted);
        EXEC [Integration].[CompleteLineage] @LineageKey = @LineageKey, @RowsLoaded = @RowsLoaded, @RowsRejected = @RowsRejected, @CutoffTime = @Cutoff;

        DELETE FROM [Integration].[SocialInteraction_Staging] WHERE [LineageKey] = @LineageKey;

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
