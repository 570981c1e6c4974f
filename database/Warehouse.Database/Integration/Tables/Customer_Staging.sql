CREATE TABLE [Integration].[Customer_Staging] (
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [SourceRecordNumber] BIGINT NOT NULL,
    [CrmCustomerId] NVARCHAR(50) NOT NULL,
    [FullName] NVARCHAR(200) NULL,
    [Email] NVARCHAR(320) NULL,
    [Phone] NVARCHAR(32) NULL,
    [BirthDate] DATE NULL,
    [Gender] NVARCHAR(16) NULL,
    [City] NVARCHAR(100) NULL,
    [Country] NVARCHAR(100) NULL,
    [SignupDate] DATE NULL,
    [ConsentMarketing] BIT NULL,
    [ConsentProfiling] BIT NULL,
    [SourceUpdatedAt] DATETIME2(7) NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Integration_Customer_Staging] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceRecordNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customer records from the CRM and demographics sources, normalised, before identity resolution.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File the row came from.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Physical line in the source file where the record starts, 1-based as an editor shows it (the CSV header is line 1; for JSON the line of the object''s opening brace).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1-based ordinal of the record in the source file (every record read, accepted or rejected, counts): with LineageKey the row''s key, because several records can start on one physical line (a JSON array written on one line shares SourceLineNumber).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'SourceRecordNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customer id in the CRM.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'CrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Full name.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'FullName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Normalised e-mail.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'Email';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Normalised phone (E.164).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'Phone';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date of birth.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'BirthDate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Gender.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'Gender';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'City.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'City';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Country.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'Country';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Registration date.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'SignupDate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Marketing consent.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'ConsentMarketing';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Profiling consent.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'ConsentProfiling';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Last update time in the source.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'SourceUpdatedAt';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Customer_Staging', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
