-- Segments explained as SQL: for each run and segment the predicate learned by a shallow surrogate decision tree
-- (run it as SELECT CustomerKey FROM Reports.CustomerFeature WHERE AsOfDateKey = AsOfDateKey AND (Predicate)),
-- with the precision and coverage measured against the real assignment. IsLatest marks the latest run.
CREATE VIEW [Reports].[SegmentExplanation]
AS
SELECT r.[ConfigurationName],
       sr.[ModelRunKey],
       r.[AsOfDateKey],
       CASE WHEN lr.[ModelRunKey] IS NULL THEN 0 ELSE 1 END AS [IsLatest],
       sr.[SegmentKey],
       s.[SegmentName],
       sr.[Predicate],
       sr.[TreeDepth],
       sr.[ConditionCount],
       sr.[SegmentCustomerCount],
       sr.[MatchedCustomerCount],
       sr.[TruePositiveCount],
       sr.[MeasuredPrecision],
       sr.[MeasuredCoverage],
       sr.[CreatedAt]
FROM [Segmentation].[SegmentRule] AS sr
INNER JOIN [Segmentation].[ModelRun] AS r ON r.[ModelRunKey] = sr.[ModelRunKey]
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = sr.[SegmentKey]
LEFT OUTER JOIN [Reports].[LatestModelRun] AS lr ON lr.[ModelRunKey] = sr.[ModelRunKey];
GO
