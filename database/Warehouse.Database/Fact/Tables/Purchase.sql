CREATE TABLE [Fact].[Purchase] (
    [PurchaseKey] BIGINT NOT NULL CONSTRAINT [DF_Fact_Purchase_PurchaseKey] DEFAULT (NEXT VALUE FOR [Sequences].[PurchaseKey]),
    [CustomerKey] INT NOT NULL,
    [DateKey] INT NOT NULL,
    [ProductKey] INT NOT NULL,
    [GeographyKey] INT NOT NULL,
    [ChannelKey] INT NOT NULL CONSTRAINT [DF_Fact_Purchase_ChannelKey] DEFAULT (0),
    [InvoiceNo] NVARCHAR(20) NOT NULL,
    [InvoiceLineNumber] INT NOT NULL,
    [InvoiceDateTime] DATETIME2(0) NOT NULL,
    [Quantity] INT NOT NULL,
    [UnitPrice] DECIMAL(18, 4) NOT NULL,
    [Amount] DECIMAL(18, 4) NOT NULL,
    [CurrencyCode] NCHAR(3) NOT NULL CONSTRAINT [DF_Fact_Purchase_CurrencyCode] DEFAULT (N'GBP'),
    [IsCancellation] BIT NOT NULL,
    [LineageKey] INT NOT NULL,
    [OutlierFlags] TINYINT NOT NULL CONSTRAINT [DF_Fact_Purchase_OutlierFlags] DEFAULT (0),
    CONSTRAINT [PK_Fact_Purchase] PRIMARY KEY NONCLUSTERED ([PurchaseKey] ASC),
    CONSTRAINT [FK_Fact_Purchase_DateKey_Dimension_Date] FOREIGN KEY ([DateKey]) REFERENCES [Dimension].[Date] ([DateKey]),
    CONSTRAINT [FK_Fact_Purchase_ProductKey_Dimension_Product] FOREIGN KEY ([ProductKey]) REFERENCES [Dimension].[Product] ([ProductKey]),
    CONSTRAINT [FK_Fact_Purchase_GeographyKey_Dimension_Geography] FOREIGN KEY ([GeographyKey]) REFERENCES [Dimension].[Geography] ([GeographyKey]),
    CONSTRAINT [FK_Fact_Purchase_ChannelKey_Dimension_Channel] FOREIGN KEY ([ChannelKey]) REFERENCES [Dimension].[Channel] ([ChannelKey])
);
GO

CREATE CLUSTERED COLUMNSTORE INDEX [CCX_Fact_Purchase] ON [Fact].[Purchase];
GO

CREATE NONCLUSTERED INDEX [IX_Fact_Purchase_CustomerKey] ON [Fact].[Purchase] ([CustomerKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_Purchase_DateKey] ON [Fact].[Purchase] ([DateKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_Purchase_ProductKey] ON [Fact].[Purchase] ([ProductKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_Purchase_GeographyKey] ON [Fact].[Purchase] ([GeographyKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_Purchase_ChannelKey] ON [Fact].[Purchase] ([ChannelKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Purchase transactions at invoice-line grain. Cancellations (invoice numbers starting with C) are kept as lines with negative quantity and IsCancellation = 1, so sums net them out.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key of the line.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'PurchaseKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer (Dimension.Customer); 0 when unknown.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Invoice date (Dimension.Date).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'DateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Product sold (Dimension.Product).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'ProductKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Country of the sale (Dimension.Geography).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'GeographyKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Sales channel (Dimension.Channel).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'ChannelKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Invoice number in the source; with InvoiceLineNumber the business key.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'InvoiceNo';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Position of the line within its invoice, in source order (1-based).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'InvoiceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Invoice date and time, local time of the source.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'InvoiceDateTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Units; negative on cancellations and returns.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'Quantity';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Price per unit in the invoice currency.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'UnitPrice';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Quantity times UnitPrice.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'Amount';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'ISO 4217 currency code of UnitPrice and Amount.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'CurrencyCode';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1 when the invoice is a cancellation (InvoiceNo starting with C).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'IsCancellation';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Outlier flags set by the load that wrote the line (Integration.OutlierStatistic has the statistics and bounds used): bit 1 Quantity, bit 2 UnitPrice, bit 4 Amount; a bit is set when |value| exceeds the upper bound of the modified z-score (Iglewicz and Hoaglin) of log10(1 + |value|) over all stored lines. 0: not unusual. Flagged lines stay loaded and count in every feature.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'Purchase', @level2type = N'COLUMN', @level2name = N'OutlierFlags';
GO
