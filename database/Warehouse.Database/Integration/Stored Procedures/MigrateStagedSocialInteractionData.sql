-- Migrates the social comments staged under @LineageKey into Fact.SocialInteraction, in one transaction, with the rules
-- of the host's InteractionMigration.RunSocial (src/Warehouse.Data/Loading/InteractionMigration.cs), so both engines
-- link the same comments to the same customers:
--   1. the last staged row per (Platform, CommentId) wins;
--   2. the customer: the current customer with the e-mail given with the comment, else the current customer whose
--      SocialHandle is '<platform>:<handle>', else Unknown (0); the lowest CustomerKey wins a tie;
--   3. the calendar is extended to the comments' days (Application.PopulateDateDimension);
--   4. a stored comment is replaced only when it changed, so a rerun changes nothing;
--   5. lineage completed (read = loaded + rejected), the social cutoff moved to the latest comment, staging cleared.
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

        SELECT s.[Platform], s.[CommentId], s.[SocialHandle], s.[Email], s.[ReplyToCommentId], s.[CommentTime], s.[CommentText],
               s.[Likes], s.[SentimentScore], s.[SentimentLabel], s.[Keywords]
        INTO #Staged
        FROM (
            SELECT si.*, ROW_NUMBER() OVER (PARTITION BY si.[Platform], si.[CommentId] ORDER BY si.[SourceLineNumber] DESC) AS [RowNumber]
            FROM [Integration].[SocialInteraction_Staging] AS si
            WHERE si.[LineageKey] = @LineageKey
        ) AS s
        WHERE s.[RowNumber] = 1;

        SELECT c.[Email], MIN(c.[CustomerKey]) AS [CustomerKey]
        INTO #ByEmail
        FROM [Dimension].[Customer] AS c
        WHERE c.[ValidTo] = @EndOfTime AND c.[CustomerKey] <> 0 AND c.[Email] IS NOT NULL
        GROUP BY c.[Email];

        SELECT c.[SocialHandle], MIN(c.[CustomerKey]) AS [CustomerKey]
        INTO #ByHandle
        FROM [Dimension].[Customer] AS c
        WHERE c.[ValidTo] = @EndOfTime AND c.[CustomerKey] <> 0 AND c.[SocialHandle] IS NOT NULL
        GROUP BY c.[SocialHandle];

        DECLARE @First DATE = (SELECT CAST(MIN(s.[CommentTime]) AS DATE) FROM #Staged AS s);
        DECLARE @Last DATE = (SELECT CAST(MAX(s.[CommentTime]) AS DATE) FROM #Staged AS s);
        IF @First IS NOT NULL
            EXEC [Application].[PopulateDateDimension] @StartDate = @First, @EndDate = @Last;

        SELECT COALESCE(byEmail.[CustomerKey], byHandle.[CustomerKey], 0) AS [CustomerKey], COALESCE(d.[DateKey], 0) AS [DateKey],
               COALESCE(ch.[ChannelKey], 0) AS [ChannelKey], s.[Platform], s.[CommentId], s.[SocialHandle], s.[ReplyToCommentId], s.[CommentTime],
               s.[CommentText], s.[Likes], s.[SentimentScore], s.[SentimentLabel], s.[Keywords]
        INTO #Resolved
        FROM #Staged AS s
        LEFT OUTER JOIN #ByEmail AS byEmail ON byEmail.[Email] = s.[Email]
        LEFT OUTER JOIN #ByHandle AS byHandle ON byHandle.[SocialHandle] = CONCAT(s.[Platform], N':', s.[SocialHandle])
        LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[CommentTime] AS DATE)
        LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelCode] = N'social';

        DELETE f
        FROM [Fact].[SocialInteraction] AS f
        INNER JOIN #Resolved AS r ON r.[Platform] = f.[Platform] AND r.[CommentId] = f.[CommentId]
        WHERE EXISTS (
            SELECT f.[CustomerKey], f.[SocialHandle], f.[ReplyToCommentId], f.[CommentTime], f.[CommentText], f.[Likes], f.[SentimentScore], f.[Keywords]
            EXCEPT
            SELECT r.[CustomerKey], r.[SocialHandle], r.[ReplyToCommentId], r.[CommentTime], r.[CommentText], r.[Likes], r.[SentimentScore], r.[Keywords]);

        INSERT [Fact].[SocialInteraction]
            ([CustomerKey], [DateKey], [ChannelKey], [Platform], [CommentId], [SocialHandle], [ReplyToCommentId], [CommentTime],
             [CommentText], [Likes], [SentimentScore], [SentimentLabel], [Keywords], [LineageKey])
        SELECT r.[CustomerKey], r.[DateKey], r.[ChannelKey], r.[Platform], r.[CommentId], r.[SocialHandle], r.[ReplyToCommentId], r.[CommentTime],
               r.[CommentText], r.[Likes], r.[SentimentScore], r.[SentimentLabel], r.[Keywords], @LineageKey
        FROM #Resolved AS r
        WHERE NOT EXISTS (SELECT 1 FROM [Fact].[SocialInteraction] AS f WHERE f.[Platform] = r.[Platform] AND f.[CommentId] = r.[CommentId]);

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
        EXEC [Integration].[FailLineage] @LineageKey = @LineageKey;
        THROW;
    END CATCH;

    RETURN 0;
END;
GO
