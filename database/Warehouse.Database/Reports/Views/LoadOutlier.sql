-- The outliers each successful load flagged, per measure (Integration.OutlierStatistic): a fact row of the load has the
-- measure's FlagBit in its OutlierFlags when |value| > UpperBound (the modified z-score of log10(1 + |value|) above
-- Threshold). Flagged rows stay loaded and count in every feature; filter OutlierFlags = 0 to leave them out.
CREATE VIEW [Reports].[LoadOutlier]
AS
SELECT s.[LineageKey],
       l.[SourceSystem],
       l.[SourceName],
       l.[LoadCompleted],
       s.[TableName],
       s.[MeasureName],
       s.[FlagBit],
       s.[Threshold],
       s.[UpperBound],
       s.[RowsInStatistics],
       s.[RowsEvaluated],
       s.[RowsFlagged],
       CASE WHEN s.[RowsEvaluated] > 0 THEN CAST(s.[RowsFlagged] AS FLOAT) / s.[RowsEvaluated] END AS [FlaggedShare]
FROM [Integration].[OutlierStatistic] AS s
INNER JOIN [Integration].[Lineage] AS l ON l.[LineageKey] = s.[LineageKey]
WHERE l.[WasSuccessful] = 1;
GO
