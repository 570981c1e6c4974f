-- What each segment of the latest run buys: Reports.SegmentRevenueShare for products, with the product's code,
-- description and category. RevenueRank 1 is the segment's best seller; filter RevenueRank <= n for a top n.
CREATE VIEW [Reports].[SegmentTopProduct]
AS
SELECT r.[ConfigurationName],
       r.[ModelRunKey],
       r.[SegmentKey],
       s.[SegmentName],
       r.[MemberKey] AS [ProductKey],
       pr.[StockCode],
       pr.[Description] AS [ProductDescription],
       pr.[Category],
       r.[Revenue],
       r.[Customers],
       r.[RevenueShare],
       r.[OverallRevenueShare],
       r.[ShareIndex],
       r.[RevenueRank]
FROM [Reports].[SegmentRevenueShare] AS r
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = r.[SegmentKey]
LEFT OUTER JOIN [Dimension].[Product] AS pr ON pr.[ProductKey] = r.[MemberKey]
WHERE r.[Dimension] = 'Product';
GO
