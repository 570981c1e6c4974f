-- Post-deployment 6/6: finishes the upgrade of PreDeployment/01_UpgradeMoveAside.sql. For each Integration.Upgrade_<table>
-- left by the pre-deployment script (a warehouse deployed before 2026-12-03), moves its rows back into the table, which
-- the publish has rebuilt with SourceRecordNumber and the key (LineageKey, SourceRecordNumber), taking SourceRecordNumber =
-- SourceLineNumber (exact for those rows: only one record per line could load before), then drops the Upgrade_ table, in
-- one transaction per table. Purchase_Staging rows (moved when it still had InvoiceLineNumber) come back without it and
-- with IsRejected = 0 (that schema staged accepted lines only). Nothing to do on a new database or after the upgrade;
-- the NOT EXISTS guard keeps a rerun from inserting a row twice.
SET NOCOUNT ON;
SET XACT_ABORT ON;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_Customer_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[Customer_Staging] AS t INNER JOIN [Integration].[Upgrade_Customer_Staging] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[Customer_Staging] ([SourceName], [SourceLineNumber], [SourceRecordNumber], [CrmCustomerId], [FullName], [Email], [Phone], [BirthDate], [Gender], [City], [Country], [SignupDate], [ConsentMarketing], [ConsentProfiling], [SourceUpdatedAt], [LineageKey])
        SELECT h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[CrmCustomerId], h.[FullName], h.[Email], h.[Phone], h.[BirthDate], h.[Gender], h.[City], h.[Country], h.[SignupDate], h.[ConsentMarketing], h.[ConsentProfiling], h.[SourceUpdatedAt], h.[LineageKey]
        FROM [Integration].[Upgrade_Customer_Staging] AS h;
    DROP TABLE [Integration].[Upgrade_Customer_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_CustomerMatch_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[CustomerMatch_Staging] AS t INNER JOIN [Integration].[Upgrade_CustomerMatch_Staging] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[CustomerMatch_Staging] ([LineageKey], [SourceLineNumber], [SourceRecordNumber], [CrmCustomerId], [CustomerKey], [MatchRule], [NewCustomerOrdinal], [IsPrimary])
        SELECT h.[LineageKey], h.[SourceLineNumber], h.[SourceLineNumber], h.[CrmCustomerId], h.[CustomerKey], h.[MatchRule], h.[NewCustomerOrdinal], h.[IsPrimary]
        FROM [Integration].[Upgrade_CustomerMatch_Staging] AS h;
    DROP TABLE [Integration].[Upgrade_CustomerMatch_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_Demographics_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[Demographics_Staging] AS t INNER JOIN [Integration].[Upgrade_Demographics_Staging] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[Demographics_Staging] ([SourceName], [SourceLineNumber], [SourceRecordNumber], [CrmCustomerId], [SurveyDate], [HouseholdSize], [Children], [IncomeBand], [Education], [Occupation], [MaritalStatus], [Satisfaction], [LineageKey])
        SELECT h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[CrmCustomerId], h.[SurveyDate], h.[HouseholdSize], h.[Children], h.[IncomeBand], h.[Education], h.[Occupation], h.[MaritalStatus], h.[Satisfaction], h.[LineageKey]
        FROM [Integration].[Upgrade_Demographics_Staging] AS h;
    DROP TABLE [Integration].[Upgrade_Demographics_Staging];
    COMMIT TRANSACTION;
END;
GO

-- A WebSession_Staging deployed before 2026-12-02 had no EventCount (events the session was built from, counted in the
-- lineage): its staged rows get a lower bound, the events the session's counters kept (page views, which include product
-- views, add-to-carts and purchases; other event types were not kept). Such rows belong to a load that never completed,
-- whose lineage Integration.CleanupAbandonedLoads marks failed without counting them.
IF OBJECT_ID(N'[Integration].[Upgrade_WebSession_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Upgrade_WebSession_Staging]', N'EventCount') IS NULL
    ALTER TABLE [Integration].[Upgrade_WebSession_Staging] ADD [EventCount] INT NULL;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_WebSession_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[WebSession_Staging] AS t INNER JOIN [Integration].[Upgrade_WebSession_Staging] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[WebSession_Staging] ([SourceName], [SourceLineNumber], [SourceRecordNumber], [SessionId], [WebVisitorId], [CrmCustomerId], [EmailHash], [StartTime], [EndTime], [PageViews], [ProductViews], [AddToCarts], [Conversions], [Device], [Referrer], [EventCount], [LineageKey])
        SELECT h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[SessionId], h.[WebVisitorId], h.[CrmCustomerId], h.[EmailHash], h.[StartTime], h.[EndTime], h.[PageViews], h.[ProductViews], h.[AddToCarts], h.[Conversions], h.[Device], h.[Referrer], COALESCE(h.[EventCount], h.[PageViews] + h.[AddToCarts] + h.[Conversions]), h.[LineageKey]
        FROM [Integration].[Upgrade_WebSession_Staging] AS h;
    DROP TABLE [Integration].[Upgrade_WebSession_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_SocialInteraction_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[SocialInteraction_Staging] AS t INNER JOIN [Integration].[Upgrade_SocialInteraction_Staging] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[SocialInteraction_Staging] ([SourceName], [SourceLineNumber], [SourceRecordNumber], [Platform], [CommentId], [SocialHandle], [Email], [ReplyToCommentId], [CommentTime], [CommentText], [Likes], [SentimentScore], [SentimentLabel], [Keywords], [LineageKey])
        SELECT h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[Platform], h.[CommentId], h.[SocialHandle], h.[Email], h.[ReplyToCommentId], h.[CommentTime], h.[CommentText], h.[Likes], h.[SentimentScore], h.[SentimentLabel], h.[Keywords], h.[LineageKey]
        FROM [Integration].[Upgrade_SocialInteraction_Staging] AS h;
    DROP TABLE [Integration].[Upgrade_SocialInteraction_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_Reject_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[Reject_Staging] AS t INNER JOIN [Integration].[Upgrade_Reject_Staging] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[Reject_Staging] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT h.[LineageKey], h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[ColumnName], h.[Reason], h.[RawRecord]
        FROM [Integration].[Upgrade_Reject_Staging] AS h;
    DROP TABLE [Integration].[Upgrade_Reject_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_RejectedCustomer]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[RejectedCustomer] AS t INNER JOIN [Integration].[Upgrade_RejectedCustomer] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT h.[LineageKey], h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[ColumnName], h.[Reason], h.[RawRecord]
        FROM [Integration].[Upgrade_RejectedCustomer] AS h;
    DROP TABLE [Integration].[Upgrade_RejectedCustomer];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_RejectedWebEvent]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[RejectedWebEvent] AS t INNER JOIN [Integration].[Upgrade_RejectedWebEvent] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[RejectedWebEvent] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT h.[LineageKey], h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[ColumnName], h.[Reason], h.[RawRecord]
        FROM [Integration].[Upgrade_RejectedWebEvent] AS h;
    DROP TABLE [Integration].[Upgrade_RejectedWebEvent];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_RejectedSocialInteraction]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[RejectedSocialInteraction] AS t INNER JOIN [Integration].[Upgrade_RejectedSocialInteraction] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceRecordNumber] = h.[SourceLineNumber])
        INSERT [Integration].[RejectedSocialInteraction] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT h.[LineageKey], h.[SourceName], h.[SourceLineNumber], h.[SourceLineNumber], h.[ColumnName], h.[Reason], h.[RawRecord]
        FROM [Integration].[Upgrade_RejectedSocialInteraction] AS h;
    DROP TABLE [Integration].[Upgrade_RejectedSocialInteraction];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Upgrade_Purchase_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM [Integration].[Purchase_Staging] AS t INNER JOIN [Integration].[Upgrade_Purchase_Staging] AS h ON t.[LineageKey] = h.[LineageKey] AND t.[SourceLineNumber] = h.[SourceLineNumber])
        INSERT [Integration].[Purchase_Staging] ([SourceName], [SourceLineNumber], [InvoiceNo], [StockCode], [Description], [Quantity], [InvoiceDateTime], [UnitPrice], [CrmCustomerId], [Country], [CurrencyCode], [IsCancellation], [LineageKey], [IsRejected])
        SELECT h.[SourceName], h.[SourceLineNumber], h.[InvoiceNo], h.[StockCode], h.[Description], h.[Quantity], h.[InvoiceDateTime], h.[UnitPrice], h.[CrmCustomerId], h.[Country], h.[CurrencyCode], h.[IsCancellation], h.[LineageKey], 0
        FROM [Integration].[Upgrade_Purchase_Staging] AS h;
    DROP TABLE [Integration].[Upgrade_Purchase_Staging];
    COMMIT TRANSACTION;
END;
GO
