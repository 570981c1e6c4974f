-- Stores the SQL rules the host learned for a run (`segment run`, `report`): replaces every row of
-- Segmentation.SegmentRule of @ModelRunKey by @Rules in one transaction, so readers see the old rules or the new
-- ones, never a mix; an empty @Rules removes the run's rules. The run must have succeeded (50080) and every rule must
-- name a segment of that run (50081); on error nothing changes. CreatedAt is the time of the call (UTC). Members of
-- SegmentationOperator run it without rights on the table (ownership chaining; EXECUTE on the schema covers the
-- table type). The host runs the same DELETE and one INSERT per rule in a transaction on DuckDB
-- (Warehouse.Data.SegmentStore; a test compares the statements).
CREATE PROCEDURE [Segmentation].[ReplaceSegmentRules]
    @ModelRunKey INT,
    @Rules [Segmentation].[SegmentRuleList] READONLY
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @message NVARCHAR(2000);
    IF NOT EXISTS (SELECT 1 FROM [Segmentation].[ModelRun] AS r WHERE r.[ModelRunKey] = @ModelRunKey AND r.[Status] = N'succeeded')
    BEGIN
        SET @message = CONCAT(N'Segmentation.ReplaceSegmentRules: no succeeded run ', COALESCE(CAST(@ModelRunKey AS NVARCHAR(20)), N'NULL'), N' in Segmentation.ModelRun.');
        THROW 50080, @message, 1;
    END;

    DECLARE @Stranger INT = (SELECT MIN(x.[SegmentKey]) FROM @Rules AS x
                             WHERE NOT EXISTS (SELECT 1 FROM [Segmentation].[ModelRunSegment] AS s
                                               WHERE s.[ModelRunKey] = @ModelRunKey AND s.[SegmentKey] = x.[SegmentKey]));
    IF @Stranger IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'Segmentation.ReplaceSegmentRules: segment ', @Stranger, N' is not a segment of run ', @ModelRunKey, N' (Segmentation.ModelRunSegment).');
        THROW 50081, @message, 1;
    END;

    DECLARE @CreatedAt DATETIME2(7) = SYSUTCDATETIME();
    BEGIN TRANSACTION;

    DELETE FROM [Segmentation].[SegmentRule] WHERE [ModelRunKey] = @ModelRunKey;

    INSERT INTO [Segmentation].[SegmentRule] ([ModelRunKey], [SegmentKey], [Predicate], [TreeDepth], [ConditionCount], [SegmentCustomerCount],
        [MatchedCustomerCount], [TruePositiveCount], [MeasuredPrecision], [MeasuredCoverage], [CreatedAt])
    SELECT @ModelRunKey, x.[SegmentKey], x.[Predicate], x.[TreeDepth], x.[ConditionCount], x.[SegmentCustomerCount],
        x.[MatchedCustomerCount], x.[TruePositiveCount], x.[MeasuredPrecision], x.[MeasuredCoverage], @CreatedAt
    FROM @Rules AS x;

    COMMIT;
    RETURN 0;
END;
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Replaces the SQL rules of a succeeded run (Segmentation.SegmentRule) by the given list in one transaction; errors 50080 (run not succeeded) and 50081 (segment not in the run).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'PROCEDURE', @level1name = N'ReplaceSegmentRules';
GO
