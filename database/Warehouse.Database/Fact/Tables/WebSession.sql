CREATE TABLE [Fact].[WebSession] (
    [WebSessionKey] BIGINT NOT NULL CONSTRAINT [DF_Fact_WebSession_WebSessionKey] DEFAULT (NEXT VALUE FOR [Sequences].[WebSessionKey]),
    [CustomerKey] INT NOT NULL,
    [DateKey] INT NOT NULL,
    [ChannelKey] INT NOT NULL CONSTRAINT [DF_Fact_WebSession_ChannelKey] DEFAULT (0),
    [SessionId] NVARCHAR(100) NOT NULL,
    [WebVisitorId] NVARCHAR(100) NOT NULL,
    [StartTime] DATETIME2(0) NOT NULL,
    [EndTime] DATETIME2(0) NOT NULL,
    [DurationSeconds] INT NOT NULL,
    [PageViews] INT NOT NULL,
    [ProductViews] INT NOT NULL,
    [AddToCarts] INT NOT NULL,
    [Conversions] INT NOT NULL,
    [Device] NVARCHAR(32) NULL,
    [Referrer] NVARCHAR(400) NULL,
    [MatchRule] NVARCHAR(32) NULL,
    [LineageKey] INT NOT NULL,
    [OutlierFlags] TINYINT NOT NULL CONSTRAINT [DF_Fact_WebSession_OutlierFlags] DEFAULT (0),
    [SourceCrmCustomerId] NVARCHAR(50) NULL,
    [SourceEmailHash] NVARCHAR(64) NULL,
    CONSTRAINT [PK_Fact_WebSession] PRIMARY KEY NONCLUSTERED ([WebSessionKey] ASC),
    CONSTRAINT [FK_Fact_WebSession_DateKey_Dimension_Date] FOREIGN KEY ([DateKey]) REFERENCES [Dimension].[Date] ([DateKey]),
    CONSTRAINT [FK_Fact_WebSession_ChannelKey_Dimension_Channel] FOREIGN KEY ([ChannelKey]) REFERENCES [Dimension].[Channel] ([ChannelKey])
);
GO

CREATE CLUSTERED COLUMNSTORE INDEX [CCX_Fact_WebSession] ON [Fact].[WebSession];
GO

CREATE NONCLUSTERED INDEX [IX_Fact_WebSession_CustomerKey] ON [Fact].[WebSession] ([CustomerKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_WebSession_DateKey] ON [Fact].[WebSession] ([DateKey]);
GO

CREATE NONCLUSTERED INDEX [IX_Fact_WebSession_ChannelKey] ON [Fact].[WebSession] ([ChannelKey]);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Web sessions built from web events (30 minutes of inactivity ends a session).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Surrogate key of the session.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'WebSessionKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Durable key of the customer; 0 for anonymous visitors.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'CustomerKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date the session started (Dimension.Date).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'DateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Channel (Dimension.Channel).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'ChannelKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Session id (business key).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'SessionId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Visitor id (cookie) of the session.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'WebVisitorId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Time of the first event (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'StartTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Time of the last event (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'EndTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'EndTime minus StartTime in seconds.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'DurationSeconds';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Number of page-view events.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'PageViews';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Number of product-view events.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'ProductViews';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Number of add-to-cart events.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'AddToCarts';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Number of purchase (checkout) events.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'Conversions';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Device class (desktop, mobile, tablet).',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'Device';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Referrer of the first event.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'Referrer';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Identity rule that linked the session to its customer: crm-id, email-hash, visitor-stitch (another session of the same visitor id was linked to exactly one customer), visitor-conflict (the visitor id was linked to two or more customers: not linked), none.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'MatchRule';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Outlier flags set by the load that wrote the session (Integration.OutlierStatistic has the statistics and bounds used): bit 1 DurationSeconds, bit 2 PageViews (bot-like sessions); a bit is set when the value exceeds the upper bound of the modified z-score (Iglewicz and Hoaglin) of log10(1 + value) over all stored sessions. 0: not unusual. Flagged sessions stay loaded and count in every feature.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'OutlierFlags';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'CRM id the session''s events gave (logged-in visitor), kept while the session is not linked by it (MatchRule none, visitor-stitch, visitor-conflict or email-hash), so that a CRM load that brings the customer later links the session, or upgrades its e-mail-hash link to crm-id (Integration.RelinkStoredInteractions); NULL once linked by CRM id, when no event gave one, and for sessions stored before the column existed.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'SourceCrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'E-mail hash the session''s events gave (SHA-256 of the normalised address, lower-case hex), kept only while the session is not linked directly; NULL once linked directly, when no event gave one, and for sessions stored before the column existed.',
    @level0type = N'SCHEMA', @level0name = N'Fact', @level1type = N'TABLE', @level1name = N'WebSession', @level2type = N'COLUMN', @level2name = N'SourceEmailHash';
GO

-- Rows that keep a source identifier (not linked yet, or linked by e-mail hash with a CRM id): few. The CRM load's re-link
-- (Integration.RelinkStoredInteractions) checks these first and stops when there are none.
CREATE NONCLUSTERED INDEX [IX_Fact_WebSession_SourceCrmCustomerId] ON [Fact].[WebSession] ([SourceCrmCustomerId]) WHERE [SourceCrmCustomerId] IS NOT NULL;
GO

CREATE NONCLUSTERED INDEX [IX_Fact_WebSession_SourceEmailHash] ON [Fact].[WebSession] ([SourceEmailHash]) WHERE [SourceEmailHash] IS NOT NULL;
GO
