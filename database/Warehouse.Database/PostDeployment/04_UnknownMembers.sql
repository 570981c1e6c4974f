-- Post-deployment 4/6: the Unknown member (key 0) of every dimension, so facts whose keys cannot be resolved point
-- at it (COALESCE(…, 0) in the Integration procedures) instead of being lost or violating a foreign key.
SET NOCOUNT ON;

IF NOT EXISTS (SELECT 1 FROM [Dimension].[Date] WHERE [DateKey] = 0)
    INSERT [Dimension].[Date]
        ([DateKey], [Date], [DayNumber], [Year], [Quarter], [Month], [MonthName], [DayOfMonth], [DayOfWeek], [DayName], [IsoWeek], [IsWeekend])
    VALUES
        (0, '00010101', -693595, 1, 1, 1, N'Unknown', 1, 1, N'Unknown', 1, 0);

IF NOT EXISTS (SELECT 1 FROM [Dimension].[Geography] WHERE [GeographyKey] = 0)
    INSERT [Dimension].[Geography] ([GeographyKey], [Country], [City], [LineageKey])
    VALUES (0, N'Unknown', N'', 0);

IF NOT EXISTS (SELECT 1 FROM [Dimension].[Channel] WHERE [ChannelKey] = 0)
    INSERT [Dimension].[Channel] ([ChannelKey], [ChannelCode], [ChannelName])
    VALUES (0, N'unknown', N'Unknown');

IF NOT EXISTS (SELECT 1 FROM [Dimension].[Product] WHERE [ProductKey] = 0)
    INSERT [Dimension].[Product] ([ProductKey], [StockCode], [Description], [Category], [LineageKey])
    VALUES (0, N'', N'Unknown', N'Unknown', 0);

IF NOT EXISTS (SELECT 1 FROM [Dimension].[Customer] WHERE [CustomerKey] = 0)
    INSERT [Dimension].[Customer] ([CustomerKey], [ValidFrom], [ValidTo], [FullName], [GeographyKey], [MatchRule], [LineageKey])
    VALUES (0, '19000101', '99991231', N'Unknown', 0, N'unknown', 0);
GO
