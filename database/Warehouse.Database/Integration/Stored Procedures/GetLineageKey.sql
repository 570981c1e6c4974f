-- Starts a load: records it in Integration.Lineage and returns its key. Every staged, rejected, dimension and fact
-- row written by the load carries this key. Integration.CompleteLineage (called by the Migrate procedures) ends it.
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

    SET @LineageKey = NEXT VALUE FOR [Sequences].[LineageKey];

    INSERT [Integration].[Lineage]
        ([LineageKey], [SourceSystem], [SourceName], [SourceHash], [TableName], [LoadStarted], [LoadCompleted], [WasSuccessful], [SourceCutoff])
    VALUES
        (@LineageKey, @SourceSystem, @SourceName, @SourceHash, @TableName, SYSUTCDATETIME(), NULL, 0, @SourceCutoff);

    RETURN 0;
END;
GO
