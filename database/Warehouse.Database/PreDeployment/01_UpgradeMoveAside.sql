-- Pre-deployment 1/1: upgrades a warehouse deployed before 2026-12-03 in place, so that publishing
-- the dacpac over it needs no manual step. Runs before DacFx's data-loss checks and schema changes, which DacFx computed
-- from the database AS IT WAS before this script ran (a column added here would not change that plan: DacFx would still
-- rebuild the table without copying it, and its "Rows were detected" check would still stop the publish).
--
-- Nine tables (the CRM, survey, web and social staging tables, Integration.CustomerMatch_Staging,
-- Integration.Reject_Staging and the reject tables RejectedCustomer, RejectedWebEvent, RejectedSocialInteraction) got
-- SourceRecordNumber BIGINT NOT NULL and the key (LineageKey, SourceRecordNumber), replacing (LineageKey,
-- SourceLineNumber). DacFx cannot fill a new NOT NULL column from another one, so this script moves the rows of each such
-- table that still lacks the column into Integration.Upgrade_<table> (same columns, created here, not in the model) and
-- empties the table: DacFx's checks then find no rows and it rebuilds the empty tables with the new key. The
-- post-deployment script (PostDeployment/06_UpgradeRestore.sql) moves the rows back with SourceRecordNumber =
-- SourceLineNumber and drops the Upgrade_ tables. That value is exact for every stored row: before 2026-12-03 only one
-- record per line could load (two records of one line violated the old key (LineageKey, SourceLineNumber), which also
-- makes the restored keys unique).
--
-- WebSession_Staging deployed before 2026-12-02 also lacks EventCount (INT NOT NULL, no default); its rows are moved the
-- same way and the restore fills the column (see there). Integration.Purchase_Staging deployed before 2026-12-02 still has
-- InvoiceLineNumber (now computed at migration), whose drop DacFx also blocks when the table has rows: moved and restored
-- the same way (last section). The other columns added since the first deployable schema are nullable or have a default
-- (MatchRule, OutlierFlags, FailureReason, IsRejected, SocialNegativeShare, Email, SourceUpdatedAt): DacFx adds them in
-- place. Checked by generating DacFx's upgrade script from the tables of every earlier schema in git history: its only
-- data-loss checks were on the tables handled here. Staged rows found at an upgrade belong to loads whose host stopped
-- before it could clean up (publish between loads); Integration.CleanupAbandonedLoads removes them after the upgrade.
--
-- Each Upgrade_ table has exactly its table's columns (SELECT * INTO, never altered here), so INSERT … SELECT * matches.
-- Every statement is guarded by OBJECT_ID / COL_LENGTH: on a new or empty database, on one already upgraded, or when run
-- twice (an interrupted publish run again), it does nothing or only moves rows still left behind.
SET NOCOUNT ON;
SET XACT_ABORT ON;
GO

IF OBJECT_ID(N'[Integration].[Customer_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Customer_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Customer_Staging]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_Customer_Staging] FROM [Integration].[Customer_Staging] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[Customer_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Customer_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Customer_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_Customer_Staging] SELECT * FROM [Integration].[Customer_Staging];
    DELETE FROM [Integration].[Customer_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[CustomerMatch_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[CustomerMatch_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_CustomerMatch_Staging]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_CustomerMatch_Staging] FROM [Integration].[CustomerMatch_Staging] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[CustomerMatch_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[CustomerMatch_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_CustomerMatch_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_CustomerMatch_Staging] SELECT * FROM [Integration].[CustomerMatch_Staging];
    DELETE FROM [Integration].[CustomerMatch_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Demographics_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Demographics_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Demographics_Staging]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_Demographics_Staging] FROM [Integration].[Demographics_Staging] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[Demographics_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Demographics_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Demographics_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_Demographics_Staging] SELECT * FROM [Integration].[Demographics_Staging];
    DELETE FROM [Integration].[Demographics_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[WebSession_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[WebSession_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_WebSession_Staging]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_WebSession_Staging] FROM [Integration].[WebSession_Staging] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[WebSession_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[WebSession_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_WebSession_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_WebSession_Staging] SELECT * FROM [Integration].[WebSession_Staging];
    DELETE FROM [Integration].[WebSession_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[SocialInteraction_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[SocialInteraction_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_SocialInteraction_Staging]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_SocialInteraction_Staging] FROM [Integration].[SocialInteraction_Staging] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[SocialInteraction_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[SocialInteraction_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_SocialInteraction_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_SocialInteraction_Staging] SELECT * FROM [Integration].[SocialInteraction_Staging];
    DELETE FROM [Integration].[SocialInteraction_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[Reject_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Reject_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Reject_Staging]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_Reject_Staging] FROM [Integration].[Reject_Staging] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[Reject_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Reject_Staging]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Reject_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_Reject_Staging] SELECT * FROM [Integration].[Reject_Staging];
    DELETE FROM [Integration].[Reject_Staging];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[RejectedCustomer]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[RejectedCustomer]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_RejectedCustomer]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_RejectedCustomer] FROM [Integration].[RejectedCustomer] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[RejectedCustomer]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[RejectedCustomer]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_RejectedCustomer]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_RejectedCustomer] SELECT * FROM [Integration].[RejectedCustomer];
    DELETE FROM [Integration].[RejectedCustomer];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[RejectedWebEvent]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[RejectedWebEvent]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_RejectedWebEvent]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_RejectedWebEvent] FROM [Integration].[RejectedWebEvent] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[RejectedWebEvent]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[RejectedWebEvent]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_RejectedWebEvent]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_RejectedWebEvent] SELECT * FROM [Integration].[RejectedWebEvent];
    DELETE FROM [Integration].[RejectedWebEvent];
    COMMIT TRANSACTION;
END;
GO

IF OBJECT_ID(N'[Integration].[RejectedSocialInteraction]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[RejectedSocialInteraction]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_RejectedSocialInteraction]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_RejectedSocialInteraction] FROM [Integration].[RejectedSocialInteraction] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[RejectedSocialInteraction]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[RejectedSocialInteraction]', N'SourceRecordNumber') IS NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_RejectedSocialInteraction]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_RejectedSocialInteraction] SELECT * FROM [Integration].[RejectedSocialInteraction];
    DELETE FROM [Integration].[RejectedSocialInteraction];
    COMMIT TRANSACTION;
END;
GO

-- Purchase_Staging with InvoiceLineNumber (no SourceRecordNumber: CSV records start on lines of their own).
IF OBJECT_ID(N'[Integration].[Purchase_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Purchase_Staging]', N'InvoiceLineNumber') IS NOT NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Purchase_Staging]', N'U') IS NULL
    SELECT * INTO [Integration].[Upgrade_Purchase_Staging] FROM [Integration].[Purchase_Staging] WHERE 1 = 0;
GO

IF OBJECT_ID(N'[Integration].[Purchase_Staging]', N'U') IS NOT NULL AND COL_LENGTH(N'[Integration].[Purchase_Staging]', N'InvoiceLineNumber') IS NOT NULL
    AND OBJECT_ID(N'[Integration].[Upgrade_Purchase_Staging]', N'U') IS NOT NULL
BEGIN
    BEGIN TRANSACTION;
    INSERT INTO [Integration].[Upgrade_Purchase_Staging] SELECT * FROM [Integration].[Purchase_Staging];
    DELETE FROM [Integration].[Purchase_Staging];
    COMMIT TRANSACTION;
END;
GO
