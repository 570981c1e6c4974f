-- Profile of every segment of the latest successful run of each configuration: size, share and mean RFM figures.
-- Reads current memberships (ValidTo = end of time) and the feature snapshot the run used.
CREATE VIEW [Reports].[SegmentProfile]
AS
WITH [LatestRun] AS (
    SELECT r.[ConfigurationName], MAX(r.[ModelRunKey]) AS [ModelRunKey]
    FROM [Segmentation].[ModelRun] AS r
    WHERE r.[Status] = N'succeeded'
    GROUP BY r.[ConfigurationName]
)
SELECT lr.[ConfigurationName],
       lr.[ModelRunKey],
       s.[SegmentKey],
       s.[SegmentName],
       s.[Description],
       COUNT(*) AS [CustomerCount],
       CAST(COUNT(*) AS FLOAT) / MAX(r.[NumberOfCustomers]) AS [Share],
       AVG(CAST(f.[RecencyDays] AS FLOAT)) AS [MeanRecencyDays],
       AVG(CAST(f.[Frequency] AS FLOAT)) AS [MeanFrequency],
       AVG(CAST(f.[AverageOrderValue] AS FLOAT)) AS [MeanAverageOrderValue],
       AVG(CAST(f.[MonetaryValue] AS FLOAT)) AS [MeanMonetaryValue]
FROM [LatestRun] AS lr
INNER JOIN [Segmentation].[ModelRun] AS r ON r.[ModelRunKey] = lr.[ModelRunKey]
INNER JOIN [Segmentation].[CustomerSegment] AS cs
    ON cs.[ConfigurationName] = lr.[ConfigurationName] AND cs.[ValidTo] = '9999-12-31'
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = cs.[SegmentKey]
INNER JOIN [Segmentation].[CustomerFeature] AS f
    ON f.[CustomerKey] = cs.[CustomerKey] AND f.[AsOfDateKey] = r.[AsOfDateKey]
GROUP BY lr.[ConfigurationName], lr.[ModelRunKey], s.[SegmentKey], s.[SegmentName], s.[Description];
GO
