CREATE TABLE [Dimension].[Date] (
    [DateKey] INT NOT NULL,
    [Date] DATE NOT NULL,
    [DayNumber] INT NOT NULL,
    [Year] SMALLINT NOT NULL,
    [Quarter] TINYINT NOT NULL,
    [Month] TINYINT NOT NULL,
    [MonthName] NVARCHAR(10) NOT NULL,
    [DayOfMonth] TINYINT NOT NULL,
    [DayOfWeek] TINYINT NOT NULL,
    [DayName] NVARCHAR(10) NOT NULL,
    [IsoWeek] TINYINT NOT NULL,
    [IsWeekend] BIT NOT NULL,
    CONSTRAINT [PK_Dimension_Date] PRIMARY KEY CLUSTERED ([DateKey] ASC)
);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Calendar dates. DateKey is yyyymmdd; DayNumber counts days since 1900-01-01 so both engines can do date arithmetic with integers.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Date as the integer yyyymmdd; 0 is the Unknown member.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'DateKey';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'The calendar date.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'Date';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Days since 1900-01-01 (DATEDIFF(day, 0, Date) in T-SQL).',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'DayNumber';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Calendar year.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'Year';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Calendar quarter, 1 to 4.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'Quarter';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Calendar month, 1 to 12.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'Month';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'English month name.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'MonthName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Day of the month, 1 to 31.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'DayOfMonth';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'ISO day of week: 1 Monday to 7 Sunday.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'DayOfWeek';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'English day name.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'DayName';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'ISO 8601 week number.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'IsoWeek';
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'1 on Saturday and Sunday.',
    @level0type = N'SCHEMA', @level0name = N'Dimension', @level1type = N'TABLE', @level1name = N'Date', @level2type = N'COLUMN', @level2name = N'IsWeekend';
GO
