CREATE TABLE [Dimension].[Channel] (
    [ChannelKey] INT NOT NULL,
    [ChannelCode] NVARCHAR(32) NOT NULL,
    [ChannelName] NVARCHAR(100) NOT NULL,
    CONSTRAINT [PK_Dimension_Channel] PRIMARY KEY CLUSTERED ([ChannelKey] ASC),
    CONSTRAINT [UQ_Dimension_Channel_ChannelCode] UNIQUE NONCLUSTERED ([ChannelCode])
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Sales and contact channels (web, store, phone, social).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Channel';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key; 0 is the Unknown member.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Channel', @level2type = N'COLUMN', @level2name = N'ChannelKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Channel code (business key).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Channel', @level2type = N'COLUMN', @level2name = N'ChannelCode';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Display name of the channel.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Channel', @level2type = N'COLUMN', @level2name = N'ChannelName';
GO
