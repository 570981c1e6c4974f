-- Fills Dimension.Date for every day from @StartDate to @EndDate (inclusive) that is not there yet; safe to run again
-- and to widen the range later. Language- and DATEFIRST-independent: names come from fixed lists and the ISO day of
-- week from the day number (1900-01-01 was a Monday). DayNumber = days since 1900-01-01, as the feature views expect.
CREATE PROCEDURE [Application].[PopulateDateDimension]
    @StartDate DATE,
    @EndDate DATE
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    IF @StartDate IS NULL OR @EndDate IS NULL OR @EndDate < @StartDate
        THROW 50020, N'Application.PopulateDateDimension: @StartDate and @EndDate are required and @EndDate must not be before @StartDate.', 1;

    DECLARE @Days INT = DATEDIFF(DAY, @StartDate, @EndDate) + 1;

    WITH [Ten] AS (
        SELECT [n] FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS v ([n])
    ),
    [Numbers] AS (
        SELECT TOP (@Days) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) - 1 AS [n]
        FROM [Ten] AS a CROSS JOIN [Ten] AS b CROSS JOIN [Ten] AS c CROSS JOIN [Ten] AS d CROSS JOIN [Ten] AS e CROSS JOIN [Ten] AS f
    ),
    [Days] AS (
        SELECT DATEADD(DAY, n.[n], @StartDate) AS [Date]
        FROM [Numbers] AS n
    )
    INSERT [Dimension].[Date]
        ([DateKey], [Date], [DayNumber], [Year], [Quarter], [Month], [MonthName], [DayOfMonth], [DayOfWeek], [DayName], [IsoWeek], [IsWeekend])
    SELECT YEAR(d.[Date]) * 10000 + MONTH(d.[Date]) * 100 + DAY(d.[Date]),
           d.[Date],
           DATEDIFF(DAY, CAST('19000101' AS DATE), d.[Date]),
           YEAR(d.[Date]),
           DATEPART(QUARTER, d.[Date]),
           MONTH(d.[Date]),
           CHOOSE(MONTH(d.[Date]), N'January', N'February', N'March', N'April', N'May', N'June', N'July', N'August',
                  N'September', N'October', N'November', N'December'),
           DAY(d.[Date]),
           DATEDIFF(DAY, CAST('19000101' AS DATE), d.[Date]) % 7 + 1,
           CHOOSE(DATEDIFF(DAY, CAST('19000101' AS DATE), d.[Date]) % 7 + 1, N'Monday', N'Tuesday', N'Wednesday', N'Thursday',
                  N'Friday', N'Saturday', N'Sunday'),
           DATEPART(ISO_WEEK, d.[Date]),
           CASE WHEN DATEDIFF(DAY, CAST('19000101' AS DATE), d.[Date]) % 7 >= 5 THEN 1 ELSE 0 END
    FROM [Days] AS d
    WHERE NOT EXISTS (SELECT 1 FROM [Dimension].[Date] AS x WHERE x.[Date] = d.[Date]);

    RETURN 0;
END;
GO
