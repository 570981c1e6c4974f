-- Starts a load: records it in Integration.Lineage and returns its key. Every staged, rejected, dimension and fact
-- row written by the load carries this key. Integration.CompleteLineage (called by the Migrate procedures) ends it.
-- The load's session takes the application lock N'Warehouse.Load.' + LineageKey (exclusive, owned by the session) in
-- the same transaction as the lineage row, so a lineage that is visible and not completed is either held by a live
-- session or abandoned (the session ended: SQL Server released its locks); Integration.CleanupAbandonedLoads cleans up
-- only lineages whose lock it can take, and Integration.ReleaseLoadLock ends the hold when the load is over.
CREATE PROCEDURE [Integration].[GetLineageKey]
    @SourceSystem NVARCHAR(50),
    @SourceName NVARCHAR(400),
    @TableName NVARCHAR(128),
    @SourceHash NVARCHAR(64) = NULL,
    @SourceCutoff DATETIME2(7) = NULL,
    @LineageKey INT OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @locked INT;
    DECLARE @resource NVARCHAR(255);

    BEGIN TRANSACTION;

    SET @LineageKey = NEXT VALUE FOR [Sequences].[LineageKey];
    SET @resource = CONCAT(N'Warehouse.Load.', @LineageKey);

    INSERT [Integration].[Lineage]
        ([LineageKey], [SourceSystem], [SourceName], [SourceHash], [TableName], [LoadStarted], [LoadCompleted], [WasSuccessful], [SourceCutoff])
    VALUES
        (@LineageKey, @SourceSystem, @SourceName, @SourceHash, @TableName, SYSUTCDATETIME(), NULL, 0, @SourceCutoff);

    EXEC @locked = [sys].[sp_getapplock] @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0;
    IF @locked < 0
    BEGIN
        ROLLBACK;
        DECLARE @message NVARCHAR(400) = CONCAT(N'Integration.GetLineageKey: the lock ', @resource, N' of the new load is held by another session (sp_getapplock returned ', @locked, N').');
        THROW 50020, @message, 1;
    END;

    COMMIT;

    RETURN 0;
END;
GO
