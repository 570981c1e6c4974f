-- The rules of one run as the host learned them (one row per segment), passed to Segmentation.ReplaceSegmentRules as
-- a table-valued parameter so a run's rules are replaced in one call and one transaction. Columns as in
-- Segmentation.SegmentRule without the run key (a parameter of the procedure) and CreatedAt (set by the procedure).
CREATE TYPE [Segmentation].[SegmentRuleList] AS TABLE (
    [SegmentKey] INT NOT NULL,
    [Predicate] NVARCHAR(MAX) NOT NULL,
    [TreeDepth] INT NOT NULL,
    [ConditionCount] INT NOT NULL,
    [SegmentCustomerCount] INT NOT NULL,
    [MatchedCustomerCount] INT NOT NULL,
    [TruePositiveCount] INT NOT NULL,
    [MeasuredPrecision] FLOAT NOT NULL,
    [MeasuredCoverage] FLOAT NOT NULL,
    PRIMARY KEY CLUSTERED ([SegmentKey] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Segment rules of one run (one row per segment) for Segmentation.ReplaceSegmentRules; columns as in Segmentation.SegmentRule.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TYPE', @level1name = N'SegmentRuleList';
GO
