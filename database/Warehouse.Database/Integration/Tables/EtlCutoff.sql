CREATE TABLE [Integration].[EtlCutoff] (
    [SourceSystem] NVARCHAR(50) NOT NULL,
    [CutoffTime] DATETIME2(7) NOT NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Integration_EtlCutoff] PRIMARY KEY CLUSTERED ([SourceSystem] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Per source, the latest source timestamp loaded so far (incremental loads).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'EtlCutoff';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Source kind (business key).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'EtlCutoff', @level2type = N'COLUMN', @level2name = N'SourceSystem';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Latest source timestamp loaded.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'EtlCutoff', @level2type = N'COLUMN', @level2name = N'CutoffTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load that moved the cutoff.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'EtlCutoff', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
