CREATE TABLE [Dimension].[Customer] (
    [CustomerKey] INT NOT NULL,
    [ValidFrom] DATETIME2(7) NOT NULL,
    [ValidTo] DATETIME2(7) NOT NULL CONSTRAINT [DF_Dimension_Customer_ValidTo] DEFAULT ('9999-12-31'),
    [CrmCustomerId] NVARCHAR(50) NULL,
    [WebVisitorId] NVARCHAR(100) NULL,
    [SocialHandle] NVARCHAR(100) NULL,
    [FullName] NVARCHAR(200) NULL,
    [Email] NVARCHAR(320) NULL,
    [Phone] NVARCHAR(32) NULL,
    [BirthDate] DATE NULL,
    [Gender] NVARCHAR(16) NULL,
    [City] NVARCHAR(100) NULL,
    [Country] NVARCHAR(100) NULL,
    [GeographyKey] INT NOT NULL CONSTRAINT [DF_Dimension_Customer_GeographyKey] DEFAULT (0),
    [SignupDate] DATE NULL,
    [ConsentMarketing] BIT NULL,
    [ConsentProfiling] BIT NULL,
    [MatchRule] NVARCHAR(32) NULL,
    [SourceUpdatedAt] DATETIME2(7) NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Dimension_Customer] PRIMARY KEY CLUSTERED ([CustomerKey] ASC, [ValidFrom] ASC),
    CONSTRAINT [FK_Dimension_Customer_GeographyKey_Dimension_Geography] FOREIGN KEY ([GeographyKey]) REFERENCES [Dimension].[Geography] ([GeographyKey])
);
GO

CREATE NONCLUSTERED INDEX [IX_Dimension_Customer_CrmCustomerId] ON [Dimension].[Customer] ([CrmCustomerId]);
GO

CREATE NONCLUSTERED INDEX [IX_Dimension_Customer_Email] ON [Dimension].[Customer] ([Email]);
GO

CREATE NONCLUSTERED INDEX [IX_Dimension_Customer_GeographyKey] ON [Dimension].[Customer] ([GeographyKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customers resolved across CRM, web, social and purchase sources; type 2 history (one row per version). CustomerKey is the durable key of the person, shared by all versions; a version is identified by CustomerKey and ValidFrom. Unknown member: CustomerKey 0.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable surrogate key of the resolved customer (from Sequences.CustomerKey), the same for every version; 0 is the Unknown member.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Start of the period in which this version was current (inclusive).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'ValidFrom';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'End of the period in which this version was current (exclusive); 9999-12-31 for the current version.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'ValidTo';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Primary CRM id of the customer (or the purchase source''s customer id when it has no CRM): the id of its first registration. A customer registered twice has further ids in Integration.CustomerKeyMap, through which every source resolves CRM ids.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'CrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Visitor id of the customer''s earliest web session among the visitor ids linked to this customer alone (set in place by the web load; stitching reads Fact.WebSession, where all of a customer''s visitor ids stay).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'WebVisitorId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Social media handle (platform:handle) of the customer''s earliest comment among the handles linked to this customer alone (set in place by the social load).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'SocialHandle';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Full name as given by the source (personal data).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'FullName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Normalised e-mail address (personal data).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'Email';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Normalised phone number in E.164 form (personal data).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'Phone';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date of birth (personal data).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'BirthDate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Gender as declared by the customer (female, male, other, unknown).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'Gender';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'City of residence.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'City';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Country of residence.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'Country';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Geography of residence (Dimension.Geography); 0 when unknown.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'GeographyKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date the customer registered.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'SignupDate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Consent to marketing contact: 1 given, 0 refused, NULL unknown.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'ConsentMarketing';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Consent to profiling (segmentation): 1 given, 0 refused, NULL unknown (treated as legitimate interest).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'ConsentProfiling';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Identity-resolution rule that linked the CRM row of this version to its customer (crm-id, email, phone, fuzzy-name-city; for a new customer registered twice in one load, the rule that tied the two ids). Each CRM id''s own rule is in Integration.CustomerKeyMap.MatchRule.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'MatchRule';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Last update time of the source record that produced this version.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'SourceUpdatedAt';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Customer', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
