CREATE TABLE [Integration].[Lineage] (
    [LineageKey] INT NOT NULL CONSTRAINT [DF_Integration_Lineage_LineageKey] DEFAULT (NEXT VALUE FOR [Sequences].[LineageKey]),
    [SourceSystem] NVARCHAR(50) NOT NULL,
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceHash] NVARCHAR(64) NULL,
    [TableName] NVARCHAR(128) NOT NULL,
    [LoadStarted] DATETIME2(7) NOT NULL,
    [LoadCompleted] DATETIME2(7) NULL,
    [WasSuccessful] BIT NOT NULL,
    [RowsRead] BIGINT NOT NULL CONSTRAINT [DF_Integration_Lineage_RowsRead] DEFAULT (0),
    [RowsLoaded] BIGINT NOT NULL CONSTRAINT [DF_Integration_Lineage_RowsLoaded] DEFAULT (0),
    [RowsRejected] BIGINT NOT NULL CONSTRAINT [DF_Integration_Lineage_RowsRejected] DEFAULT (0),
    [SourceCutoff] DATETIME2(7) NULL,
    [FailureReason] NVARCHAR(400) NULL,
    CONSTRAINT [PK_Integration_Lineage] PRIMARY KEY CLUSTERED ([LineageKey] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'One row per load of one source into one table: what was read, loaded and rejected.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key of the load.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Source kind: crm, demographics, web, social, transactions, demo.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'SourceSystem';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File name (without folder) or other name of the source.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'SHA-256 of the source content (with non-default reading options: of the content hash and those options), to recognise a reload of the same file read the same way.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'SourceHash';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Destination table.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'TableName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'When the load started (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'LoadStarted';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'When the load completed (UTC); NULL while running or after a failure.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'LoadCompleted';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1 when the load committed.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'WasSuccessful';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Data rows read from the source.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'RowsRead';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Source rows loaded (web: the events of the loaded sessions, not the sessions), so RowsRead = RowsLoaded + RowsRejected in one unit on both engines.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'RowsLoaded';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Rows written to the reject table.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'RowsRejected';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Latest source timestamp included in this load.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'SourceCutoff';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Why the load failed: the error that rolled its migration back, the host''s note for a load that ended before its migration, or Integration.CleanupAbandonedLoads''s for a load whose connection was lost; NULL for a successful or running load and for failures recorded before this column existed.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Lineage', @level2type = N'COLUMN', @level2name = N'FailureReason';
GO
