-- Segment sizes over the successful runs of each configuration: a persistent segment keeps its SegmentKey when a new
-- run's cluster matches it, so its size can be followed from run to run. IsNewSegment is 1 in the run where the
-- segment first appeared (no previous centroid to match); MatchDistance is how far its centre moved (scaled space).
CREATE VIEW [Reports].[SegmentSizeHistory]
AS
SELECT r.[ConfigurationName],
       r.[ModelRunKey],
       r.[AsOfDateKey],
       r.[StartedAt],
       rs.[SegmentKey],
       s.[SegmentName],
       rs.[ClusterIndex],
       rs.[CustomerCount],
       rs.[Share],
       rs.[MatchDistance],
       CASE WHEN s.[FirstModelRunKey] = r.[ModelRunKey] THEN 1 ELSE 0 END AS [IsNewSegment]
FROM [Segmentation].[ModelRunSegment] AS rs
INNER JOIN [Segmentation].[ModelRun] AS r ON r.[ModelRunKey] = rs.[ModelRunKey]
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = rs.[SegmentKey]
WHERE r.[Status] = N'succeeded';
GO
