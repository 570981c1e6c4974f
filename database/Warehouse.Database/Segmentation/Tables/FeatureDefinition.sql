CREATE TABLE [Segmentation].[FeatureDefinition] (
    [FeatureName] NVARCHAR(64) NOT NULL,
    [DisplayName] NVARCHAR(100) NOT NULL,
    [Description] NVARCHAR(400) NOT NULL,
    [ScalingMethod] NVARCHAR(20) NOT NULL,
    [IsDefault] BIT NOT NULL,
    [SortOrder] INT NOT NULL,
    CONSTRAINT [PK_Segmentation_FeatureDefinition] PRIMARY KEY CLUSTERED ([FeatureName] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'The customer features segmentation can use, how they are computed and scaled.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'FeatureDefinition';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Column name in Segmentation.CustomerFeature.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'FeatureDefinition', @level2type = N'COLUMN', @level2name = N'FeatureName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Name shown in reports.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'FeatureDefinition', @level2type = N'COLUMN', @level2name = N'DisplayName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'How the feature is computed.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'FeatureDefinition', @level2type = N'COLUMN', @level2name = N'Description';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Default scaling: None, ZScore, Robust, Log1pZScore, MinMax.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'FeatureDefinition', @level2type = N'COLUMN', @level2name = N'ScalingMethod';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1 when used by default segmentation runs.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'FeatureDefinition', @level2type = N'COLUMN', @level2name = N'IsDefault';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Display order.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'FeatureDefinition', @level2type = N'COLUMN', @level2name = N'SortOrder';
GO
