-- Releases the CRM identity lock (N'Warehouse.CrmIdentity') this session took with Integration.AcquireCrmIdentityLock;
-- does nothing when the session does not hold it.
CREATE PROCEDURE [Integration].[ReleaseCrmIdentityLock]
AS
BEGIN
    SET NOCOUNT ON;

    IF APPLOCK_MODE(N'public', N'Warehouse.CrmIdentity', N'Session') <> N'NoLock'
        EXEC [sys].[sp_releaseapplock] @Resource = N'Warehouse.CrmIdentity', @LockOwner = N'Session';

    RETURN 0;
END;
GO
