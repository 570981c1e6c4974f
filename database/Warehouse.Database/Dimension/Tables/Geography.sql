CREATE TABLE [Dimension].[Geography] (
    [GeographyKey] INT NOT NULL CONSTRAINT [DF_Dimension_Geography_GeographyKey] DEFAULT (NEXT VALUE FOR [Sequences].[GeographyKey]),
    [Country] NVARCHAR(100) NOT NULL,
    [City] NVARCHAR(100) NOT NULL CONSTRAINT [DF_Dimension_Geography_City] DEFAULT (N''),
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Dimension_Geography] PRIMARY KEY CLUSTERED ([GeographyKey] ASC),
    CONSTRAINT [UQ_Dimension_Geography_Country_City] UNIQUE NONCLUSTERED ([Country], [City])
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Countries and cities customers live in or buy from.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Geography';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key; 0 is the Unknown member.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Geography', @level2type = N'COLUMN', @level2name = N'GeographyKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Country name as normalised by the ETL.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Geography', @level2type = N'COLUMN', @level2name = N'Country';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'City name; empty when only the country is known.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Geography', @level2type = N'COLUMN', @level2name = N'City';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Geography', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
