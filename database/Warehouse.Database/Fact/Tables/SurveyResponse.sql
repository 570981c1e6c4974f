CREATE TABLE [Fact].[SurveyResponse] (
    [CustomerKey] INT NOT NULL,
    [DateKey] INT NOT NULL,
    [HouseholdSize] INT NULL,
    [Children] INT NULL,
    [IncomeBand] NVARCHAR(50) NULL,
    [Education] NVARCHAR(100) NULL,
    [Occupation] NVARCHAR(100) NULL,
    [MaritalStatus] NVARCHAR(50) NULL,
    [Satisfaction] INT NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Fact_SurveyResponse] PRIMARY KEY NONCLUSTERED ([CustomerKey] ASC, [DateKey] ASC),
    CONSTRAINT [FK_Fact_SurveyResponse_DateKey_Dimension_Date] FOREIGN KEY ([DateKey]) REFERENCES [Dimension].[Date] ([DateKey])
);
GO

CREATE CLUSTERED COLUMNSTORE INDEX [CCX_Fact_SurveyResponse] ON [Fact].[SurveyResponse];
GO

CREATE NONCLUSTERED INDEX [IX_Fact_SurveyResponse_DateKey] ON [Fact].[SurveyResponse] ([DateKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Demographics / survey answers, one row per customer and survey date (the business key); a reloaded answer replaces the stored one only when it changed.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer who answered (Dimension.Customer).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Survey date (Dimension.Date); 0 when the answer has no date.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'DateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'People in the household (1 to 20).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'HouseholdSize';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Children in the household (0 to 15, fewer than HouseholdSize).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'Children';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Declared income band, as given (e.g. 30-50k).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'IncomeBand';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Highest education, as given.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'Education';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Occupation, as given.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'Occupation';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Marital status, as given.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'MaritalStatus';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Satisfaction score, 1 (low) to 5 (high).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'Satisfaction';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SurveyResponse', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
