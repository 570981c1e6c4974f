CREATE TABLE [Segmentation].[SegmentRule] (
    [ModelRunKey] INT NOT NULL,
    [SegmentKey] INT NOT NULL,
    [Predicate] NVARCHAR(MAX) NOT NULL,
    [TreeDepth] INT NOT NULL,
    [ConditionCount] INT NOT NULL,
    [SegmentCustomerCount] INT NOT NULL,
    [MatchedCustomerCount] INT NOT NULL,
    [TruePositiveCount] INT NOT NULL,
    [MeasuredPrecision] FLOAT NOT NULL,
    [MeasuredCoverage] FLOAT NOT NULL,
    [CreatedAt] DATETIME2(7) NOT NULL,
    CONSTRAINT [PK_Segmentation_SegmentRule] PRIMARY KEY CLUSTERED ([ModelRunKey] ASC, [SegmentKey] ASC),
    CONSTRAINT [FK_Segmentation_SegmentRule_ModelRunKey_Segmentation_ModelRun] FOREIGN KEY ([ModelRunKey]) REFERENCES [Segmentation].[ModelRun] ([ModelRunKey]),
    CONSTRAINT [FK_Segmentation_SegmentRule_SegmentKey_Segmentation_Segment] FOREIGN KEY ([SegmentKey]) REFERENCES [Segmentation].[Segment] ([SegmentKey])
);
GO

CREATE NONCLUSTERED INDEX [IX_Segmentation_SegmentRule_SegmentKey] ON [Segmentation].[SegmentRule] ([SegmentKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Segments explained as SQL: per run and segment, a readable predicate on Segmentation.CustomerFeature columns learned by a shallow surrogate decision tree, with its precision and coverage measured by running it against the real assignment.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Run whose assignment the rule explains.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'ModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Segment the rule describes.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'SegmentKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Boolean SQL expression on unquoted Segmentation.CustomerFeature column names, valid in T-SQL and DuckDB: SELECT CustomerKey FROM Segmentation.CustomerFeature WHERE AsOfDateKey = <run as-of date> AND (<Predicate>).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'Predicate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Maximum depth of the surrogate decision tree the predicate was read from.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'TreeDepth';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Number of comparisons in the predicate (a readability measure).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'ConditionCount';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customers the model assigned to the segment in the run.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'SegmentCustomerCount';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customers of the run that satisfy the predicate.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'MatchedCustomerCount';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customers that satisfy the predicate and belong to the segment.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'TruePositiveCount';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'TruePositiveCount / MatchedCustomerCount, measured by running the predicate in the warehouse (0 when nothing matches).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'MeasuredPrecision';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'TruePositiveCount / SegmentCustomerCount: the share of the segment the predicate finds (recall).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'MeasuredCoverage';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'When the rule was learned and measured (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'SegmentRule', @level2type = N'COLUMN', @level2name = N'CreatedAt';
GO
