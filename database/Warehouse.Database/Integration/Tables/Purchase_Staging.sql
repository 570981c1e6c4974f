CREATE TABLE [Integration].[Purchase_Staging] (
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [InvoiceNo] NVARCHAR(20) NOT NULL,
    [StockCode] NVARCHAR(50) NOT NULL,
    [Description] NVARCHAR(400) NULL,
    [Quantity] INT NOT NULL,
    [InvoiceDateTime] DATETIME2(0) NOT NULL,
    [UnitPrice] DECIMAL(18, 4) NOT NULL,
    [CrmCustomerId] NVARCHAR(50) NOT NULL,
    [Country] NVARCHAR(100) NULL,
    [CurrencyCode] NCHAR(3) NOT NULL,
    [IsCancellation] BIT NOT NULL,
    [LineageKey] INT NOT NULL,
    [IsRejected] BIT NOT NULL CONSTRAINT [DF_Integration_Purchase_Staging_IsRejected] DEFAULT (0),
    CONSTRAINT [PK_Integration_Purchase_Staging] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceLineNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Purchase lines as read from a transaction file, typed and validated, before key resolution; and one placeholder row (IsRejected = 1) per rejected line whose invoice number could be read, so that the migration numbers the lines of each invoice in file order over accepted and rejected lines alike.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File the row came from.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Physical line in the source file where the record starts, 1-based as an editor shows it (the CSV header is line 1; for JSON the line of the object''s opening brace).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Invoice number.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'InvoiceNo';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Product code.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'StockCode';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Product description.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'Description';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Units; negative for cancellations.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'Quantity';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Invoice date and time.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'InvoiceDateTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Price per unit.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'UnitPrice';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customer id given by the source.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'CrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Country of the customer or sale.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'Country';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'ISO 4217 currency code.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'CurrencyCode';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1 when the invoice number starts with C.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'IsCancellation';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1: placeholder of a rejected line (its reason is in Integration.RejectedPurchase); only SourceLineNumber, InvoiceNo and IsCancellation are the line''s, the other columns hold placeholders. It takes its InvoiceLineNumber slot and is never loaded.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'Purchase_Staging', @level2type = N'COLUMN', @level2name = N'IsRejected';
GO
