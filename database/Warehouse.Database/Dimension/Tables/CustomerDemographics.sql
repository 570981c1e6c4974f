CREATE TABLE [Dimension].[CustomerDemographics] (
    [CustomerKey] INT NOT NULL,
    [SurveyDate] DATE NULL,
    [HouseholdSize] INT NULL,
    [Children] INT NULL,
    [IncomeBand] NVARCHAR(50) NULL,
    [Education] NVARCHAR(100) NULL,
    [Occupation] NVARCHAR(100) NULL,
    [MaritalStatus] NVARCHAR(50) NULL,
    [Satisfaction] INT NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Dimension_CustomerDemographics] PRIMARY KEY CLUSTERED ([CustomerKey] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Latest demographics / survey answers per customer (type 1: a newer survey answer replaces the older one), joined to Dimension.Customer by the durable CustomerKey.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer (Dimension.Customer).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date the customer answered the survey.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'SurveyDate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'People in the household (1 to 20).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'HouseholdSize';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Children in the household (0 to 15, fewer than HouseholdSize).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'Children';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Declared income band, as given (e.g. 30-50k).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'IncomeBand';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Highest education, as given.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'Education';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Occupation, as given.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'Occupation';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Marital status, as given.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'MaritalStatus';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Satisfaction score, 1 (low) to 5 (high).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'Satisfaction';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'CustomerDemographics', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
