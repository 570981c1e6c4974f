-- Where each segment of the latest run spends, by product and by sales channel (Dimension = 'Product' or 'Channel',
-- MemberKey = ProductKey or ChannelKey): revenue from the members' non-cancelled purchase lines before the run's as-of
-- date, the member's share of the segment's revenue, the same share among all customers of the run, and the index
-- 100 × segment share / overall share (above 100: the segment favours it). RevenueRank 1 is the segment's first product
-- or channel. Reports.SegmentTopProduct and Reports.SegmentTopChannel add the dimension's names; no TOP/LIMIT, so the
-- view runs on both engines.
CREATE VIEW [Reports].[SegmentRevenueShare]
AS
WITH [Line] AS (
    SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], p.[ProductKey], p.[ChannelKey], p.[Amount]
    FROM [Reports].[SegmentMember] AS m
    INNER JOIN [Fact].[Purchase] AS p
        ON p.[CustomerKey] = m.[CustomerKey] AND p.[DateKey] < m.[AsOfDateKey] AND p.[IsCancellation] = 0
),
[Keyed] AS (
    SELECT l.[ConfigurationName], l.[ModelRunKey], l.[SegmentKey], l.[CustomerKey], 'Product' AS [Dimension], l.[ProductKey] AS [MemberKey], l.[Amount]
    FROM [Line] AS l
    UNION ALL
    SELECT l.[ConfigurationName], l.[ModelRunKey], l.[SegmentKey], l.[CustomerKey], 'Channel' AS [Dimension], l.[ChannelKey] AS [MemberKey], l.[Amount]
    FROM [Line] AS l
),
[BySegment] AS (
    SELECT k.[ConfigurationName], k.[ModelRunKey], k.[SegmentKey], k.[Dimension], k.[MemberKey],
           CAST(SUM(k.[Amount]) AS FLOAT) AS [Revenue],
           COUNT(DISTINCT k.[CustomerKey]) AS [Customers]
    FROM [Keyed] AS k
    GROUP BY k.[ConfigurationName], k.[ModelRunKey], k.[SegmentKey], k.[Dimension], k.[MemberKey]
),
[SegmentTotal] AS (
    SELECT b.[ConfigurationName], b.[SegmentKey], b.[Dimension], SUM(b.[Revenue]) AS [Revenue]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[SegmentKey], b.[Dimension]
),
[Overall] AS (
    SELECT b.[ConfigurationName], b.[Dimension], b.[MemberKey], SUM(b.[Revenue]) AS [Revenue]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[Dimension], b.[MemberKey]
),
[OverallTotal] AS (
    SELECT o.[ConfigurationName], o.[Dimension], SUM(o.[Revenue]) AS [Revenue]
    FROM [Overall] AS o
    GROUP BY o.[ConfigurationName], o.[Dimension]
)
SELECT b.[ConfigurationName],
       b.[ModelRunKey],
       b.[SegmentKey],
       b.[Dimension],
       b.[MemberKey],
       b.[Revenue],
       b.[Customers],
       CASE WHEN st.[Revenue] = 0 THEN NULL ELSE b.[Revenue] / st.[Revenue] END AS [RevenueShare],
       CASE WHEN ot.[Revenue] = 0 THEN NULL ELSE o.[Revenue] / ot.[Revenue] END AS [OverallRevenueShare],
       CASE WHEN st.[Revenue] = 0 OR o.[Revenue] = 0 OR ot.[Revenue] = 0 THEN NULL
            ELSE 100.0 * (b.[Revenue] / st.[Revenue]) / (o.[Revenue] / ot.[Revenue]) END AS [ShareIndex],
       ROW_NUMBER() OVER (PARTITION BY b.[ConfigurationName], b.[Dimension], b.[SegmentKey] ORDER BY b.[Revenue] DESC, b.[MemberKey]) AS [RevenueRank]
FROM [BySegment] AS b
INNER JOIN [SegmentTotal] AS st ON st.[ConfigurationName] = b.[ConfigurationName] AND st.[SegmentKey] = b.[SegmentKey] AND st.[Dimension] = b.[Dimension]
INNER JOIN [Overall] AS o ON o.[ConfigurationName] = b.[ConfigurationName] AND o.[Dimension] = b.[Dimension] AND o.[MemberKey] = b.[MemberKey]
INNER JOIN [OverallTotal] AS ot ON ot.[ConfigurationName] = b.[ConfigurationName] AND ot.[Dimension] = b.[Dimension];
GO
