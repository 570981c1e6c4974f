-- The latest successful model run of each segmentation configuration: the run every other Reports view describes.
CREATE VIEW [Reports].[LatestModelRun]
AS
SELECT r.[ConfigurationName],
       r.[ModelRunKey],
       r.[Algorithm],
       r.[Features],
       r.[ScalingMethod],
       r.[NumberOfSegments],
       r.[NumberOfCustomers],
       r.[AsOfDateKey],
       r.[Silhouette],
       r.[StartedAt],
       r.[CompletedAt]
FROM [Segmentation].[ModelRun] AS r
INNER JOIN (
    SELECT m.[ConfigurationName], MAX(m.[ModelRunKey]) AS [ModelRunKey]
    FROM [Segmentation].[ModelRun] AS m
    WHERE m.[Status] = N'succeeded'
    GROUP BY m.[ConfigurationName]) AS lr
    ON lr.[ModelRunKey] = r.[ModelRunKey];
GO
