CREATE TABLE [Integration].[CustomerKeyMap] (
    [CrmCustomerId] NVARCHAR(50) NOT NULL,
    [CustomerKey] INT NOT NULL,
    [MatchRule] NVARCHAR(32) NOT NULL,
    [MappedAt] DATETIME2(7) NOT NULL,
    [LineageKey] INT NOT NULL,
    [Email] NVARCHAR(320) NULL,
    [SourceUpdatedAt] DATETIME2(7) NULL,
    CONSTRAINT [PK_Integration_CustomerKeyMap] PRIMARY KEY CLUSTERED ([CrmCustomerId] ASC)
);
GO

CREATE NONCLUSTERED INDEX [IX_Integration_CustomerKeyMap_CustomerKey] ON [Integration].[CustomerKeyMap] ([CustomerKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Source-key map: every CRM id (and purchase-source customer id) the warehouse has seen, with the durable CustomerKey it resolves to. Several CRM ids can share one customer (the same person registered twice in the CRM, tied by e-mail, phone or fuzzy name + city with the same birth date); purchases, survey answers and web logins resolve their CRM id through this table. A row is written once, when the id is first seen, and never re-keyed: two customers that both exist already are never merged (only its Email follows the id''s latest CRM row).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'CRM customer id as given by the source (business key).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap', @level2type = N'COLUMN', @level2name = N'CrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer this CRM id belongs to (Dimension.Customer.CustomerKey, every version).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'How the id was tied to the customer when first seen: crm-id (the id created the customer, or is the customer''s own CRM id), email, phone or fuzzy-name-city (a duplicate CRM entry tied to an existing customer or to another new CRM id).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap', @level2type = N'COLUMN', @level2name = N'MatchRule';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'UTC time of the load that first mapped the id.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap', @level2type = N'COLUMN', @level2name = N'MappedAt';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that first mapped the id.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Normalised e-mail (as Dimension.Customer stores it) of the latest applied CRM row of this id, updated when a later version changes it; NULL when that row has none, for purchase-source ids, and for a duplicate id mapped before the column existed (a primary id is backfilled from its customer''s current version). Web e-mail hashes and social e-mails link to the customer through it too, so a duplicate registration''s own address is known (linked only when it names exactly one customer). Right to erasure: clear it with the customer''s other e-mails.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap', @level2type = N'COLUMN', @level2name = N'Email';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Source update time (updated_at) of the latest applied CRM row of this id: the next rows of the id apply only when newer (through Integration.CustomerIdentity), so a duplicate id is compared with its own last row, not with its customer''s current version; NULL when that row had none and for ids mapped before the column existed (the customer''s current version''s time is used then).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'CustomerKeyMap', @level2type = N'COLUMN', @level2name = N'SourceUpdatedAt';
GO
