CREATE SCHEMA [Segmentation]
    AUTHORIZATION [dbo];
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Features, model runs, models, segments and memberships.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation';
GO
