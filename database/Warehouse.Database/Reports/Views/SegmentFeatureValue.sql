-- The features of every current member of the latest run, one row per customer and feature (an unpivot written as
-- UNION ALL, which both engines accept). Missing values (no CLV yet, unknown age) are left out, not counted as 0.
-- FeatureOrder follows the column order of Segmentation.CustomerFeature.
CREATE VIEW [Reports].[SegmentFeatureValue]
AS
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'RecencyDays' AS [FeatureName], 1 AS [FeatureOrder], CAST(m.[RecencyDays] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'Frequency' AS [FeatureName], 2 AS [FeatureOrder], CAST(m.[Frequency] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'MonetaryValue' AS [FeatureName], 3 AS [FeatureOrder], CAST(m.[MonetaryValue] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'AverageOrderValue' AS [FeatureName], 4 AS [FeatureOrder], CAST(m.[AverageOrderValue] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'TenureDays' AS [FeatureName], 5 AS [FeatureOrder], CAST(m.[TenureDays] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'CancellationRate' AS [FeatureName], 6 AS [FeatureOrder], CAST(m.[CancellationRate] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'CustomerLifetimeValue' AS [FeatureName], 7 AS [FeatureOrder], CAST(m.[CustomerLifetimeValue] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
WHERE m.[CustomerLifetimeValue] IS NOT NULL
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'WebSessions' AS [FeatureName], 8 AS [FeatureOrder], CAST(m.[WebSessions] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'WebEngagement' AS [FeatureName], 9 AS [FeatureOrder], CAST(m.[WebEngagement] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'WebConversionRate' AS [FeatureName], 10 AS [FeatureOrder], CAST(m.[WebConversionRate] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'SocialComments' AS [FeatureName], 11 AS [FeatureOrder], CAST(m.[SocialComments] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'SocialSentiment' AS [FeatureName], 12 AS [FeatureOrder], CAST(m.[SocialSentiment] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'Age' AS [FeatureName], 13 AS [FeatureOrder], CAST(m.[Age] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m
WHERE m.[Age] IS NOT NULL
UNION ALL
SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], N'SocialNegativeShare' AS [FeatureName], 14 AS [FeatureOrder], CAST(m.[SocialNegativeShare] AS FLOAT) AS [Value]
FROM [Reports].[SegmentMember] AS m;
GO
