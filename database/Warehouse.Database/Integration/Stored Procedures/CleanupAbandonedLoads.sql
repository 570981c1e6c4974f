-- Cleans up after loads whose connection was lost before they could clean up (the host deletes a failed load's staged
-- rows and marks its lineage failed, but a dropped connection leaves both behind): for every lineage that is neither
-- successful nor completed, it tries the load's application lock (N'Warehouse.Load.' + LineageKey, which the load's
-- session holds from Integration.GetLineageKey to its end) without waiting. Taken means the session is gone: the
-- load's rows are deleted from every table the host writes before a migration (the staging tables,
-- Integration.CustomerMatch_Staging and Integration.Reject_Staging) and the lineage is marked failed with a reason, in
-- one transaction, then the lock is released. A lock held by another session is a load still running and is left
-- alone, and so is a lock this session holds itself (its own load). Nothing outside staging is touched: a migration
-- writes dimensions, facts and reject tables only in its own transaction. Called by the host before each load on SQL
-- Server; the Agent job's ETL step runs the host, and a DBA may run it at any time.
CREATE PROCEDURE [Integration].[CleanupAbandonedLoads]
    @Cleaned INT = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    SET @Cleaned = 0;
    DECLARE @Candidates TABLE ([LineageKey] INT NOT NULL PRIMARY KEY);
    INSERT @Candidates ([LineageKey])
    SELECT l.[LineageKey]
    FROM [Integration].[Lineage] AS l
    WHERE l.[WasSuccessful] = 0 AND l.[LoadCompleted] IS NULL;

    DECLARE @LineageKey INT = (SELECT MIN(c.[LineageKey]) FROM @Candidates AS c);
    DECLARE @resource NVARCHAR(255);
    DECLARE @locked INT;
    WHILE @LineageKey IS NOT NULL
    BEGIN
        SET @resource = CONCAT(N'Warehouse.Load.', @LineageKey);
        IF APPLOCK_MODE(N'public', @resource, N'Session') = N'NoLock'
        BEGIN
            EXEC @locked = [sys].[sp_getapplock] @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0;
            IF @locked >= 0
            BEGIN
                BEGIN TRY
                    BEGIN TRANSACTION;

                    DELETE FROM [Integration].[Customer_Staging] WHERE [LineageKey] = @LineageKey;
                    DELETE FROM [Integration].[CustomerMatch_Staging] WHERE [LineageKey] = @LineageKey;
                    DELETE FROM [Integration].[Purchase_Staging] WHERE [LineageKey] = @LineageKey;
                    DELETE FROM [Integration].[Demographics_Staging] WHERE [LineageKey] = @LineageKey;
                    DELETE FROM [Integration].[WebSession_Staging] WHERE [LineageKey] = @LineageKey;
                    DELETE FROM [Integration].[SocialInteraction_Staging] WHERE [LineageKey] = @LineageKey;
                    DELETE FROM [Integration].[Reject_Staging] WHERE [LineageKey] = @LineageKey;

                    -- A load that completed after the candidates were read (and released its lock) keeps its lineage.
                    UPDATE [Integration].[Lineage]
                    SET [LoadCompleted] = SYSUTCDATETIME(),
                        [WasSuccessful] = 0,
                        [FailureReason] = N'abandoned: the load''s session ended before it completed or cleaned up; its staged rows were removed by Integration.CleanupAbandonedLoads'
                    WHERE [LineageKey] = @LineageKey AND [WasSuccessful] = 0 AND [LoadCompleted] IS NULL;
                    SET @Cleaned = @Cleaned + @@ROWCOUNT;

                    COMMIT;
                END TRY
                BEGIN CATCH
                    IF XACT_STATE() <> 0
                        ROLLBACK;
                    EXEC [sys].[sp_releaseapplock] @Resource = @resource, @LockOwner = N'Session';
                    THROW;
                END CATCH;

                EXEC [sys].[sp_releaseapplock] @Resource = @resource, @LockOwner = N'Session';
            END;
        END;

        SET @LineageKey = (SELECT MIN(c.[LineageKey]) FROM @Candidates AS c WHERE c.[LineageKey] > @LineageKey);
    END;

    RETURN 0;
END;
GO
