-- Post-deployment 3/6: the date dimension for the configured range (Application.Setting DateDimension.StartDate and
-- DateDimension.EndDate), adding only missing days.
SET NOCOUNT ON;

DECLARE @StartDate DATE = TRY_CONVERT(DATE, (SELECT [SettingValue] FROM [Application].[Setting] WHERE [SettingName] = N'DateDimension.StartDate'), 23);
DECLARE @EndDate DATE = TRY_CONVERT(DATE, (SELECT [SettingValue] FROM [Application].[Setting] WHERE [SettingName] = N'DateDimension.EndDate'), 23);
IF @StartDate IS NULL OR @EndDate IS NULL
    THROW 50070, N'Post-deployment: Application.Setting DateDimension.StartDate / DateDimension.EndDate must be dates written yyyy-mm-dd.', 1;

EXEC [Application].[PopulateDateDimension] @StartDate = @StartDate, @EndDate = @EndDate;
GO
