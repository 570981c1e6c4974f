-- Marks a load as failed (called from the CATCH blocks of the Migrate procedures after their rollback, so the
-- warehouse is as it was and the lineage row says why: @Reason, the error message, goes to FailureReason), and by the
-- host when a load ends before its migration.
CREATE PROCEDURE [Integration].[FailLineage]
    @LineageKey INT,
    @Reason NVARCHAR(400) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    UPDATE [Integration].[Lineage]
    SET [LoadCompleted] = SYSUTCDATETIME(),
        [WasSuccessful] = 0,
        [FailureReason] = COALESCE(@Reason, [FailureReason])
    WHERE [LineageKey] = @LineageKey;

    RETURN 0;
END;
GO
