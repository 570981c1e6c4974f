CREATE TABLE [Segmentation].[ModelRun] (
    [ModelRunKey] INT NOT NULL CONSTRAINT [DF_Segmentation_ModelRun_ModelRunKey] DEFAULT (NEXT VALUE FOR [Sequences].[ModelRunKey]),
    [ConfigurationName] NVARCHAR(100) NOT NULL,
    [Algorithm] NVARCHAR(32) NOT NULL,
    [Parameters] NVARCHAR(MAX) NOT NULL,
    [Features] NVARCHAR(1000) NOT NULL,
    [ScalingMethod] NVARCHAR(20) NOT NULL,
    [Seed] INT NOT NULL,
    [NumberOfSegments] INT NOT NULL,
    [NumberOfCustomers] INT NOT NULL,
    [AsOfDateKey] INT NOT NULL,
    [DataWindowStartDateKey] INT NULL,
    [DataWindowEndDateKey] INT NULL,
    [ConsentBasis] NVARCHAR(100) NOT NULL,
    [Inertia] FLOAT NULL,
    [Silhouette] FLOAT NULL,
    [DaviesBouldin] FLOAT NULL,
    [CalinskiHarabasz] FLOAT NULL,
    [Metrics] NVARCHAR(MAX) NULL,
    [Host] NVARCHAR(32) NOT NULL,
    [StartedAt] DATETIME2(7) NOT NULL,
    [CompletedAt] DATETIME2(7) NULL,
    [Status] NVARCHAR(20) NOT NULL,
    CONSTRAINT [PK_Segmentation_ModelRun] PRIMARY KEY CLUSTERED ([ModelRunKey] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'One row per segmentation run: algorithm, parameters, data window, consent basis and quality metrics.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key of the run.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'ModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Named configuration the run used.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'ConfigurationName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'kmeans, minibatch, gmm, dbscan, ward, som.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Algorithm';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Algorithm parameters as JSON.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Parameters';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comma-separated feature names, in model column order.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Features';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Scaling applied before clustering.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'ScalingMethod';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Random seed.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Seed';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Segments found.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'NumberOfSegments';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customers clustered.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'NumberOfCustomers';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Feature snapshot used (Segmentation.CustomerFeature.AsOfDateKey).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'AsOfDateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'First purchase date in the data.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'DataWindowStartDateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Last purchase date in the data.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'DataWindowEndDateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Which customers were eligible: e.g. profiling consent not refused.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'ConsentBasis';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Within-segment sum of squared distances (scaled space).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Inertia';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Mean silhouette coefficient.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Silhouette';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Davies-Bouldin index (lower is better).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'DaviesBouldin';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Calinski-Harabasz index (higher is better).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'CalinskiHarabasz';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'All metrics and the automatic-k score curve as JSON.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Metrics';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Where the run executed: host-duckdb, host-sqlserver or sqlclr.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Host';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Start time (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'StartedAt';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Completion time (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'CompletedAt';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'running, succeeded or failed.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRun', @level2type = N'COLUMN', @level2name = N'Status';
GO
