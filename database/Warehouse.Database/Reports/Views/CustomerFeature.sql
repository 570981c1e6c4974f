-- The per-customer feature snapshots (one row per customer and as-of date) with the column names of
-- Segmentation.CustomerFeature, so a segment's rule runs as is on the Reports surface:
-- SELECT CustomerKey FROM Reports.CustomerFeature WHERE AsOfDateKey = <run as-of date> AND (<Predicate>).
-- Customers who refused profiling (current Dimension.Customer row with ConsentProfiling = 0) are left out.
CREATE VIEW [Reports].[CustomerFeature]
AS
SELECT f.[CustomerKey],
       f.[AsOfDateKey],
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
FROM [Segmentation].[CustomerFeature] AS f
WHERE NOT EXISTS (SELECT 1 FROM [Dimension].[Customer] AS c
                  WHERE c.[CustomerKey] = f.[CustomerKey] AND c.[ValidTo] = '9999-12-31' AND c.[ConsentProfiling] = 0);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Feature snapshots per customer and as-of date (column names of Segmentation.CustomerFeature, so segment rules run on it as is); customers who refused profiling are left out.',
    @level0type = N'SCHEMA', @level0name = N'Reports', @level1type = N'VIEW', @level1name = N'CustomerFeature';
GO
