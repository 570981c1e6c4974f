-- Ends a load inside the caller's transaction: row counts (read = loaded + rejected, rejected from the reject table
-- of the load), success flag, completion time, and moves the source system's ETL cutoff forward (never back; a NULL
-- @CutoffTime, a CRM file without update times, leaves it as it was).
CREATE PROCEDURE [Integration].[CompleteLineage]
    @LineageKey INT,
    @RowsLoaded BIGINT,
    @RowsRejected BIGINT,
    @CutoffTime DATETIME2(7)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @SourceSystem NVARCHAR(50) = (SELECT l.[SourceSystem] FROM [Integration].[Lineage] AS l WHERE l.[LineageKey] = @LineageKey);
    IF @SourceSystem IS NULL
    BEGIN
        DECLARE @message NVARCHAR(200) = CONCAT(N'Integration.CompleteLineage: LineageKey ', @LineageKey, N' does not exist.');
        THROW 50010, @message, 1;
    END;

    UPDATE [Integration].[Lineage]
    SET [LoadCompleted] = SYSUTCDATETIME(),
        [WasSuccessful] = 1,
        [RowsLoaded] = @RowsLoaded,
        [RowsRejected] = @RowsRejected,
        [RowsRead] = @RowsLoaded + @RowsRejected,
        [SourceCutoff] = COALESCE([SourceCutoff], @CutoffTime)
    WHERE [LineageKey] = @LineageKey;

    IF @CutoffTime IS NOT NULL
    BEGIN
        MERGE [Integration].[EtlCutoff] AS target
        USING (SELECT @SourceSystem AS [SourceSystem], @CutoffTime AS [CutoffTime]) AS source
            ON target.[SourceSystem] = source.[SourceSystem]
        WHEN MATCHED AND target.[CutoffTime] < source.[CutoffTime] THEN
            UPDATE SET [CutoffTime] = source.[CutoffTime], [LineageKey] = @LineageKey
        WHEN NOT MATCHED THEN
            INSERT ([SourceSystem], [CutoffTime], [LineageKey]) VALUES (source.[SourceSystem], source.[CutoffTime], @LineageKey);
    END;

    RETURN 0;
END;
GO
