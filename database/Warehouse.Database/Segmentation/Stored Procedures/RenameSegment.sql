-- `segment rename`: gives a segment a user's name, kept through later runs (IsRenamed = 1, so generated names no longer
-- overwrite it), or with @SegmentName NULL or blank restores the generated name (IsRenamed = 0). The name is trimmed;
-- more than 100 characters raises 50071 and an unknown SegmentKey 50070, changing nothing. Members of
-- SegmentationOperator run it without rights on Segmentation.Segment (ownership chaining: the procedure and the table
-- have the same owner). The host sends the same UPDATE on DuckDB (Warehouse.Data.SegmentStore.RenameSql; a test
-- compares the two).
CREATE PROCEDURE [Segmentation].[RenameSegment]
    @SegmentKey INT,
    @SegmentName NVARCHAR(4000) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @message NVARCHAR(2000);
    DECLARE @Name NVARCHAR(4000) = NULLIF(LTRIM(RTRIM(@SegmentName)), N'');
    IF LEN(@Name) > 100
    BEGIN
        SET @message = CONCAT(N'Segmentation.RenameSegment: the name is ', LEN(@Name), N' characters long; at most 100 fit Segmentation.Segment.SegmentName.');
        THROW 50071, @message, 1;
    END;

    UPDATE [Segmentation].[Segment]
    SET [SegmentName] = COALESCE(@Name, [GeneratedName]),
        [IsRenamed] = CASE WHEN @Name IS NULL THEN 0 ELSE 1 END
    WHERE [SegmentKey] = @SegmentKey;

    IF @@ROWCOUNT = 0
    BEGIN
        SET @message = CONCAT(N'Segmentation.RenameSegment: no segment with SegmentKey ', COALESCE(CAST(@SegmentKey AS NVARCHAR(20)), N'NULL'), N' in Segmentation.Segment.');
        THROW 50070, @message, 1;
    END;

    RETURN 0;
END;
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Renames a segment (kept through later runs) or, with a NULL or blank name, restores its generated name; errors 50070 (unknown key) and 50071 (name over 100 characters).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'PROCEDURE', @level1name = N'RenameSegment';
GO
