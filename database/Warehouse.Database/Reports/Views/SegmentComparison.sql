-- Every segment of the latest run against all its customers, feature by feature: mean, median, extremes, and the
-- overall mean, median and (population) standard deviation. MeanIndex and MedianIndex are 100 × segment / overall
-- (100 = like everybody; NULL when the overall figure is 0); StandardizedMean is (segment mean − overall mean) /
-- overall standard deviation, the standardised centroid that heat maps and generated segment names use.
-- A variance below 1E-12 relative to the mean is rounding noise of equal values and counts as 0.
-- Medians use ROW_NUMBER and COUNT windows (the average of the one or two middle rows), because PERCENTILE_CONT is
-- an aggregate in DuckDB but only a window function in T-SQL. 2 × row between count and count + 2 picks the middle
-- row(s) without integer division, whose meaning differs between the engines.
CREATE VIEW [Reports].[SegmentComparison]
AS
WITH [Ranked] AS (
    SELECT v.[ConfigurationName],
           v.[ModelRunKey],
           v.[SegmentKey],
           v.[FeatureName],
           v.[FeatureOrder],
           v.[Value],
           ROW_NUMBER() OVER (PARTITION BY v.[ConfigurationName], v.[SegmentKey], v.[FeatureName] ORDER BY v.[Value]) AS [SegmentRow],
           COUNT(*) OVER (PARTITION BY v.[ConfigurationName], v.[SegmentKey], v.[FeatureName]) AS [SegmentRows],
           ROW_NUMBER() OVER (PARTITION BY v.[ConfigurationName], v.[FeatureName] ORDER BY v.[Value]) AS [OverallRow],
           COUNT(*) OVER (PARTITION BY v.[ConfigurationName], v.[FeatureName]) AS [OverallRows]
    FROM [Reports].[SegmentFeatureValue] AS v
),
[Overall] AS (
    SELECT r.[ConfigurationName],
           r.[FeatureName],
           AVG(r.[Value]) AS [OverallMean],
           AVG(CASE WHEN 2 * r.[OverallRow] >= r.[OverallRows] AND 2 * r.[OverallRow] <= r.[OverallRows] + 2 THEN r.[Value] END) AS [OverallMedian],
           AVG(r.[Value] * r.[Value]) - AVG(r.[Value]) * AVG(r.[Value]) AS [OverallVariance]
    FROM [Ranked] AS r
    GROUP BY r.[ConfigurationName], r.[FeatureName]
),
[BySegment] AS (
    SELECT r.[ConfigurationName],
           r.[ModelRunKey],
           r.[SegmentKey],
           r.[FeatureName],
           r.[FeatureOrder],
           COUNT(*) AS [CustomerCount],
           AVG(r.[Value]) AS [Mean],
           AVG(CASE WHEN 2 * r.[SegmentRow] >= r.[SegmentRows] AND 2 * r.[SegmentRow] <= r.[SegmentRows] + 2 THEN r.[Value] END) AS [Median],
           MIN(r.[Value]) AS [Minimum],
           MAX(r.[Value]) AS [Maximum]
    FROM [Ranked] AS r
    GROUP BY r.[ConfigurationName], r.[ModelRunKey], r.[SegmentKey], r.[FeatureName], r.[FeatureOrder]
)
SELECT b.[ConfigurationName],
       b.[ModelRunKey],
       b.[SegmentKey],
       s.[SegmentName],
       b.[FeatureName],
       COALESCE(fd.[DisplayName], b.[FeatureName]) AS [FeatureDisplayName],
       b.[FeatureOrder],
       b.[CustomerCount],
       b.[Mean],
       b.[Median],
       b.[Minimum],
       b.[Maximum],
       o.[OverallMean],
       o.[OverallMedian],
       CASE WHEN o.[OverallVariance] > 1E-12 * (o.[OverallMean] * o.[OverallMean] + 1) THEN SQRT(o.[OverallVariance]) ELSE CAST(0 AS FLOAT) END AS [OverallStandardDeviation],
       CASE WHEN o.[OverallMean] = 0 THEN NULL ELSE 100.0 * b.[Mean] / o.[OverallMean] END AS [MeanIndex],
       CASE WHEN o.[OverallMedian] = 0 THEN NULL ELSE 100.0 * b.[Median] / o.[OverallMedian] END AS [MedianIndex],
       CASE WHEN o.[OverallVariance] > 1E-12 * (o.[OverallMean] * o.[OverallMean] + 1) THEN (b.[Mean] - o.[OverallMean]) / SQRT(o.[OverallVariance]) ELSE CAST(0 AS FLOAT) END AS [StandardizedMean]
FROM [BySegment] AS b
INNER JOIN [Overall] AS o ON o.[ConfigurationName] = b.[ConfigurationName] AND o.[FeatureName] = b.[FeatureName]
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = b.[SegmentKey]
LEFT OUTER JOIN [Segmentation].[FeatureDefinition] AS fd ON fd.[FeatureName] = b.[FeatureName];
GO
