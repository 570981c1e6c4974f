-- Marks a load as failed (called from the CATCH blocks of the Migrate procedures after their rollback, so the
-- warehouse is as it was and the lineage row says why).
CREATE PROCEDURE [Integration].[FailLineage]
    @LineageKey INT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    UPDATE [Integration].[Lineage]
    SET [LoadCompleted] = SYSUTCDATETIME(),
        [WasSuccessful] = 0
    WHERE [LineageKey] = @LineageKey;

    RETURN 0;
END;
GO
