CREATE TABLE [Segmentation].[ModelRunAssignment] (
    [ModelRunKey] INT NOT NULL,
    [CustomerKey] INT NOT NULL,
    [ClusterIndex] INT NOT NULL,
    [Distance] FLOAT NULL,
    [Probability] FLOAT NULL,
    CONSTRAINT [PK_Segmentation_ModelRunAssignment] PRIMARY KEY CLUSTERED ([ModelRunKey] ASC, [CustomerKey] ASC),
    CONSTRAINT [FK_Segmentation_ModelRunAssignment_ModelRunKey_Segmentation_ModelRun] FOREIGN KEY ([ModelRunKey]) REFERENCES [Segmentation].[ModelRun] ([ModelRunKey])
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Cluster of every customer in a run, as returned by the clustering (before publishing). Segmentation.PublishRun turns it into Segmentation.CustomerSegment history.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunAssignment';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Run (Segmentation.ModelRun).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunAssignment', @level2type = N'COLUMN', @level2name = N'ModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customer (durable key of Dimension.Customer).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunAssignment', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Cluster label in the model (0-based; -1 for DBSCAN noise).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunAssignment', @level2type = N'COLUMN', @level2name = N'ClusterIndex';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Distance to the cluster centre in scaled feature space (NULL where the algorithm has no centre).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunAssignment', @level2type = N'COLUMN', @level2name = N'Distance';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Posterior probability of the cluster (mixture models only).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunAssignment', @level2type = N'COLUMN', @level2name = N'Probability';
GO
