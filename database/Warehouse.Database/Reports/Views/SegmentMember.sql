-- Current members of the segments of the latest run of each configuration, with the feature snapshot that run used.
-- A current membership (ValidTo = end of time) without features at the run's as-of date is not part of that run.
CREATE VIEW [Reports].[SegmentMember]
AS
SELECT lr.[ConfigurationName],
       lr.[ModelRunKey],
       lr.[AsOfDateKey],
       cs.[CustomerKey],
       cs.[SegmentKey],
       cs.[ValidFrom] AS [MemberSince],
       cs.[Distance],
       cs.[Probability],
       f.[RecencyDays],
       f.[Frequency],
       f.[MonetaryValue],
       f.[AverageOrderValue],
       f.[TenureDays],
       f.[CancellationRate],
       f.[CustomerLifetimeValue],
       f.[WebSessions],
       f.[WebEngagement],
       f.[WebConversionRate],
       f.[SocialComments],
       f.[SocialSentiment],
       f.[Age],
       f.[SocialNegativeShare]
FROM [Reports].[LatestModelRun] AS lr
INNER JOIN [Segmentation].[CustomerSegment] AS cs
    ON cs.[ConfigurationName] = lr.[ConfigurationName] AND cs.[ValidTo] = '9999-12-31'
INNER JOIN [Segmentation].[CustomerFeature] AS f
    ON f.[CustomerKey] = cs.[CustomerKey] AND f.[AsOfDateKey] = lr.[AsOfDateKey];
GO
