CREATE TABLE [Integration].[Reject_Staging] (
    [LineageKey] INT NOT NULL,
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [SourceRecordNumber] BIGINT NOT NULL,
    [ColumnName] NVARCHAR(128) NULL,
    [Reason] NVARCHAR(400) NOT NULL,
    [RawRecord] NVARCHAR(MAX) NULL,
    CONSTRAINT [PK_Integration_Reject_Staging] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceRecordNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Rows a running load rejected, held until its Integration.MigrateStaged… procedure moves them into the load''s reject table in the migration''s transaction (a failed load leaves no rejected rows behind); SQL Server path only.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load that rejected the row (its lineage names the reject table the row moves to).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File the row came from.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Physical line in the source file where the record starts, 1-based as an editor shows it (the CSV header is line 1; for JSON the line of the object''s opening brace; for a web event its line).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1-based ordinal of the record in the source file, with the line number the row''s key: several records can start on one line (a JSON array written on one line). For transactions (CSV, one record per line start) the line number.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging', @level2type = N'COLUMN', @level2name = N'SourceRecordNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Column that failed, when one column is to blame.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging', @level2type = N'COLUMN', @level2name = N'ColumnName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Why the row was rejected.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging', @level2type = N'COLUMN', @level2name = N'Reason';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'The source record exactly as read.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Reject_Staging', @level2type = N'COLUMN', @level2name = N'RawRecord';
GO
