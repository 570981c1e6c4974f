-- Freezes the per-customer features of Segmentation.CustomerFeatureSource (as of the day after the last purchase)
-- into Segmentation.CustomerFeature, so a run, its report and a later rerun read the same numbers. Safe to run again:
-- an as-of date already snapshotted is left as it is. Returns the as-of date key.
CREATE PROCEDURE [Segmentation].[SnapshotCustomerFeatures]
    @AsOfDateKey INT = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    SET @AsOfDateKey = (SELECT MAX(s.[AsOfDateKey]) FROM [Segmentation].[CustomerFeatureSource] AS s);
    IF @AsOfDateKey IS NULL
        THROW 50040, N'Segmentation.SnapshotCustomerFeatures: no purchases in Fact.Purchase (or Dimension.Date lacks the day after the last purchase); load data first.', 1;

    IF NOT EXISTS (SELECT 1 FROM [Segmentation].[CustomerFeature] AS f WHERE f.[AsOfDateKey] = @AsOfDateKey)
    BEGIN
        INSERT [Segmentation].[CustomerFeature]
            ([CustomerKey], [AsOfDateKey], [RecencyDays], [Frequency], [MonetaryValue], [AverageOrderValue], [TenureDays], [CancellationRate],
             [CustomerLifetimeValue], [WebSessions], [WebEngagement], [WebConversionRate], [SocialComments], [SocialSentiment], [Age], [SocialNegativeShare])
        SELECT s.[CustomerKey], s.[AsOfDateKey], s.[RecencyDays], s.[Frequency], s.[MonetaryValue], s.[AverageOrderValue], s.[TenureDays], s.[CancellationRate],
               NULL, s.[WebSessions], s.[WebEngagement], s.[WebConversionRate], s.[SocialComments], s.[SocialSentiment], s.[Age], s.[SocialNegativeShare]
        FROM [Segmentation].[CustomerFeatureSource] AS s;
    END;

    RETURN 0;
END;
GO
