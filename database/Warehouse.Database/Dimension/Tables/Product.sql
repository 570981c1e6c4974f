CREATE TABLE [Dimension].[Product] (
    [ProductKey] INT NOT NULL CONSTRAINT [DF_Dimension_Product_ProductKey] DEFAULT (NEXT VALUE FOR [Sequences].[ProductKey]),
    [StockCode] NVARCHAR(50) NOT NULL,
    [Description] NVARCHAR(400) NULL,
    [Category] NVARCHAR(100) NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Dimension_Product] PRIMARY KEY CLUSTERED ([ProductKey] ASC),
    CONSTRAINT [UQ_Dimension_Product_StockCode] UNIQUE NONCLUSTERED ([StockCode])
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Products sold (type 1: the latest description wins).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Product';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key; 0 is the Unknown member.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Product', @level2type = N'COLUMN', @level2name = N'ProductKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Product code in the purchase source (business key).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Product', @level2type = N'COLUMN', @level2name = N'StockCode';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Product description as last seen in the source.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Product', @level2type = N'COLUMN', @level2name = N'Description';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Product category, when the source gives one.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Product', @level2type = N'COLUMN', @level2name = N'Category';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Product', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
