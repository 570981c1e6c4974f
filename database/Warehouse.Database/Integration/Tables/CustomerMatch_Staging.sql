CREATE TABLE [Integration].[CustomerMatch_Staging] (
    [LineageKey] INT NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [SourceRecordNumber] BIGINT NOT NULL,
    [CrmCustomerId] NVARCHAR(50) NOT NULL,
    [CustomerKey] INT NULL,
    [MatchRule] NVARCHAR(32) NOT NULL,
    [NewCustomerOrdinal] INT NULL,
    [IsPrimary] BIT NOT NULL,
    CONSTRAINT [PK_Integration_CustomerMatch_Staging] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceRecordNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'How the host resolved each CRM row of a load on SQL Server (IdentityResolver over Integration.CustomerIdentity, rows not newer than their id''s stored version left out): Integration.MigrateStagedCustomerData applies these keys, so both engines give the same input the same customers.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load whose staged CRM row was resolved.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Line of the staged row (Integration.Customer_Staging) the host resolved: the latest row of its CRM id newer than the id''s stored version (Integration.CustomerIdentity.SourceUpdatedAt).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Record number of the staged row (Integration.Customer_Staging) the host resolved: its key in that table (several records may share a line).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'SourceRecordNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'CRM id of the row.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'CrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Known customer the row is (IdentityResolver in the host); NULL for a new customer.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Rule that linked the row: crm-id, email, phone or fuzzy-name-city (crm-id for a new customer of its own).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'MatchRule';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'For a new customer: 0, 1, … in the order new keys are handed out (rows with the same ordinal are one new person); NULL for a known customer.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'NewCustomerOrdinal';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'For a new customer: 1 on the row whose attributes the new customer takes (earliest signup, then lowest CRM id); 0 otherwise.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerMatch_Staging', @level2type = N'COLUMN', @level2name = N'IsPrimary';
GO
