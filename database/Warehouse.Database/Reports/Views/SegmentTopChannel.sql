-- Where each segment of the latest run buys: revenue per channel from the members' non-cancelled purchase lines before
-- the run's as-of date, the channel's share of the segment's revenue, the same share among all customers of the run,
-- and the index 100 × segment share / overall share (above 100: the segment favours the channel). RevenueRank 1 is the
-- segment's main channel; filter RevenueRank <= n for a top n (no TOP/LIMIT, so the view runs on both engines).
CREATE VIEW [Reports].[SegmentTopChannel]
AS
WITH [Line] AS (
    SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], p.[ChannelKey], p.[Amount]
    FROM [Reports].[SegmentMember] AS m
    INNER JOIN [Fact].[Purchase] AS p
        ON p.[CustomerKey] = m.[CustomerKey] AND p.[DateKey] < m.[AsOfDateKey] AND p.[IsCancellation] = 0
),
[BySegment] AS (
    SELECT l.[ConfigurationName], l.[ModelRunKey], l.[SegmentKey], l.[ChannelKey],
           CAST(SUM(l.[Amount]) AS FLOAT) AS [Revenue],
           COUNT(DISTINCT l.[CustomerKey]) AS [Customers]
    FROM [Line] AS l
    GROUP BY l.[ConfigurationName], l.[ModelRunKey], l.[SegmentKey], l.[ChannelKey]
),
[SegmentTotal] AS (
    SELECT b.[ConfigurationName], b.[SegmentKey], SUM(b.[Revenue]) AS [Revenue]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[SegmentKey]
),
[Overall] AS (
    SELECT b.[ConfigurationName], b.[ChannelKey], SUM(b.[Revenue]) AS [Revenue]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[ChannelKey]
),
[OverallTotal] AS (
    SELECT o.[ConfigurationName], SUM(o.[Revenue]) AS [Revenue]
    FROM [Overall] AS o
    GROUP BY o.[ConfigurationName]
)
SELECT b.[ConfigurationName],
       b.[ModelRunKey],
       b.[SegmentKey],
       s.[SegmentName],
       b.[ChannelKey],
       ch.[ChannelCode],
       ch.[ChannelName],
       b.[Revenue],
       b.[Customers],
       CASE WHEN st.[Revenue] = 0 THEN NULL ELSE b.[Revenue] / st.[Revenue] END AS [RevenueShare],
       CASE WHEN ot.[Revenue] = 0 THEN NULL ELSE o.[Revenue] / ot.[Revenue] END AS [OverallRevenueShare],
       CASE WHEN st.[Revenue] = 0 OR o.[Revenue] = 0 OR ot.[Revenue] = 0 THEN NULL
            ELSE 100.0 * (b.[Revenue] / st.[Revenue]) / (o.[Revenue] / ot.[Revenue]) END AS [ShareIndex],
       ROW_NUMBER() OVER (PARTITION BY b.[ConfigurationName], b.[SegmentKey] ORDER BY b.[Revenue] DESC, b.[ChannelKey]) AS [RevenueRank]
FROM [BySegment] AS b
INNER JOIN [SegmentTotal] AS st ON st.[ConfigurationName] = b.[ConfigurationName] AND st.[SegmentKey] = b.[SegmentKey]
INNER JOIN [Overall] AS o ON o.[ConfigurationName] = b.[ConfigurationName] AND o.[ChannelKey] = b.[ChannelKey]
INNER JOIN [OverallTotal] AS ot ON ot.[ConfigurationName] = b.[ConfigurationName]
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = b.[SegmentKey]
LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelKey] = b.[ChannelKey];
GO
