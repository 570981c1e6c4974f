-- Migrates the web sessions staged under @LineageKey into Fact.WebSession, in one transaction: the latest staged row
-- per SessionId; the customer resolved by CRM id, else by web visitor id (current versions), else Unknown (0);
-- fact rows of the staged sessions deleted then inserted (rerun-safe); lineage completed, cutoff moved, staging cleared.
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

        SELECT s.[SessionId], s.[WebVisitorId], s.[CrmCustomerId], s.[StartTime], s.[EndTime], s.[PageViews], s.[ProductViews],
               s.[AddToCarts], s.[Conversions], s.[Device], s.[Referrer]
        INTO #Staged
        FROM (
            SELECT ws.*, ROW_NUMBER() OVER (PARTITION BY ws.[SessionId] ORDER BY ws.[SourceLineNumber] DESC) AS [RowNumber]
            FROM [Integration].[WebSession_Staging] AS ws
            WHERE ws.[LineageKey] = @LineageKey
        ) AS s
        WHERE s.[RowNumber] = 1;

        DELETE f
        FROM [Fact].[WebSession] AS f
        WHERE EXISTS (SELECT 1 FROM #Staged AS s WHERE s.[SessionId] = f.[SessionId]);

        INSERT [Fact].[WebSession]
            ([CustomerKey], [DateKey], [ChannelKey], [SessionId], [WebVisitorId], [StartTime], [EndTime], [DurationSeconds],
             [PageViews], [ProductViews], [AddToCarts], [Conversions], [Device], [Referrer], [LineageKey])
        SELECT COALESCE(byCrm.[CustomerKey], byVisitor.[CustomerKey], 0), COALESCE(d.[DateKey], 0), COALESCE(ch.[ChannelKey], 0),
               s.[SessionId], s.[WebVisitorId], s.[StartTime], s.[EndTime], DATEDIFF(SECOND, s.[StartTime], s.[EndTime]),
               s.[PageViews], s.[ProductViews], s.[AddToCarts], s.[Conversions], s.[Device], s.[Referrer], @LineageKey
        FROM #Staged AS s
        OUTER APPLY (
            SELECT TOP (1) c.[CustomerKey] FROM [Dimension].[Customer] AS c
            WHERE s.[CrmCustomerId] IS NOT NULL AND c.[CrmCustomerId] = s.[CrmCustomerId] AND c.[ValidTo] = @EndOfTime) AS byCrm
        OUTER APPLY (
            SELECT TOP (1) c.[CustomerKey] FROM [Dimension].[Customer] AS c
            WHERE c.[WebVisitorId] = s.[WebVisitorId] AND c.[ValidTo] = @EndOfTime
            ORDER BY c.[CustomerKey]) AS byVisitor
        LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[StartTime] AS DATE)
        LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelCode] = N'web';

        DECLARE @RowsLoaded BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[WebSession_Staging] AS ws WHERE ws.[LineageKey] = @LineageKey);
        DECLARE @RowsRejected BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[RejectedWebEvent] AS r WHERE r.[LineageKey] = @LineageKey);
        DECLARE @Cutoff DATETIME2(7) = COALESCE((SELECT MAX(s.[EndTime]) FROM #Staged AS s), @LoadStarted);
        EXEC [Integration].[CompleteLineage] @LineageKey = @LineageKey, @RowsLoaded = @RowsLoaded, @RowsRejected = @RowsRejected, @CutoffTime = @Cutoff;

        DELETE FROM [Integration].[WebSession_Staging] WHERE [LineageKey] = @LineageKey;

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
