CREATE SCHEMA [Fact]
    AUTHORIZATION [dbo];
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Fact tables of the star schema.',
    @level0type = N'SCHEMA', @level0name = N'Fact';
GO
