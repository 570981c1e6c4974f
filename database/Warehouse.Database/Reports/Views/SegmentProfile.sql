-- Profile of every segment of the latest successful run of each configuration, one row per segment: size, share of
-- the customers clustered, mean and median of recency, frequency, average order value, monetary value, lifetime value
-- (customers without a CLV are left out of that figure), web engagement and social sentiment, each mean also as an
-- index against all customers of the run (100 = like everybody; see Reports.SegmentComparison for every feature),
-- the names (generated and current) and the segment's explanation as SQL when one was learned (Segmentation.SegmentRule).
CREATE VIEW [Reports].[SegmentProfile]
AS
WITH [Size] AS (
    SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], COUNT(*) AS [CustomerCount]
    FROM [Reports].[SegmentMember] AS m
    GROUP BY m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey]
),
[Total] AS (
    SELECT z.[ConfigurationName], SUM(z.[CustomerCount]) AS [CustomerCount]
    FROM [Size] AS z
    GROUP BY z.[ConfigurationName]
),
[Figures] AS (
    SELECT c.[ConfigurationName],
           c.[SegmentKey],
           MAX(CASE WHEN c.[FeatureName] = N'RecencyDays' THEN c.[Mean] END) AS [MeanRecencyDays],
           MAX(CASE WHEN c.[FeatureName] = N'RecencyDays' THEN c.[Median] END) AS [MedianRecencyDays],
           MAX(CASE WHEN c.[FeatureName] = N'RecencyDays' THEN c.[MeanIndex] END) AS [RecencyDaysIndex],
           MAX(CASE WHEN c.[FeatureName] = N'Frequency' THEN c.[Mean] END) AS [MeanFrequency],
           MAX(CASE WHEN c.[FeatureName] = N'Frequency' THEN c.[Median] END) AS [MedianFrequency],
           MAX(CASE WHEN c.[FeatureName] = N'Frequency' THEN c.[MeanIndex] END) AS [FrequencyIndex],
           MAX(CASE WHEN c.[FeatureName] = N'AverageOrderValue' THEN c.[Mean] END) AS [MeanAverageOrderValue],
           MAX(CASE WHEN c.[FeatureName] = N'AverageOrderValue' THEN c.[Median] END) AS [MedianAverageOrderValue],
           MAX(CASE WHEN c.[FeatureName] = N'AverageOrderValue' THEN c.[MeanIndex] END) AS [AverageOrderValueIndex],
           MAX(CASE WHEN c.[FeatureName] = N'MonetaryValue' THEN c.[Mean] END) AS [MeanMonetaryValue],
           MAX(CASE WHEN c.[FeatureName] = N'MonetaryValue' THEN c.[Median] END) AS [MedianMonetaryValue],
           MAX(CASE WHEN c.[FeatureName] = N'MonetaryValue' THEN c.[MeanIndex] END) AS [MonetaryValueIndex],
           MAX(CASE WHEN c.[FeatureName] = N'CustomerLifetimeValue' THEN c.[Mean] END) AS [MeanCustomerLifetimeValue],
           MAX(CASE WHEN c.[FeatureName] = N'CustomerLifetimeValue' THEN c.[Median] END) AS [MedianCustomerLifetimeValue],
           MAX(CASE WHEN c.[FeatureName] = N'CustomerLifetimeValue' THEN c.[MeanIndex] END) AS [CustomerLifetimeValueIndex],
           MAX(CASE WHEN c.[FeatureName] = N'WebEngagement' THEN c.[Mean] END) AS [MeanWebEngagement],
           MAX(CASE WHEN c.[FeatureName] = N'WebEngagement' THEN c.[Median] END) AS [MedianWebEngagement],
           MAX(CASE WHEN c.[FeatureName] = N'WebEngagement' THEN c.[MeanIndex] END) AS [WebEngagementIndex],
           MAX(CASE WHEN c.[FeatureName] = N'SocialSentiment' THEN c.[Mean] END) AS [MeanSocialSentiment],
           MAX(CASE WHEN c.[FeatureName] = N'SocialSentiment' THEN c.[Median] END) AS [MedianSocialSentiment],
           MAX(CASE WHEN c.[FeatureName] = N'SocialSentiment' THEN c.[MeanIndex] END) AS [SocialSentimentIndex]
    FROM [Reports].[SegmentComparison] AS c
    GROUP BY c.[ConfigurationName], c.[SegmentKey]
)
SELECT z.[ConfigurationName],
       z.[ModelRunKey],
       z.[SegmentKey],
       s.[SegmentName],
       s.[GeneratedName],
       s.[IsRenamed],
       s.[Description],
       z.[CustomerCount],
       CAST(z.[CustomerCount] AS FLOAT) / t.[CustomerCount] AS [Share],
       f.[MeanRecencyDays],
       f.[MedianRecencyDays],
       f.[RecencyDaysIndex],
       f.[MeanFrequency],
       f.[MedianFrequency],
       f.[FrequencyIndex],
       f.[MeanAverageOrderValue],
       f.[MedianAverageOrderValue],
       f.[AverageOrderValueIndex],
       f.[MeanMonetaryValue],
       f.[MedianMonetaryValue],
       f.[MonetaryValueIndex],
       f.[MeanCustomerLifetimeValue],
       f.[MedianCustomerLifetimeValue],
       f.[CustomerLifetimeValueIndex],
       f.[MeanWebEngagement],
       f.[MedianWebEngagement],
       f.[WebEngagementIndex],
       f.[MeanSocialSentiment],
       f.[MedianSocialSentiment],
       f.[SocialSentimentIndex],
       sr.[Predicate] AS [RulePredicate],
       sr.[MeasuredPrecision] AS [RulePrecision],
       sr.[MeasuredCoverage] AS [RuleCoverage]
FROM [Size] AS z
INNER JOIN [Total] AS t ON t.[ConfigurationName] = z.[ConfigurationName]
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = z.[SegmentKey]
INNER JOIN [Figures] AS f ON f.[ConfigurationName] = z.[ConfigurationName] AND f.[SegmentKey] = z.[SegmentKey]
LEFT OUTER JOIN [Segmentation].[SegmentRule] AS sr ON sr.[ModelRunKey] = z.[ModelRunKey] AND sr.[SegmentKey] = z.[SegmentKey];
GO
