-- Where each segment of the latest run lives: members per country of residence (current customer version; 'Unknown'
-- when not known), the country's share of the segment, its share among all customers of the run, and the index
-- 100 × segment share / overall share. CustomerRank 1 is the segment's largest country; filter CustomerRank <= n.
CREATE VIEW [Reports].[SegmentTopCountry]
AS
WITH [BySegment] AS (
    SELECT d.[ConfigurationName], d.[ModelRunKey], d.[SegmentKey], d.[SegmentName], d.[Country], COUNT(*) AS [Customers]
    FROM [Reports].[CustomerDrillDown] AS d
    GROUP BY d.[ConfigurationName], d.[ModelRunKey], d.[SegmentKey], d.[SegmentName], d.[Country]
),
[SegmentTotal] AS (
    SELECT b.[ConfigurationName], b.[SegmentKey], SUM(b.[Customers]) AS [Customers]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[SegmentKey]
),
[Overall] AS (
    SELECT b.[ConfigurationName], b.[Country], SUM(b.[Customers]) AS [Customers]
    FROM [BySegment] AS b
    GROUP BY b.[ConfigurationName], b.[Country]
),
[OverallTotal] AS (
    SELECT o.[ConfigurationName], SUM(o.[Customers]) AS [Customers]
    FROM [Overall] AS o
    GROUP BY o.[ConfigurationName]
)
SELECT b.[ConfigurationName],
       b.[ModelRunKey],
       b.[SegmentKey],
       b.[SegmentName],
       b.[Country],
       b.[Customers],
       CAST(b.[Customers] AS FLOAT) / st.[Customers] AS [CustomerShare],
       CAST(o.[Customers] AS FLOAT) / ot.[Customers] AS [OverallCustomerShare],
       100.0 * (CAST(b.[Customers] AS FLOAT) / st.[Customers]) / (CAST(o.[Customers] AS FLOAT) / ot.[Customers]) AS [ShareIndex],
       ROW_NUMBER() OVER (PARTITION BY b.[ConfigurationName], b.[SegmentKey] ORDER BY b.[Customers] DESC, b.[Country]) AS [CustomerRank]
FROM [BySegment] AS b
INNER JOIN [SegmentTotal] AS st ON st.[ConfigurationName] = b.[ConfigurationName] AND st.[SegmentKey] = b.[SegmentKey]
INNER JOIN [Overall] AS o ON o.[ConfigurationName] = b.[ConfigurationName] AND o.[Country] = b.[Country]
INNER JOIN [OverallTotal] AS ot ON ot.[ConfigurationName] = b.[ConfigurationName];
GO
