-- Migrates the survey answers staged under @LineageKey into Fact.SurveyResponse, in one transaction, with the rules of
-- the host's DemographicsMigration (src/Warehouse.Data/Loading/DemographicsStagingRow.cs):
--   0. an answer repeating an earlier line's (CrmCustomerId, SurveyDate) is rejected into Integration.RejectedCustomer as
--      "duplicate of line N" (the first line stays);
--   1. an answer whose CrmCustomerId resolves to no customer (Integration.CustomerKeyByCrmId) is moved to
--      Integration.RejectedCustomer with the reason;
--   2. the calendar is extended to the answers' days (Application.PopulateDateDimension, as the host's
--      DimensionMaintenance.EnsureDates), so only an answer without a date gets DateKey 0;
--   3. the others are joined to the customer's durable key, one row per customer and survey date (two CRM ids of one
--      customer on one date: the later line wins);
--   4. a stored answer is replaced only when it changed, so a rerun changes nothing;
--   5. lineage completed (read = loaded + rejected, rejected counting the unknown customers), staged rows removed.
-- The host's rejected rows move from Integration.Reject_Staging into Integration.RejectedCustomer in the same transaction.
-- On error everything is rolled back and the lineage row is marked failed.
CREATE PROCEDURE [Integration].[MigrateStagedDemographicsData]
    @LineageKey INT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @EndOfTime DATETIME2(7) = '9999-12-31';
    DECLARE @LoadStarted DATETIME2(7) = (SELECT l.[LoadStarted] FROM [Integration].[Lineage] AS l WHERE l.[LineageKey] = @LineageKey);
    IF @LoadStarted IS NULL
    BEGIN
        DECLARE @message NVARCHAR(200) = CONCAT(N'Integration.MigrateStagedDemographicsData: LineageKey ', @LineageKey, N' does not exist; call Integration.GetLineageKey first.');
        THROW 50010, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;

        -- The rows the host rejected wait in Integration.Reject_Staging and join the reject table in this transaction,
        -- so a failed load leaves no rejected rows behind (the loader role cannot write the reject tables).
        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT r.[LineageKey], r.[SourceName], r.[SourceLineNumber], r.[SourceRecordNumber], r.[ColumnName], r.[Reason], r.[RawRecord]
        FROM [Integration].[Reject_Staging] AS r
        WHERE r.[LineageKey] = @LineageKey;

        DELETE FROM [Integration].[Reject_Staging] WHERE [LineageKey] = @LineageKey;

        -- An answer repeating an earlier record's natural key (CrmCustomerId and SurveyDate, NULL = NULL) is rejected naming that
        -- record's line, which stays (first = lowest SourceRecordNumber).
        -- The same rule as the host's StagingDuplicates on DuckDB (src/Warehouse.Data/Loading/StagingDuplicates.cs); RawRecord holds
        -- the staged values as JSON (the file's raw text is not staged).
        SELECT d.[SourceRecordNumber], d.[SourceLineNumber], d.[FirstLine]
        INTO #Duplicate
        FROM (
            SELECT s.[SourceRecordNumber], s.[SourceLineNumber], MIN(s.[SourceRecordNumber]) OVER (PARTITION BY s.[CrmCustomerId], s.[SurveyDate]) AS [FirstRecord],
                   FIRST_VALUE(s.[SourceLineNumber]) OVER (PARTITION BY s.[CrmCustomerId], s.[SurveyDate] ORDER BY s.[SourceRecordNumber]) AS [FirstLine]
            FROM [Integration].[Demographics_Staging] AS s
            WHERE s.[LineageKey] = @LineageKey
        ) AS d
        WHERE d.[SourceRecordNumber] > d.[FirstRecord];

        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT s.[LineageKey], s.[SourceName], s.[SourceLineNumber], s.[SourceRecordNumber], N'crm_customer_id', CONCAT(N'duplicate of line ', d.[FirstLine]),
               (SELECT s.[CrmCustomerId], s.[SurveyDate], s.[HouseholdSize], s.[Children], s.[IncomeBand], s.[Education], s.[Occupation], s.[MaritalStatus], s.[Satisfaction] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
        FROM #Duplicate AS d
        INNER JOIN [Integration].[Demographics_Staging] AS s ON s.[LineageKey] = @LineageKey AND s.[SourceRecordNumber] = d.[SourceRecordNumber];

        DELETE s
        FROM [Integration].[Demographics_Staging] AS s
        INNER JOIN #Duplicate AS d ON d.[SourceRecordNumber] = s.[SourceRecordNumber]
        WHERE s.[LineageKey] = @LineageKey;

        -- CRM ids resolve through the source-key map (several ids may share one customer), as on DuckDB.
        SELECT k.[CrmCustomerId], MIN(k.[CustomerKey]) AS [CustomerKey]
        INTO #Current
        FROM [Integration].[CustomerKeyByCrmId] AS k
        GROUP BY k.[CrmCustomerId];

        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT s.[LineageKey], s.[SourceName], s.[SourceLineNumber], s.[SourceRecordNumber], N'crm_customer_id',
               N'unknown customer: no customer with this CRM id (load the CRM file first)',
               (SELECT s.[CrmCustomerId], s.[SurveyDate], s.[HouseholdSize], s.[Children], s.[IncomeBand], s.[Education], s.[Occupation], s.[MaritalStatus], s.[Satisfaction] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
        FROM [Integration].[Demographics_Staging] AS s
        WHERE s.[LineageKey] = @LineageKey
          AND NOT EXISTS (SELECT 1 FROM #Current AS c WHERE c.[CrmCustomerId] = s.[CrmCustomerId]);
        DECLARE @UnknownCustomers BIGINT = @@ROWCOUNT;

        -- Two CRM ids of one customer (a duplicate registration) answering on the same day: the later record is rejected naming
        -- the first one's line and id, as on DuckDB (DemographicsMigration); before, it replaced the first silently.
        SELECT d.[SourceRecordNumber], d.[FirstLine], d.[FirstId]
        INTO #SameCustomer
        FROM (
            SELECT s.[SourceRecordNumber], MIN(s.[SourceRecordNumber]) OVER (PARTITION BY c.[CustomerKey], s.[SurveyDate]) AS [FirstRecord],
                   FIRST_VALUE(s.[SourceLineNumber]) OVER (PARTITION BY c.[CustomerKey], s.[SurveyDate] ORDER BY s.[SourceRecordNumber] ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS [FirstLine],
                   FIRST_VALUE(s.[CrmCustomerId]) OVER (PARTITION BY c.[CustomerKey], s.[SurveyDate] ORDER BY s.[SourceRecordNumber] ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS [FirstId]
            FROM [Integration].[Demographics_Staging] AS s
            INNER JOIN #Current AS c ON c.[CrmCustomerId] = s.[CrmCustomerId]
            WHERE s.[LineageKey] = @LineageKey
        ) AS d
        WHERE d.[SourceRecordNumber] > d.[FirstRecord];

        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT s.[LineageKey], s.[SourceName], s.[SourceLineNumber], s.[SourceRecordNumber], N'crm_customer_id',
               CONCAT(N'duplicate of line ', d.[FirstLine], N' (CRM id ', d.[FirstId], N' is the same customer, same survey date)'),
               (SELECT s.[CrmCustomerId], s.[SurveyDate], s.[HouseholdSize], s.[Children], s.[IncomeBand], s.[Education], s.[Occupation], s.[MaritalStatus], s.[Satisfaction] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
        FROM #SameCustomer AS d
        INNER JOIN [Integration].[Demographics_Staging] AS s ON s.[LineageKey] = @LineageKey AND s.[SourceRecordNumber] = d.[SourceRecordNumber];

        DELETE s
        FROM [Integration].[Demographics_Staging] AS s
        INNER JOIN #SameCustomer AS d ON d.[SourceRecordNumber] = s.[SourceRecordNumber]
        WHERE s.[LineageKey] = @LineageKey;

        DECLARE @First DATE = (SELECT MIN(s.[SurveyDate]) FROM [Integration].[Demographics_Staging] AS s WHERE s.[LineageKey] = @LineageKey);
        DECLARE @Last DATE = (SELECT MAX(s.[SurveyDate]) FROM [Integration].[Demographics_Staging] AS s WHERE s.[LineageKey] = @LineageKey);
        IF @First IS NOT NULL
            EXEC [Application].[PopulateDateDimension] @StartDate = @First, @EndDate = @Last;

        SELECT n.[CustomerKey], n.[DateKey], n.[HouseholdSize], n.[Children], n.[IncomeBand], n.[Education], n.[Occupation], n.[MaritalStatus], n.[Satisfaction]
        INTO #Latest
        FROM (
            SELECT c.[CustomerKey], COALESCE(d.[DateKey], 0) AS [DateKey], s.[HouseholdSize], s.[Children], s.[IncomeBand], s.[Education],
                   s.[Occupation], s.[MaritalStatus], s.[Satisfaction],
                   ROW_NUMBER() OVER (PARTITION BY c.[CustomerKey], COALESCE(d.[DateKey], 0) ORDER BY s.[SourceRecordNumber] DESC) AS [RowNumber]
            FROM [Integration].[Demographics_Staging] AS s
            INNER JOIN #Current AS c ON c.[CrmCustomerId] = s.[CrmCustomerId]
            LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = s.[SurveyDate]
            WHERE s.[LineageKey] = @LineageKey
        ) AS n
        WHERE n.[RowNumber] = 1;

        DELETE f
        FROM [Fact].[SurveyResponse] AS f
        INNER JOIN #Latest AS n ON n.[CustomerKey] = f.[CustomerKey] AND n.[DateKey] = f.[DateKey]
        -- Text compares by code point and length (COLLATE Latin1_General_100_BIN2 + DATALENGTH), as DuckDB's IS DISTINCT FROM: the
        -- database collation ignores case and trailing spaces, so a correction such as LEEDS -> Leeds would change nothing.
        WHERE EXISTS (
            SELECT f.[HouseholdSize], f.[Children], f.[IncomeBand] COLLATE Latin1_General_100_BIN2, f.[Education] COLLATE Latin1_General_100_BIN2, f.[Occupation] COLLATE Latin1_General_100_BIN2, f.[MaritalStatus] COLLATE Latin1_General_100_BIN2, f.[Satisfaction], DATALENGTH(f.[IncomeBand]), DATALENGTH(f.[Education]), DATALENGTH(f.[Occupation]), DATALENGTH(f.[MaritalStatus])
            EXCEPT
            SELECT n.[HouseholdSize], n.[Children], n.[IncomeBand] COLLATE Latin1_General_100_BIN2, n.[Education] COLLATE Latin1_General_100_BIN2, n.[Occupation] COLLATE Latin1_General_100_BIN2, n.[MaritalStatus] COLLATE Latin1_General_100_BIN2, n.[Satisfaction], DATALENGTH(n.[IncomeBand]), DATALENGTH(n.[Education]), DATALENGTH(n.[Occupation]), DATALENGTH(n.[MaritalStatus]));

        INSERT [Fact].[SurveyResponse]
            ([CustomerKey], [DateKey], [HouseholdSize], [Children], [IncomeBand], [Education], [Occupation], [MaritalStatus], [Satisfaction], [LineageKey])
        SELECT n.[CustomerKey], n.[DateKey], n.[HouseholdSize], n.[Children], n.[IncomeBand], n.[Education], n.[Occupation], n.[MaritalStatus], n.[Satisfaction], @LineageKey
        FROM #Latest AS n
        WHERE NOT EXISTS (SELECT 1 FROM [Fact].[SurveyResponse] AS f WHERE f.[CustomerKey] = n.[CustomerKey] AND f.[DateKey] = n.[DateKey]);

        DECLARE @RowsRejected BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[RejectedCustomer] AS r WHERE r.[LineageKey] = @LineageKey);
        DECLARE @RowsLoaded BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[Demographics_Staging] AS s WHERE s.[LineageKey] = @LineageKey) - @UnknownCustomers;
        EXEC [Integration].[CompleteLineage] @LineageKey = @LineageKey, @RowsLoaded = @RowsLoaded, @RowsRejected = @RowsRejected, @CutoffTime = @LoadStarted;

        DELETE FROM [Integration].[Demographics_Staging] WHERE [LineageKey] = @LineageKey;

        COMMIT;
    END TRY
    BEGIN CATCH
        IF XACT_STATE() <> 0
            ROLLBACK;
        DECLARE @failure NVARCHAR(400) = LEFT(ERROR_MESSAGE(), 400);
        EXEC [Integration].[FailLineage] @LineageKey = @LineageKey, @Reason = @failure;
        THROW;
    END CATCH;

    RETURN 0;
END;
GO
