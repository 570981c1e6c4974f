-- Post-deployment 1/6: operational settings. Inserts missing settings only, so values a DBA changed survive
-- redeployment. Change DateDimension.* and run the post-deployment script (or Application.PopulateDateDimension)
-- again to widen the date dimension.
SET NOCOUNT ON;

MERGE [Application].[Setting] AS target
USING (VALUES
    (N'DateDimension.StartDate', N'1920-01-01', N'First day of Dimension.Date (yyyy-mm-dd). Covers birth dates, which the Age feature looks up.'),
    (N'DateDimension.EndDate', N'2035-12-31', N'Last day of Dimension.Date (yyyy-mm-dd). Must lie beyond the day after the last purchase.'),
    (N'Segmentation.DefaultConfiguration', N'default', N'Configuration the SQL Agent job runs when none is given.'),
    (N'Outliers.Threshold', N'3.5', N'Modified z-score (on log10(1 + |value|)) above which a load flags a purchase line, web session or comment as an outlier (OutlierFlags; rows are kept). 3.5 is Iglewicz and Hoaglin''s recommendation.')
) AS source ([SettingName], [SettingValue], [Description])
    ON target.[SettingName] = source.[SettingName]
WHEN NOT MATCHED BY TARGET THEN
    INSERT ([SettingName], [SettingValue], [Description]) VALUES (source.[SettingName], source.[SettingValue], source.[Description]);
GO
