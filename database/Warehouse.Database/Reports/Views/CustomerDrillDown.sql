-- One row per customer and configuration: the customer's current segment in the latest run, how well the customer
-- fits it (distance, probability), since when, and the feature values behind the assignment. Personal contact data
-- (name, e-mail, phone) is left out on purpose: reports identify customers by their CRM id.
CREATE VIEW [Reports].[CustomerDrillDown]
AS
SELECT m.[ConfigurationName],
       m.[ModelRunKey],
       m.[AsOfDateKey],
       m.[CustomerKey],
       c.[CrmCustomerId],
       COALESCE(c.[Country], N'Unknown') AS [Country],
       c.[City],
       c.[Gender],
       m.[SegmentKey],
       s.[SegmentName],
       m.[MemberSince],
       m.[Distance],
       m.[Probability],
       m.[RecencyDays],
       m.[Frequency],
       m.[MonetaryValue],
       m.[AverageOrderValue],
       m.[TenureDays],
       m.[CancellationRate],
       m.[CustomerLifetimeValue],
       m.[WebSessions],
       m.[WebEngagement],
       m.[WebConversionRate],
       m.[SocialComments],
       m.[SocialSentiment],
       m.[Age],
       m.[SocialNegativeShare]
FROM [Reports].[SegmentMember] AS m
INNER JOIN [Segmentation].[Segment] AS s ON s.[SegmentKey] = m.[SegmentKey]
LEFT OUTER JOIN [Dimension].[Customer] AS c
    ON c.[CustomerKey] = m.[CustomerKey] AND c.[ValidTo] = '9999-12-31';
GO
