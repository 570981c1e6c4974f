CREATE TABLE [Segmentation].[CustomerSegment] (
    [CustomerKey] INT NOT NULL,
    [ConfigurationName] NVARCHAR(100) NOT NULL,
    [ValidFrom] DATETIME2(7) NOT NULL,
    [ValidTo] DATETIME2(7) NOT NULL CONSTRAINT [DF_Segmentation_CustomerSegment_ValidTo] DEFAULT ('9999-12-31'),
    [SegmentKey] INT NOT NULL,
    [ModelRunKey] INT NOT NULL,
    [Distance] FLOAT NULL,
    [Probability] FLOAT NULL,
    CONSTRAINT [PK_Segmentation_CustomerSegment] PRIMARY KEY CLUSTERED ([CustomerKey] ASC, [ConfigurationName] ASC, [ValidFrom] ASC),
    CONSTRAINT [FK_Segmentation_CustomerSegment_SegmentKey_Segmentation_Segment] FOREIGN KEY ([SegmentKey]) REFERENCES [Segmentation].[Segment] ([SegmentKey]),
    CONSTRAINT [FK_Segmentation_CustomerSegment_ModelRunKey_Segmentation_ModelRun] FOREIGN KEY ([ModelRunKey]) REFERENCES [Segmentation].[ModelRun] ([ModelRunKey])
);
GO

CREATE NONCLUSTERED INDEX [IX_Segmentation_CustomerSegment_SegmentKey] ON [Segmentation].[CustomerSegment] ([SegmentKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Segmentation_CustomerSegment_ModelRunKey] ON [Segmentation].[CustomerSegment] ([ModelRunKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Segment membership history (type 2): a new row only when a customer changes segment.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Configuration of the segmentation.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'ConfigurationName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Start of the membership (inclusive).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'ValidFrom';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'End of the membership (exclusive); end of time for the current one.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'ValidTo';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Persistent segment.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'SegmentKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Run that assigned the customer (the latest run confirming the membership).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'ModelRunKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Distance to the segment centre in scaled space.',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'Distance';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Membership probability (Gaussian mixture).',
    @level0type = N'SCHEMA', @level0name = N'Segmentation', @level1type = N'TABLE', @level1name = N'CustomerSegment', @level2type = N'COLUMN', @level2name = N'Probability';
GO
