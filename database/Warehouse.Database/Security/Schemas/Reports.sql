CREATE SCHEMA [Reports]
    AUTHORIZATION [dbo];
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Views that reports (SSRS, Power BI) read: the only surface reporting tools use.',
    @level0type = N'SCHEMA', @level0name = N'Reports';
GO
