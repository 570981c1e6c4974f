CREATE TABLE [Segmentation].[Configuration] (
    [ConfigurationName] NVARCHAR(100) NOT NULL,
    [Algorithm] NVARCHAR(32) NOT NULL,
    [Options] NVARCHAR(4000) NOT NULL CONSTRAINT [DF_Segmentation_Configuration_Options] DEFAULT (N''),
    [Features] NVARCHAR(1000) NOT NULL,
    [ScalingMethod] NVARCHAR(20) NOT NULL,
    [Seed] INT NOT NULL CONSTRAINT [DF_Segmentation_Configuration_Seed] DEFAULT (42),
    [MinimumSilhouette] FLOAT NULL,
    [MaximumDaviesBouldin] FLOAT NULL,
    [MinimumSegmentShare] FLOAT NULL,
    [IsEnabled] BIT NOT NULL CONSTRAINT [DF_Segmentation_Configuration_IsEnabled] DEFAULT (1),
    [Description] NVARCHAR(400) NULL,
    [ModifiedAt] DATETIME2(7) NOT NULL CONSTRAINT [DF_Segmentation_Configuration_ModifiedAt] DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT [PK_Segmentation_Configuration] PRIMARY KEY CLUSTERED ([ConfigurationName] ASC),
    CONSTRAINT [CK_Segmentation_Configuration_Algorithm] CHECK ([Algorithm] IN (N'kmeans', N'minibatch', N'gmm', N'dbscan', N'ward', N'som')),
    CONSTRAINT [CK_Segmentation_Configuration_ScalingMethod] CHECK ([ScalingMethod] IN (N'PerFeature', N'None', N'ZScore', N'Robust', N'Log1pZScore', N'MinMax'))
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Named segmentation set-ups run by Segmentation.RunConfiguration and the SQL Agent job: algorithm, options, features, scaling, seed and the quality thresholds the job enforces.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Name of the configuration (used by runs, segments and memberships).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'ConfigurationName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Clustering algorithm: kmeans, minibatch (mini-batch k-means), gmm, dbscan, ward or som.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'Algorithm';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Algorithm options as name=value pairs separated by semicolons, e.g. k=5;maxIterations=300.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'Options';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comma-separated feature names (Segmentation.FeatureDefinition) clustered by this configuration.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'Features';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Scaling applied before clustering: PerFeature (each feature as Segmentation.FeatureDefinition.ScalingMethod says), or one of None, ZScore, Robust, Log1pZScore, MinMax for all features.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'ScalingMethod';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Random seed; the same seed and data give the same segments.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'Seed';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Quality gate: a run with a lower mean silhouette fails the job; NULL for no check.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'MinimumSilhouette';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Quality gate: a run with a higher Davies-Bouldin index fails the job; NULL for no check.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'MaximumDaviesBouldin';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Quality gate: a run whose smallest segment holds a smaller share of customers fails the job; NULL for no check.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'MinimumSegmentShare';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'0 stops scheduled runs of this configuration.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'IsEnabled';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'What the configuration is for.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'Description';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Last change (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Configuration', @level2type = N'COLUMN', @level2name = N'ModifiedAt';
GO
