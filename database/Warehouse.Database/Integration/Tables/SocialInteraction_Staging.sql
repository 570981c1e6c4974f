CREATE TABLE [Integration].[SocialInteraction_Staging] (
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [SourceRecordNumber] BIGINT NOT NULL,
    [Platform] NVARCHAR(32) NOT NULL,
    [CommentId] NVARCHAR(100) NOT NULL,
    [SocialHandle] NVARCHAR(100) NOT NULL,
    [Email] NVARCHAR(320) NULL,
    [ReplyToCommentId] NVARCHAR(100) NULL,
    [CommentTime] DATETIME2(0) NOT NULL,
    [CommentText] NVARCHAR(MAX) NOT NULL,
    [Likes] INT NOT NULL,
    [SentimentScore] FLOAT NOT NULL,
    [SentimentLabel] NVARCHAR(16) NOT NULL,
    [Keywords] NVARCHAR(400) NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Integration_SocialInteraction_Staging] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceRecordNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Social comments with sentiment, before key resolution.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File the row came from.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Physical line in the source file where the record starts, 1-based as an editor shows it (the CSV header is line 1; for JSON the line of the object''s opening brace).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1-based ordinal of the record in the source file (every record read, accepted or rejected, counts): with LineageKey the row''s key, because several records can start on one physical line (a JSON array written on one line shares SourceLineNumber).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'SourceRecordNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Platform.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'Platform';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comment id.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'CommentId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Author handle.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'SocialHandle';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Author e-mail when given.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'Email';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Parent comment.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'ReplyToCommentId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Time (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'CommentTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Text exactly as given.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'CommentText';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Likes.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'Likes';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Sentiment from -1 to 1.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'SentimentScore';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'negative, neutral or positive.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'SentimentLabel';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Comma-separated keywords.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'Keywords';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'SocialInteraction_Staging', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
