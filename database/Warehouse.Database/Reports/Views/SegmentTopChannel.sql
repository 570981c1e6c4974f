-- Where each segment of the latest run buys: Reports.SegmentRevenueShare for sales channels, with the channel's code and
-- name. RevenueRank 1 is the segment's main channel; filter RevenueRank <= n for a top n.
CREATE VIEW [Reports].[SegmentTopChannel]
AS
SELECT r.[ConfigurationName],
       r.[ModelRunKey],
       r.[SegmentKey],
       s.[SegmentName],
       r.[MemberKey] AS [ChannelKey],
       ch.[ChannelCode],
       ch.[ChannelName],
       r.[Revenue],
       r.[Customers],
       r.[RevenueShare],
       r.[OverallRevenueShare],
       r.[ShareIndex],
       r.[RevenueRank]
FROM [Reports].[SegmentRevenueShare] AS r
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = r.[SegmentKey]
LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelKey] = r.[MemberKey]
WHERE r.[Dimension] = 'Channel';
GO
