-- Serialises CRM identity resolution on SQL Server. A CRM load reads the known customers
-- (Integration.CustomerIdentity), resolves its rows in the host and stages the answer for
-- Integration.MigrateStagedCustomerData; two such loads at the same time could both create a customer for the same new
-- person. The host takes this exclusive application lock (N'Warehouse.CrmIdentity', owned by the session) before it
-- reads the identities and releases it (Integration.ReleaseCrmIdentityLock) after the migration committed or failed;
-- MigrateStagedCustomerData refuses to run without it, and MigrateStagedPurchaseData (which creates customers for
-- unknown CRM ids) takes it for its transaction. A session that ends releases it. Waits up to @TimeoutSeconds, then
-- fails with error 50090 asking to retry.
CREATE PROCEDURE [Integration].[AcquireCrmIdentityLock]
    @TimeoutSeconds INT = 600
AS
BEGIN
    SET NOCOUNT ON;

    DECLARE @timeout INT = CASE WHEN @TimeoutSeconds IS NULL OR @TimeoutSeconds < 0 THEN 0 WHEN @TimeoutSeconds > 86400 THEN 86400000 ELSE @TimeoutSeconds * 1000 END;
    DECLARE @locked INT;
    EXEC @locked = [sys].[sp_getapplock] @Resource = N'Warehouse.CrmIdentity', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = @timeout;
    IF @locked < 0
    BEGIN
        DECLARE @message NVARCHAR(400) = CONCAT(N'Another CRM or purchase load holds the CRM identity lock (Warehouse.CrmIdentity) after waiting ', @timeout / 1000, N' s (sp_getapplock returned ', @locked, N'); retry the load when it has finished.');
        THROW 50090, @message, 1;
    END;

    RETURN 0;
END;
GO
