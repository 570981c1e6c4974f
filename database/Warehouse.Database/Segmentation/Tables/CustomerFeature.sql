CREATE TABLE [Segmentation].[CustomerFeature] (
    [CustomerKey] INT NOT NULL,
    [AsOfDateKey] INT NOT NULL,
    [RecencyDays] INT NOT NULL,
    [Frequency] INT NOT NULL,
    [MonetaryValue] DECIMAL(18, 4) NOT NULL,
    [AverageOrderValue] DECIMAL(18, 4) NOT NULL,
    [TenureDays] INT NOT NULL,
    [CancellationRate] FLOAT NOT NULL,
    [CustomerLifetimeValue] DECIMAL(18, 4) NULL,
    [WebSessions] INT NOT NULL CONSTRAINT [DF_Segmentation_CustomerFeature_WebSessions] DEFAULT (0),
    [WebEngagement] FLOAT NOT NULL CONSTRAINT [DF_Segmentation_CustomerFeature_WebEngagement] DEFAULT (0),
    [WebConversionRate] FLOAT NOT NULL CONSTRAINT [DF_Segmentation_CustomerFeature_WebConversionRate] DEFAULT (0),
    [SocialComments] INT NOT NULL CONSTRAINT [DF_Segmentation_CustomerFeature_SocialComments] DEFAULT (0),
    [SocialSentiment] FLOAT NOT NULL CONSTRAINT [DF_Segmentation_CustomerFeature_SocialSentiment] DEFAULT (0),
    [Age] INT NULL,
    [SocialNegativeShare] FLOAT NOT NULL CONSTRAINT [DF_Segmentation_CustomerFeature_SocialNegativeShare] DEFAULT (0),
    CONSTRAINT [PK_Segmentation_CustomerFeature] PRIMARY KEY CLUSTERED ([CustomerKey] ASC, [AsOfDateKey] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Per-customer features as of a date, one row per customer and snapshot.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date the features describe (Dimension.Date); recency counts from here.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'AsOfDateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Days from the last purchase to the as-of date.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'RecencyDays';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Distinct non-cancelled invoices.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'Frequency';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Net spend: all lines, cancellations netted out.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'MonetaryValue';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Spend on non-cancelled invoices divided by Frequency.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'AverageOrderValue';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Days from the first purchase to the as-of date.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'TenureDays';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Share of the customers invoices that are cancellations.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'CancellationRate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Predicted lifetime value, when a CLV model has run.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'CustomerLifetimeValue';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Web sessions in the data window.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'WebSessions';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Mean pages per web session.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'WebEngagement';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Share of web sessions with a conversion.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'WebConversionRate';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Social comments in the data window.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'SocialComments';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Mean sentiment of the customers comments (0 when none).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'SocialSentiment';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Age in whole years at the as-of date, when the birth date is known.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'Age';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Share of the customer''s comments labelled negative, 0 to 1 (0 when none; snapshots taken before the column existed hold 0).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerFeature', @level2type = N'COLUMN', @level2name = N'SocialNegativeShare';
GO
