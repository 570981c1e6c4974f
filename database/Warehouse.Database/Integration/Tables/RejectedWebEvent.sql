CREATE TABLE [Integration].[RejectedWebEvent] (
    [LineageKey] INT NOT NULL,
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [SourceRecordNumber] BIGINT NOT NULL,
    [ColumnName] NVARCHAR(128) NULL,
    [Reason] NVARCHAR(400) NOT NULL,
    [RawRecord] NVARCHAR(MAX) NULL,
    CONSTRAINT [PK_Integration_RejectedWebEvent] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceRecordNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Web event rows that could not be loaded, each with the reason: nothing read is silently dropped.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load that rejected the row.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File the row came from.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Physical line in the source file where the record starts, 1-based as an editor shows it (the CSV header is line 1; for JSON the line of the object''s opening brace).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1-based ordinal of the record in the source file (every record read, accepted or rejected, counts): with LineageKey the row''s key, because several records can start on one physical line (a JSON array written on one line shares SourceLineNumber).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent', @level2type = N'COLUMN', @level2name = N'SourceRecordNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Column that failed, when one column is to blame.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent', @level2type = N'COLUMN', @level2name = N'ColumnName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Why the row was rejected.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent', @level2type = N'COLUMN', @level2name = N'Reason';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'The source record exactly as read.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'RejectedWebEvent', @level2type = N'COLUMN', @level2name = N'RawRecord';
GO
