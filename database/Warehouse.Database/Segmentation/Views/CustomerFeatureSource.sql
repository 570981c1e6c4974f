-- Per-customer features computed from the facts, as of the day after the last purchase in the warehouse.
-- Written in the SQL subset both SQL Server and DuckDB accept (see DESIGN.md): no date functions, integer day
-- numbers from Dimension.Date, CAST to FLOAT for averages. Customers whose only invoices are cancellations
-- (Frequency = 0) are left out: they have no purchase behaviour to segment. SocialNegativeShare is a count over a count
-- in FLOAT (not AVG of a decimal, which SQL Server rounds to six places), as the host's CustomerTextProfile.ShareNegative.
CREATE VIEW [Segmentation].[CustomerFeatureSource]
AS
WITH [AsOf] AS (
    SELECT ad.[DateKey] AS [AsOfDateKey], ad.[DayNumber] AS [AsOfDayNumber]
    FROM [Dimension].[Date] AS ad
    WHERE ad.[DayNumber] = (
        SELECT MAX(d.[DayNumber]) + 1
        FROM [Fact].[Purchase] AS p
        INNER JOIN [Dimension].[Date] AS d ON d.[DateKey] = p.[DateKey])
),
[PurchaseSummary] AS (
    SELECT p.[CustomerKey],
           MIN(d.[DayNumber]) AS [FirstDayNumber],
           MAX(CASE WHEN p.[IsCancellation] = 0 THEN d.[DayNumber] END) AS [LastDayNumber],
           COUNT(DISTINCT CASE WHEN p.[IsCancellation] = 0 THEN p.[InvoiceNo] END) AS [Frequency],
           COUNT(DISTINCT p.[InvoiceNo]) AS [Invoices],
           SUM(p.[Amount]) AS [MonetaryValue],
           SUM(CASE WHEN p.[IsCancellation] = 0 THEN p.[Amount] ELSE 0 END) AS [GrossValue]
    FROM [Fact].[Purchase] AS p
    INNER JOIN [Dimension].[Date] AS d ON d.[DateKey] = p.[DateKey]
    WHERE p.[CustomerKey] <> 0
    GROUP BY p.[CustomerKey]
),
[WebSummary] AS (
    SELECT w.[CustomerKey],
           COUNT(*) AS [WebSessions],
           AVG(CAST(w.[PageViews] AS FLOAT)) AS [WebEngagement],
           AVG(CASE WHEN w.[Conversions] > 0 THEN 1.0 ELSE 0.0 END) AS [WebConversionRate]
    FROM [Fact].[WebSession] AS w
    WHERE w.[CustomerKey] <> 0
    GROUP BY w.[CustomerKey]
),
[SocialSummary] AS (
    SELECT s.[CustomerKey],
           COUNT(*) AS [SocialComments],
           AVG(s.[SentimentScore]) AS [SocialSentiment],
           CAST(SUM(CASE WHEN s.[SentimentLabel] = N'negative' THEN 1 ELSE 0 END) AS FLOAT) / COUNT(*) AS [SocialNegativeShare]
    FROM [Fact].[SocialInteraction] AS s
    WHERE s.[CustomerKey] <> 0
    GROUP BY s.[CustomerKey]
),
[CurrentCustomer] AS (
    SELECT c.[CustomerKey],
           c.[BirthDate],
           c.[ConsentProfiling]
    FROM [Dimension].[Customer] AS c
    WHERE c.[ValidTo] = '9999-12-31'
)
SELECT ps.[CustomerKey],
       a.[AsOfDateKey],
       a.[AsOfDayNumber] - ps.[LastDayNumber] AS [RecencyDays],
       ps.[Frequency],
       ps.[MonetaryValue],
       CAST(ps.[GrossValue] / ps.[Frequency] AS DECIMAL(18, 4)) AS [AverageOrderValue],
       a.[AsOfDayNumber] - ps.[FirstDayNumber] AS [TenureDays],
       CAST(ps.[Invoices] - ps.[Frequency] AS FLOAT) / ps.[Invoices] AS [CancellationRate],
       COALESCE(ws.[WebSessions], 0) AS [WebSessions],
       COALESCE(ws.[WebEngagement], 0.0) AS [WebEngagement],
       COALESCE(ws.[WebConversionRate], 0.0) AS [WebConversionRate],
       COALESCE(ss.[SocialComments], 0) AS [SocialComments],
       COALESCE(ss.[SocialSentiment], 0.0) AS [SocialSentiment],
       CASE WHEN bd.[DateKey] IS NULL THEN NULL
            ELSE CAST(FLOOR((a.[AsOfDateKey] - bd.[DateKey]) / 10000.0) AS INT) END AS [Age],
       CAST(COALESCE(ss.[SocialNegativeShare], 0.0) AS FLOAT) AS [SocialNegativeShare],
       cc.[ConsentProfiling]
FROM [PurchaseSummary] AS ps
CROSS JOIN [AsOf] AS a
LEFT OUTER JOIN [WebSummary] AS ws ON ws.[CustomerKey] = ps.[CustomerKey]
LEFT OUTER JOIN [SocialSummary] AS ss ON ss.[CustomerKey] = ps.[CustomerKey]
LEFT OUTER JOIN [CurrentCustomer] AS cc ON cc.[CustomerKey] = ps.[CustomerKey]
LEFT OUTER JOIN [Dimension].[Date] AS bd ON bd.[Date] = cc.[BirthDate]
WHERE ps.[Frequency] > 0;
GO
