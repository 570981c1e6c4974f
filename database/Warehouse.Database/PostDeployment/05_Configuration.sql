-- Post-deployment 5/6: configuration rows. Feature definitions match the host's feature catalogue (etl Segmenting/FeatureCatalog.cs). Channels and feature definitions are reference data (kept in line with
-- this script: missing rows inserted, texts updated). Segmentation configurations are only inserted when missing,
-- so thresholds and options a DBA tuned survive redeployment.
SET NOCOUNT ON;

MERGE [Dimension].[Channel] AS target
USING (VALUES
    (1, N'web', N'Web shop'),
    (2, N'store', N'Store and mail order'),
    (3, N'phone', N'Phone'),
    (4, N'social', N'Social media')
) AS source ([ChannelKey], [ChannelCode], [ChannelName])
    ON target.[ChannelKey] = source.[ChannelKey]
WHEN MATCHED AND (target.[ChannelCode] <> source.[ChannelCode] OR target.[ChannelName] <> source.[ChannelName]) THEN
    UPDATE SET [ChannelCode] = source.[ChannelCode], [ChannelName] = source.[ChannelName]
WHEN NOT MATCHED BY TARGET THEN
    INSERT ([ChannelKey], [ChannelCode], [ChannelName]) VALUES (source.[ChannelKey], source.[ChannelCode], source.[ChannelName]);

MERGE [Segmentation].[FeatureDefinition] AS target
USING (VALUES
    (N'RecencyDays', N'Recency (days)', N'Days from the last non-cancelled purchase to the as-of date.', N'ZScore', 1, 1),
    (N'Frequency', N'Frequency (orders)', N'Distinct non-cancelled invoices.', N'Log1pZScore', 1, 2),
    (N'MonetaryValue', N'Monetary value', N'Net amount of all lines, cancellations included (floored at 0 before log1p).', N'Log1pZScore', 1, 3),
    (N'AverageOrderValue', N'Average order value', N'Gross amount of non-cancelled lines divided by Frequency.', N'Log1pZScore', 1, 4),
    (N'TenureDays', N'Tenure (days)', N'Days from the first purchase to the as-of date.', N'ZScore', 1, 5),
    (N'CancellationRate', N'Cancellation rate', N'Share of the customer''s invoices that are cancellations.', N'ZScore', 0, 6),
    (N'WebSessions', N'Web sessions', N'Web sessions of the customer.', N'Log1pZScore', 0, 7),
    (N'WebEngagement', N'Web engagement', N'Mean page views per web session.', N'ZScore', 0, 8),
    (N'WebConversionRate', N'Web conversion rate', N'Share of web sessions with a conversion.', N'ZScore', 0, 9),
    (N'SocialComments', N'Social comments', N'Social media comments of the customer.', N'Log1pZScore', 0, 10),
    (N'SocialSentiment', N'Social sentiment', N'Mean sentiment score of the customer''s comments (-1 to 1).', N'ZScore', 0, 11),
    (N'Age', N'Age', N'Age in whole years at the as-of date (missing ages take the median).', N'ZScore', 0, 12),
    (N'CustomerLifetimeValue', N'Customer lifetime value', N'Predicted lifetime value (filled by the CLV model; NULL before).', N'Log1pZScore', 0, 13),
    (N'SocialNegativeShare', N'Negative comment share', N'Share of the customer''s comments labelled negative (0 to 1; 0 without comments).', N'ZScore', 0, 14)
) AS source ([FeatureName], [DisplayName], [Description], [ScalingMethod], [IsDefault], [SortOrder])
    ON target.[FeatureName] = source.[FeatureName]
WHEN MATCHED AND (target.[DisplayName] <> source.[DisplayName] OR target.[Description] <> source.[Description] OR target.[SortOrder] <> source.[SortOrder]) THEN
    UPDATE SET [DisplayName] = source.[DisplayName], [Description] = source.[Description], [SortOrder] = source.[SortOrder]
WHEN NOT MATCHED BY TARGET THEN
    INSERT ([FeatureName], [DisplayName], [Description], [ScalingMethod], [IsDefault], [SortOrder])
    VALUES (source.[FeatureName], source.[DisplayName], source.[Description], source.[ScalingMethod], source.[IsDefault], source.[SortOrder]);

MERGE [Segmentation].[Configuration] AS target
USING (VALUES
    (N'default', N'kmeans', N'k=5;nInit=10', N'RecencyDays,Frequency,MonetaryValue,AverageOrderValue,TenureDays', N'PerFeature', 42,
     0.25, 1.5, 0.01, 1, N'k-means with five segments on recency, frequency, monetary value, order value and tenure, each scaled as Segmentation.FeatureDefinition says: the same run as the host''s default segment run.'),
    (N'rfm-mixture', N'gmm', N'k=5;maxIterations=200;covariance=full', N'RecencyDays,Frequency,MonetaryValue,AverageOrderValue', N'ZScore', 42,
     0.15, 2.0, 0.01, 0, N'RFM Gaussian mixture: soft memberships with probabilities.'),
    (N'engagement', N'kmeans', N'k=4;maxIterations=300;init=kmeans++', N'RecencyDays,Frequency,MonetaryValue,WebSessions,WebConversionRate,SocialSentiment', N'ZScore', 42,
     0.20, 1.8, 0.01, 0, N'Purchases with web and social engagement.')
) AS source ([ConfigurationName], [Algorithm], [Options], [Features], [ScalingMethod], [Seed], [MinimumSilhouette], [MaximumDaviesBouldin], [MinimumSegmentShare], [IsEnabled], [Description])
    ON target.[ConfigurationName] = source.[ConfigurationName]
WHEN NOT MATCHED BY TARGET THEN
    INSERT ([ConfigurationName], [Algorithm], [Options], [Features], [ScalingMethod], [Seed], [MinimumSilhouette], [MaximumDaviesBouldin], [MinimumSegmentShare], [IsEnabled], [Description])
    VALUES (source.[ConfigurationName], source.[Algorithm], source.[Options], source.[Features], source.[ScalingMethod], source.[Seed], source.[MinimumSilhouette],
            source.[MaximumDaviesBouldin], source.[MinimumSegmentShare], source.[IsEnabled], source.[Description]);
GO
