-- Migrates the social comments staged under @LineageKey into Fact.SocialInteraction, in one transaction: the latest
-- staged row per (Platform, CommentId); the customer resolved by social handle, else by e-mail (current versions),
-- else Unknown (0); fact rows of the staged comments deleted then inserted (rerun-safe); lineage completed, cutoff
-- moved, staging cleared.
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

        DELETE f
        FROM [Fact].[SocialInteraction] AS f
        WHERE EXISTS (SELECT 1 FROM #Staged AS s WHERE s.[Platform] = f.[Platform] AND s.[CommentId] = f.[CommentId]);

        INSERT [Fact].[SocialInteraction]
            ([CustomerKey], [DateKey], [ChannelKey], [Platform], [CommentId], [SocialHandle], [ReplyToCommentId], [CommentTime],
             [CommentText], [Likes], [SentimentScore], [SentimentLabel], [Keywords], [LineageKey])
        SELECT COALESCE(byHandle.[CustomerKey], byEmail.[CustomerKey], 0), COALESCE(d.[DateKey], 0), COALESCE(ch.[ChannelKey], 0),
               s.[Platform], s.[CommentId], s.[SocialHandle], s.[ReplyToCommentId], s.[CommentTime],
               s.[CommentText], s.[Likes], s.[SentimentScore], s.[SentimentLabel], s.[Keywords], @LineageKey
        FROM #Staged AS s
        OUTER APPLY (
            SELECT TOP (1) c.[CustomerKey] FROM [Dimension].[Customer] AS c
            WHERE c.[SocialHandle] = s.[SocialHandle] AND c.[ValidTo] = @EndOfTime
            ORDER BY c.[CustomerKey]) AS byHandle
        OUTER APPLY (
            SELECT TOP (1) c.[CustomerKey] FROM [Dimension].[Customer] AS c
            WHERE s.[Email] IS NOT NULL AND c.[Email] = s.[Email] AND c.[ValidTo] = @EndOfTime
            ORDER BY c.[CustomerKey]) AS byEmail
        LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[CommentTime] AS DATE)
        LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelCode] = N'social';

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
