CREATE TABLE [Fact].[SocialKeyword] (
    [SocialInteractionKey] BIGINT NOT NULL,
    [Keyword] NVARCHAR(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Fact_SocialKeyword] PRIMARY KEY NONCLUSTERED ([SocialInteractionKey] ASC, [Keyword] ASC),
    CONSTRAINT [FK_Fact_SocialKeyword_SocialInteractionKey_Fact_SocialInteraction] FOREIGN KEY ([SocialInteractionKey]) REFERENCES [Fact].[SocialInteraction] ([SocialInteractionKey])
);
GO

CREATE CLUSTERED COLUMNSTORE INDEX [CCX_Fact_SocialKeyword] ON [Fact].[SocialKeyword];
GO

CREATE NONCLUSTERED INDEX [IX_Fact_SocialKeyword_Keyword] ON [Fact].[SocialKeyword] ([Keyword]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Keywords of the social comments as rows (a bridge to Fact.SocialInteraction): one row per comment and keyword of its Keywords list. The customer is the comment''s (join on SocialInteractionKey), so a comment re-linked to another customer carries its keywords along; a replaced comment''s rows are replaced with it.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialKeyword';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'The comment (Fact.SocialInteraction).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialKeyword', @level2type = N'COLUMN', @level2name = N'SocialInteractionKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'One keyword (RAKE phrase: lower-case words joined by single spaces); compared and sorted by code unit (binary collation), as the host does.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialKeyword', @level2type = N'COLUMN', @level2name = N'Keyword';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote this row.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'SocialKeyword', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
