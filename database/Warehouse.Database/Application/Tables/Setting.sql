CREATE TABLE [Application].[Setting] (
    [SettingName] NVARCHAR(100) NOT NULL,
    [SettingValue] NVARCHAR(400) NOT NULL,
    [Description] NVARCHAR(400) NOT NULL,
    [ModifiedAt] DATETIME2(7) NOT NULL CONSTRAINT [DF_Application_Setting_ModifiedAt] DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT [PK_Application_Setting] PRIMARY KEY CLUSTERED ([SettingName] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Operational settings read by post-deployment and procedures (for example the range of the date dimension). Change a value and run the post-deployment script or the named procedure again.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'Setting';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Name of the setting.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'Setting', @level2type = N'COLUMN', @level2name = N'SettingName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Value as text (dates as yyyy-mm-dd, numbers with a dot).',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'Setting', @level2type = N'COLUMN', @level2name = N'SettingValue';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'What the setting controls.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'Setting', @level2type = N'COLUMN', @level2name = N'Description';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Last change (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'Setting', @level2type = N'COLUMN', @level2name = N'ModifiedAt';
GO
