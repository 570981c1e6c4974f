CREATE TABLE [Integration].[WebSession_Staging] (
    [SourceName] NVARCHAR(400) NOT NULL,
    [SourceLineNumber] BIGINT NOT NULL,
    [SourceRecordNumber] BIGINT NOT NULL,
    [SessionId] NVARCHAR(100) NOT NULL,
    [WebVisitorId] NVARCHAR(100) NOT NULL,
    [CrmCustomerId] NVARCHAR(50) NULL,
    [EmailHash] NVARCHAR(64) NULL,
    [StartTime] DATETIME2(0) NOT NULL,
    [EndTime] DATETIME2(0) NOT NULL,
    [PageViews] INT NOT NULL,
    [ProductViews] INT NOT NULL,
    [AddToCarts] INT NOT NULL,
    [Conversions] INT NOT NULL,
    [Device] NVARCHAR(32) NULL,
    [Referrer] NVARCHAR(400) NULL,
    [EventCount] INT NOT NULL,
    [LineageKey] INT NOT NULL,
    CONSTRAINT [PK_Integration_WebSession_Staging] PRIMARY KEY CLUSTERED ([LineageKey] ASC, [SourceRecordNumber] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Web sessions built from a web event file, before key resolution.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'File the row came from.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'SourceName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Physical line in the source file where the record starts, 1-based as an editor shows it (the CSV header is line 1; for JSON the line of the object''s opening brace; for a web session the line of its first event).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'SourceLineNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1-based ordinal of the record in the source file (every record read, accepted or rejected, counts): with LineageKey the row''s key, because several records can start on one physical line (a JSON array written on one line shares SourceLineNumber).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'SourceRecordNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Session id.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'SessionId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Visitor id.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'WebVisitorId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Customer id when the visitor was logged in.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'CrmCustomerId';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'SHA-256 of the normalised e-mail, when known.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'EmailHash';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'First event time (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'StartTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Last event time (UTC).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'EndTime';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Page views.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'PageViews';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Product views.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'ProductViews';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Add-to-cart events.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'AddToCarts';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Purchases.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'Conversions';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Device class.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'Device';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Referrer of the first event.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'Referrer';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Source events the session was built from; the lineage counts events, not sessions (events read = events in loaded sessions + rejected events, as on DuckDB).',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'EventCount';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Load (Integration.Lineage) that wrote or last changed this row.',
    @level0type = N'SCHEMA', @level0name = N'Integration', @level1type = N'TABLE', @level1name = N'WebSession_Staging', @level2type = N'COLUMN', @level2name = N'LineageKey';
GO
