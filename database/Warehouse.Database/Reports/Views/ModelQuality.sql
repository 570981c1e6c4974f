-- Quality of every finished model run: algorithm, size, the clustering metrics (inertia, mean silhouette,
-- Davies-Bouldin: lower is better, Calinski-Harabasz: higher is better) and the full metrics JSON (it holds the
-- automatic-k score curve). RunNumber counts the runs of a configuration; IsLatest marks the run the other Reports
-- views describe.
CREATE VIEW [Reports].[ModelQuality]
AS
SELECT r.[ConfigurationName],
       r.[ModelRunKey],
       ROW_NUMBER() OVER (PARTITION BY r.[ConfigurationName] ORDER BY r.[ModelRunKey]) AS [RunNumber],
       CASE WHEN lr.[ModelRunKey] IS NULL THEN 0 ELSE 1 END AS [IsLatest],
       r.[Algorithm],
       r.[Parameters],
       r.[Features],
       r.[ScalingMethod],
       r.[Seed],
       r.[NumberOfSegments],
       r.[NumberOfCustomers],
       r.[AsOfDateKey],
       r.[ConsentBasis],
       r.[Inertia],
       r.[Silhouette],
       r.[DaviesBouldin],
       r.[CalinskiHarabasz],
       r.[Metrics],
       r.[Host],
       r.[StartedAt],
       r.[CompletedAt],
       r.[Status]
FROM [Segmentation].[ModelRun] AS r
LEFT OUTER JOIN [Reports].[LatestModelRun] AS lr ON lr.[ModelRunKey] = r.[ModelRunKey]
WHERE r.[Status] = N'succeeded';
GO
