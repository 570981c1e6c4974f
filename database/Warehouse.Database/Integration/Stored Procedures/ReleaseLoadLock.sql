-- Ends a load's hold on its application lock (N'Warehouse.Load.' + LineageKey, taken by Integration.GetLineageKey for
-- the session). The host calls it when the load is over, migrated or failed; a session that ends releases it anyway.
-- Does nothing when this session does not hold the lock.
CREATE PROCEDURE [Integration].[ReleaseLoadLock]
    @LineageKey INT
AS
BEGIN
    SET NOCOUNT ON;

    DECLARE @resource NVARCHAR(255) = CONCAT(N'Warehouse.Load.', @LineageKey);
    IF APPLOCK_MODE(N'public', @resource, N'Session') <> N'NoLock'
        EXEC [sys].[sp_releaseapplock] @Resource = @resource, @LockOwner = N'Session';

    RETURN 0;
END;
GO
