CREATE SCHEMA [Integration]
    AUTHORIZATION [dbo];
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Staging, lineage, cutoffs and reject tables used by the ETL.',
    @level0type = N'SCHEMA', @level0name = N'Integration';
GO
