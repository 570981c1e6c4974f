CREATE SCHEMA [Sequences]
    AUTHORIZATION [dbo];
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Sequences that issue surrogate keys.',
    @level0type = N'SCHEMA', @level0name = N'Sequences';
GO
