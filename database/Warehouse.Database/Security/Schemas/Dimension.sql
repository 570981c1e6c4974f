CREATE SCHEMA [Dimension]
    AUTHORIZATION [dbo];
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Dimension tables of the star schema.',
    @level0type = N'SCHEMA', @level0name = N'Dimension';
GO
