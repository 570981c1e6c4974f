CREATE TABLE [Application].[JobLog] (
    [JobLogKey] BIGINT NOT NULL CONSTRAINT [DF_Application_JobLog_JobLogKey] DEFAULT (NEXT VALUE FOR [Sequences].[JobLogKey]),
    [LoggedAt] DATETIME2(7) NOT NULL CONSTRAINT [DF_Application_JobLog_LoggedAt] DEFAULT (SYSUTCDATETIME()),
    [JobName] NVARCHAR(128) NOT NULL,
    [StepName] NVARCHAR(128) NOT NULL,
    [ConfigurationName] NVARCHAR(100) NULL,
    [ModelRunKey] INT NULL,
    [Status] NVARCHAR(20) NOT NULL,
    [Message] NVARCHAR(2000) NULL,
    CONSTRAINT [PK_Application_JobLog] PRIMARY KEY CLUSTERED ([JobLogKey] ASC)
);
GO

CREATE NONCLUSTERED INDEX [IX_Application_JobLog_ModelRunKey] ON [Application].[JobLog] ([ModelRunKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Log of the segmentation SQL Agent job and the procedures it runs: one row per step outcome, including quality-gate failures with the metric that failed.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key (Sequences.JobLogKey).',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'JobLogKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'When the row was written (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'LoggedAt';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'SQL Agent job name, or the procedure when run by hand.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'JobName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Step: etl, segmentation, quality-gate or publish.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'StepName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Segmentation configuration concerned.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'ConfigurationName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Run concerned (Segmentation.ModelRun).',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'ModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'started, succeeded or failed.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'Status';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Details: metrics, thresholds, error text.',
    @level0type = N'SCHEMA', @level0name = N'Application', @level1type = N'TABLE', @level1name = N'JobLog', @level2type = N'COLUMN', @level2name = N'Message';
GO
