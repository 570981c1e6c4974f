CREATE TABLE [Segmentation].[ModelRunSegment] (
    [ModelRunKey] INT NOT NULL,
    [ClusterIndex] INT NOT NULL,
    [SegmentKey] INT NOT NULL,
    [CustomerCount] INT NOT NULL,
    [Share] FLOAT NOT NULL,
    [Centroid] NVARCHAR(MAX) NULL,
    [MatchDistance] FLOAT NULL,
    CONSTRAINT [PK_Segmentation_ModelRunSegment] PRIMARY KEY CLUSTERED ([ModelRunKey] ASC, [ClusterIndex] ASC),
    CONSTRAINT [FK_Segmentation_ModelRunSegment_ModelRunKey_Segmentation_ModelRun] FOREIGN KEY ([ModelRunKey]) REFERENCES [Segmentation].[ModelRun] ([ModelRunKey]),
    CONSTRAINT [FK_Segmentation_ModelRunSegment_SegmentKey_Segmentation_Segment] FOREIGN KEY ([SegmentKey]) REFERENCES [Segmentation].[Segment] ([SegmentKey])
);
GO

CREATE NONCLUSTERED INDEX [IX_Segmentation_ModelRunSegment_SegmentKey] ON [Segmentation].[ModelRunSegment] ([SegmentKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Segments of one run: the cluster index the model uses, the persistent segment it maps to, size and centroid.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Run.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment', @level2type = N'COLUMN', @level2name = N'ModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Cluster label in the model (0-based; -1 for DBSCAN noise).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment', @level2type = N'COLUMN', @level2name = N'ClusterIndex';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Persistent segment the cluster maps to.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment', @level2type = N'COLUMN', @level2name = N'SegmentKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customers assigned.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment', @level2type = N'COLUMN', @level2name = N'CustomerCount';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'CustomerCount divided by the customers clustered.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment', @level2type = N'COLUMN', @level2name = N'Share';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Centre of the cluster in original feature units as a JSON object.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment', @level2type = N'COLUMN', @level2name = N'Centroid';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Distance to the previous runs centroid of the same segment (scaled space); NULL for a new segment.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'ModelRunSegment', @level2type = N'COLUMN', @level2name = N'MatchDistance';
GO
