CREATE TABLE [Fact].[SocialInteraction] (
    [SocialInteractionKey] BIGINT NOT NULL CONSTRAINT [DF_Fact_SocialInteraction_SocialInteractionKey] DEFAULT (NEXT VALUE FOR [Sequences].[SocialInteractionKey]),
    [CustomerKey] INT NOT NULL,
    [DateKey] INT NOT NULL,
    [ChannelKey] INT NOT NULL CONSTRAINT [DF_Fact_SocialInteraction_ChannelKey] DEFAULT (0),
    [Platform] NVARCHAR(32) NOT NULL,
    [CommentId] NVARCHAR(100) NOT NULL,
    [SocialHandle] NVARCHAR(100) NOT NULL,
    [ReplyToCommentId] NVARCHAR(100) NULL,
    [CommentTime] DATETIME2(0) NOT NULL,
    [CommentText] NVARCHAR(MAX) NOT NULL,
    [Likes] INT NOT NULL,
    [SentimentScore] FLOAT NOT NULL,
    [SentimentLabel] NVARCHAR(16) NOT NULL,
    [Keywords] NVARCHAR(400) NULL,
    [MatchRule] NVARCHAR(32) NULL,
    [LineageKey] INT NOT NULL,
    [OutlierFlags] TINYINT NOT NULL CONSTRAINT [DF_Fact_SocialInteraction_OutlierFlags] DEFAULT (0),
    [SourceEmailKeyHash] NVARCHAR(64) NULL,
    CONSTRAINT [PK_Fact_SocialInteraction] PRIMARY KEY NONCLUSTERED ([SocialInteractionKey] ASC),
    CONSTRAINT [FK_Fact_SocialInteraction_DateKey_Dimension_Date] FOREIGN KEY ([DateKey]) REFERENCES [Dimension].[Date] ([DateKey]),
    CONSTRAINT [FK_Fact_SocialInteraction_ChannelKey_Dimension_Channel] FOREIGN KEY ([ChannelKey]) REFERENCES [Dimension].[Channel] ([ChannelKey])
);
GO

CREATE CLUSTERED COLUMNSTORE INDEX [CCX_Fact_SocialInteraction] ON [Fact].[SocialInteraction];
GO

CREATE NONCLUSTERED INDEX [IX_Fact_SocialInteraction_CustomerKey] ON [Fact].[SocialInteraction] ([CustomerKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_SocialInteraction_DateKey] ON [Fact].[SocialInteraction] ([DateKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_SocialInteraction_ChannelKey] ON [Fact].[SocialInteraction] ([ChannelKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Social media comments with their sentiment and keywords.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key of the comment.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'SocialInteractionKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer; 0 when the author is not resolved.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date of the comment (Dimension.Date).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'DateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Channel (Dimension.Channel).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'ChannelKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Social platform.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'Platform';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comment id on the platform (business key with Platform).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'CommentId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Author handle.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'SocialHandle';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comment this one replies to.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'ReplyToCommentId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Time of the comment (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'CommentTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comment text exactly as given.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'CommentText';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Likes at load time.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'Likes';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Sentiment score from -1 (negative) to 1 (positive).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'SentimentScore';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'negative, neutral or positive.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'SentimentLabel';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comma-separated keywords of the comment.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'Keywords';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Identity rule that linked the comment to its customer: email, handle-stitch (another comment of the same platform and handle was linked to exactly one customer by e-mail), handle-conflict (the handle was linked to two or more customers: not linked), none.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'MatchRule';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Outlier flags set by the load that wrote the comment (Integration.OutlierStatistic has the statistics and bounds used): bit 1 Likes; set when Likes exceeds the upper bound of the modified z-score (Iglewicz and Hoaglin) of log10(1 + Likes) over all stored comments. 0: not unusual. Flagged comments stay loaded and count in every feature.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'OutlierFlags';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'SHA-256 (lower-case hex, UTF-8) of the match key of the e-mail given with the comment (the CRM identity rules'' key: sub-address and Gmail dots dropped), never the address itself; kept only while the comment is not linked by e-mail (MatchRule none, handle-stitch or handle-conflict), so that a CRM load that brings the customer later links the comment (Integration.RelinkStoredInteractions); NULL once linked by e-mail, without an e-mail, and for comments stored before the column existed.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialInteraction', @level2type = N'COLUMN', @level2name = N'SourceEmailKeyHash';
GO

-- Comments not linked by e-mail that keep the hash of their address's match key: few. The CRM load's re-link
-- (Integration.RelinkStoredInteractions) checks these first and stops when there are none.
CREATE NONCLUSTERED INDEX [IX_Fact_SocialInteraction_SourceEmailKeyHash] ON [Fact].[SocialInteraction] ([SourceEmailKeyHash]) WHERE [SourceEmailKeyHash] IS NOT NULL;
GO
