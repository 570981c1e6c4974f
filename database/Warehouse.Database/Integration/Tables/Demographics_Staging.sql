CREATE TABLE [Integration].[Demographics_Staging] (
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [SourceRecordNumber] BIGINT NOT NULL,
    [CrmCustomerId] NVARCHAR(50) NOT NULL,
    [SurveyDate] DATE NULL,
    [HouseholdSize] INT NULL,
    [Children] INT NULL,
    [IncomeBand] NVARCHAR(50) NULL,
    [Education] NVARCHAR(100) NULL,
    [Occupation] NVARCHAR(100) NULL,
    [MaritalStatus] NVARCHAR(50) NULL,
    [Satisfaction] INT NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Integration_Demographics_Staging] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceRecordNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Demographics / survey answers of one load, cleaned and typed, before they are joined to customers (rows are removed when the load completes).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File the row came from.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Physical line in the source file where the record starts, 1-based as an editor shows it (the CSV header is line 1).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1-based ordinal of the record in the source file (every record read, accepted or rejected, counts): with LineageKey the row''s key, because several records can start on one physical line (a JSON array written on one line shares SourceLineNumber).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'SourceRecordNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'CRM id of the customer who answered.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'CrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date the customer answered the survey.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'SurveyDate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'People in the household (1 to 20).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'HouseholdSize';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Children in the household (0 to 15, fewer than HouseholdSize).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'Children';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Declared income band, as given (e.g. 30-50k).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'IncomeBand';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Highest education, as given.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'Education';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Occupation, as given.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'Occupation';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Marital status, as given.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'MaritalStatus';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Satisfaction score, 1 (low) to 5 (high).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'Satisfaction';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load that staged the row.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Demographics_Staging', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
