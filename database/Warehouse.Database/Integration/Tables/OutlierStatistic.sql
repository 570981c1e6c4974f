CREATE TABLE [Integration].[OutlierStatistic] (
    [LineageKey] INT NOT NULL,
    [TableName] NVARCHAR(128) NOT NULL,
    [MeasureName] NVARCHAR(128) NOT NULL,
    [FlagBit] TINYINT NOT NULL,
    [Threshold] FLOAT NOT NULL,
    [RowsInStatistics] BIGINT NOT NULL,
    [Median] FLOAT NULL,
    [MedianAbsoluteDeviation] FLOAT NULL,
    [MeanAbsoluteDeviation] FLOAT NULL,
    [UpperBound] FLOAT NULL,
    [RowsEvaluated] BIGINT NOT NULL,
    [RowsFlagged] BIGINT NOT NULL,
    CONSTRAINT [PK_Integration_OutlierStatistic] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [TableName] ASC, [MeasureName] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Per load and measure, the statistics an outlier flag was decided with: the modified z-score of Iglewicz and Hoaglin on log10(1 + |value|) over every row of the fact table after the load, and the rows of the load flagged. A flag on a fact row is explained by its load''s row here (|value| > UpperBound).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) whose rows were flagged.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Fact table of the measure, two-part name (Fact.Purchase, Fact.WebSession, Fact.SocialInteraction).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'TableName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Column of the fact table the statistics describe (e.g. Quantity).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'MeasureName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Bit of the fact row''s OutlierFlags that this measure sets (1, 2, 4).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'FlagBit';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Modified z-score above which a row was flagged (Application.Setting Outliers.Threshold; 3.5, the authors'' recommendation, when unset).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'Threshold';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Rows of the fact table the statistics were computed over (every stored row, this load''s included).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'RowsInStatistics';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Median of log10(1 + |value|) over those rows (continuous percentile 0.5); NULL when there were none.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'Median';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Median of |log10(1 + |value|) - Median| (MAD); the score''s scale is MAD / 0.6745.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'MedianAbsoluteDeviation';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Mean of |log10(1 + |value|) - Median|; the scale is 1.253314 times it when MAD is 0 (more than half the rows equal), as IBM SPSS does.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'MeanAbsoluteDeviation';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'In the measure''s own units: a row is flagged when |value| > UpperBound = 10^(Median + Threshold * scale) - 1, i.e. its modified z-score exceeds Threshold. NULL when the scale is 0 (all values equal): nothing flagged.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'UpperBound';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Rows written by this load (LineageKey) whose flags were decided.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'RowsEvaluated';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Rows of this load flagged for this measure (their OutlierFlags has FlagBit set).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'OutlierStatistic', @level2type = N'COLUMN', @level2name = N'RowsFlagged';
GO
