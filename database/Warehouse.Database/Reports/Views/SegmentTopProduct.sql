-- What each segment of the latest run buys: revenue per product from the members' non-cancelled purchase lines before
-- the run's as-of date, the product's share of the segment's revenue, the same share among all customers of the run,
-- and the index 100 × segment share / overall share (above 100: the segment favours the product). RevenueRank 1 is the
-- segment's best seller; filter RevenueRank <= n for a top n (no TOP/LIMIT, so the view runs on both engines).
CREATE VIEW [Reports].[SegmentTopProduct]
AS
WITH [Line] AS (
    SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], p.[ProductKey], p.[Amount]
    FROM [Reports].[SegmentMember] AS m
    INNER JOIN [Fact].[Purchase] AS p
        ON p.[CustomerKey] = m.[CustomerKey] AND p.[DateKey] < m.[AsOfDateKey] AND p.[IsCancellation] = 0
),
[BySegment] AS (
    SELECT l.[ConfigurationName], l.[ModelRunKey], l.[SegmentKey], l.[ProductKey],
           CAST(SUM(l.[Amount]) AS FLOAT) AS [Revenue],
           COUNT(DISTINCT l.[CustomerKey]) AS [Customers]
    FROM [Line] AS l
    GROUP BY l.[ConfigurationName], l.[ModelRunKey], l.[SegmentKey], l.[ProductKey]
),
[SegmentTotal] AS (
    SELECT b.[ConfigurationName], b.[SegmentKey], SUM(b.[Revenue]) AS [Revenue]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[SegmentKey]
),
[Overall] AS (
    SELECT b.[ConfigurationName], b.[ProductKey], SUM(b.[Revenue]) AS [Revenue]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[ProductKey]
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
       b.[ProductKey],
       pr.[StockCode],
       pr.[Description] AS [ProductDescription],
       pr.[Category],
       b.[Revenue],
       b.[Customers],
       CASE WHEN st.[Revenue] = 0 THEN NULL ELSE b.[Revenue] / st.[Revenue] END AS [RevenueShare],
       CASE WHEN ot.[Revenue] = 0 THEN NULL ELSE o.[Revenue] / ot.[Revenue] END AS [OverallRevenueShare],
       CASE WHEN st.[Revenue] = 0 OR o.[Revenue] = 0 OR ot.[Revenue] = 0 THEN NULL
            ELSE 100.0 * (b.[Revenue] / st.[Revenue]) / (o.[Revenue] / ot.[Revenue]) END AS [ShareIndex],
       ROW_NUMBER() OVER (PARTITION BY b.[ConfigurationName], b.[SegmentKey] ORDER BY b.[Revenue] DESC, b.[ProductKey]) AS [RevenueRank]
FROM [BySegment] AS b
INNER JOIN [SegmentTotal] AS st ON st.[ConfigurationName] = b.[ConfigurationName] AND st.[SegmentKey] = b.[SegmentKey]
INNER JOIN [Overall] AS o ON o.[ConfigurationName] = b.[ConfigurationName] AND o.[ProductKey] = b.[ProductKey]
INNER JOIN [OverallTotal] AS ot ON ot.[ConfigurationName] = b.[ConfigurationName]
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = b.[SegmentKey]
LEFT OUTER JOIN [Dimension].[Product] AS pr ON pr.[ProductKey] = b.[ProductKey];
GO
