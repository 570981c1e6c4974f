CREATE TABLE [Segmentation].[Segment] (
    [SegmentKey] INT NOT NULL CONSTRAINT [DF_Segmentation_Segment_SegmentKey] DEFAULT (NEXT VALUE FOR [Sequences].[SegmentKey]),
    [ConfigurationName] NVARCHAR(100) NOT NULL,
    [SegmentName] NVARCHAR(100) NOT NULL,
    [GeneratedName] NVARCHAR(100) NOT NULL,
    [IsRenamed] BIT NOT NULL CONSTRAINT [DF_Segmentation_Segment_IsRenamed] DEFAULT (0),
    [Description] NVARCHAR(400) NULL,
    [FirstModelRunKey] INT NOT NULL,
    [LastModelRunKey] INT NOT NULL,
    CONSTRAINT [PK_Segmentation_Segment] PRIMARY KEY CLUSTERED ([SegmentKey] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Persistent segments: SegmentKey survives retraining when a new cluster matches an old one.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Persistent surrogate key of the segment.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'SegmentKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Configuration the segment belongs to.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'ConfigurationName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Display name (generated, or set by a user).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'SegmentName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Name generated from the profile.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'GeneratedName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1 when a user renamed the segment; generated names then no longer overwrite it.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'IsRenamed';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Readable description of the profile.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'Description';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Run in which the segment first appeared.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'FirstModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Latest run in which the segment was present.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'Segment', @level2type = N'COLUMN', @level2name = N'LastModelRunKey';
GO
