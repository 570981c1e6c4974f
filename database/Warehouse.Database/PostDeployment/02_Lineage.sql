-- Post-deployment 2/6: lineage row 0, which the Unknown members and other seeded rows carry.
SET NOCOUNT ON;

IF NOT EXISTS (SELECT 1 FROM [Integration].[Lineage] WHERE [LineageKey] = 0)
    INSERT [Integration].[Lineage]
        ([LineageKey], [SourceSystem], [SourceName], [SourceHash], [TableName], [LoadStarted], [LoadCompleted], [WasSuccessful], [RowsRead], [RowsLoaded], [RowsRejected])
    VALUES
        (0, N'deployment', N'Warehouse.dacpac post-deployment', NULL, N'(seed rows)', SYSUTCDATETIME(), SYSUTCDATETIME(), 1, 0, 0, 0);
GO
