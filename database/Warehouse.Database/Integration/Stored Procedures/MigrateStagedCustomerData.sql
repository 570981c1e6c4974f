-- Migrates the CRM customers staged under @LineageKey into Dimension.Customer (type 2 history), in one transaction:
--   1. the latest staged row per CrmCustomerId (a file may hold several versions of a customer);
--   2. missing geographies are added to Dimension.Geography;
--   3. a customer whose attributes changed gets its current version closed (ValidTo = load start) and a new version
--      with the same durable CustomerKey; an unknown CrmCustomerId gets a new key from Sequences.CustomerKey;
--   4. lineage completed with counts (read = loaded + rejected), the CRM cutoff moved, the staged rows removed.
-- The host's rejected rows move from Integration.Reject_Staging into Integration.RejectedCustomer in the same transaction.
-- Rerunning a load changes nothing (unchanged rows are not versioned again). On error everything is rolled back
-- and the lineage row is marked failed.
CREATE PROCEDURE [Integration].[MigrateStagedCustomerData]
    @LineageKey INT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @EndOfTime DATETIME2(7) = '9999-12-31';
    DECLARE @LoadStarted DATETIME2(7) = (SELECT l.[LoadStarted] FROM [Integration].[Lineage] AS l WHERE l.[LineageKey] = @LineageKey);
    IF @LoadStarted IS NULL
    BEGIN
        DECLARE @message NVARCHAR(200) = CONCAT(N'Integration.MigrateStagedCustomerData: LineageKey ', @LineageKey, N' does not exist; call Integration.GetLineageKey first.');
        THROW 50010, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;

        -- The rows the host rejected wait in Integration.Reject_Staging and join the reject table in this transaction,
        -- so a failed load leaves no rejected rows behind (the loader role cannot write the reject tables).
        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [ColumnName], [Reason], [RawRecord])
        SELECT r.[LineageKey], r.[SourceName], r.[SourceLineNumber], r.[ColumnName], r.[Reason], r.[RawRecord]
        FROM [Integration].[Reject_Staging] AS r
        WHERE r.[LineageKey] = @LineageKey;

        DELETE FROM [Integration].[Reject_Staging] WHERE [LineageKey] = @LineageKey;


        SELECT s.[CrmCustomerId], s.[FullName], s.[Email], s.[Phone], s.[BirthDate], s.[Gender], s.[City], s.[Country],
               s.[SignupDate], s.[ConsentMarketing], s.[ConsentProfiling], s.[SourceUpdatedAt],
               CAST(NULL AS INT) AS [CustomerKey], CAST(0 AS BIT) AS [IsNew], CAST(0 AS BIT) AS [IsChanged]
        INTO #Staged
        FROM (
            SELECT cs.*, ROW_NUMBER() OVER (PARTITION BY cs.[CrmCustomerId] ORDER BY cs.[SourceUpdatedAt] DESC, cs.[SourceLineNumber] DESC) AS [RowNumber]
            FROM [Integration].[Customer_Staging] AS cs
            WHERE cs.[LineageKey] = @LineageKey
        ) AS s
        WHERE s.[RowNumber] = 1;

        INSERT [Dimension].[Geography] ([Country], [City], [LineageKey])
        SELECT DISTINCT s.[Country], COALESCE(s.[City], N''), @LineageKey
        FROM #Staged AS s
        WHERE s.[Country] IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM [Dimension].[Geography] AS g WHERE g.[Country] = s.[Country] AND g.[City] = COALESCE(s.[City], N''));

        UPDATE s
        SET [CustomerKey] = c.[CustomerKey],
            [IsChanged] = CASE WHEN EXISTS (
                SELECT s.[FullName], s.[Email], s.[Phone], s.[BirthDate], s.[Gender], s.[City], s.[Country], s.[SignupDate], s.[ConsentMarketing], s.[ConsentProfiling]
                EXCEPT
                SELECT c.[FullName], c.[Email], c.[Phone], c.[BirthDate], c.[Gender], c.[City], c.[Country], c.[SignupDate], c.[ConsentMarketing], c.[ConsentProfiling])
                THEN 1 ELSE 0 END
        FROM #Staged AS s
        INNER JOIN [Dimension].[Customer] AS c ON c.[CrmCustomerId] = s.[CrmCustomerId] AND c.[ValidTo] = @EndOfTime;

        UPDATE #Staged SET [IsNew] = 1 WHERE [CustomerKey] IS NULL;

        UPDATE c
        SET [ValidTo] = @LoadStarted
        FROM [Dimension].[Customer] AS c
        INNER JOIN #Staged AS s ON s.[CustomerKey] = c.[CustomerKey]
        WHERE s.[IsChanged] = 1 AND c.[ValidTo] = @EndOfTime;

        -- New versions keep every identity link of the customer (web visitor, social handle, match rule).
        INSERT [Dimension].[Customer]
            ([CustomerKey], [ValidFrom], [ValidTo], [CrmCustomerId], [WebVisitorId], [SocialHandle], [FullName], [Email], [Phone],
             [BirthDate], [Gender], [City], [Country], [GeographyKey], [SignupDate], [ConsentMarketing], [ConsentProfiling],
             [MatchRule], [SourceUpdatedAt], [LineageKey])
        SELECT s.[CustomerKey], @LoadStarted, @EndOfTime, s.[CrmCustomerId], previous.[WebVisitorId], previous.[SocialHandle], s.[FullName], s.[Email], s.[Phone],
               s.[BirthDate], s.[Gender], s.[City], s.[Country], COALESCE(g.[GeographyKey], 0), s.[SignupDate], s.[ConsentMarketing], s.[ConsentProfiling],
               COALESCE(previous.[MatchRule], N'crm-id'), s.[SourceUpdatedAt], @LineageKey
        FROM #Staged AS s
        CROSS APPLY (
            SELECT TOP (1) c.[WebVisitorId], c.[SocialHandle], c.[MatchRule]
            FROM [Dimension].[Customer] AS c
            WHERE c.[CustomerKey] = s.[CustomerKey]
            ORDER BY c.[ValidFrom] DESC) AS previous
        LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = s.[Country] AND g.[City] = COALESCE(s.[City], N'')
        WHERE s.[IsChanged] = 1;

        INSERT [Dimension].[Customer]
            ([CustomerKey], [ValidFrom], [ValidTo], [CrmCustomerId], [FullName], [Email], [Phone], [BirthDate], [Gender], [City], [Country],
             [GeographyKey], [SignupDate], [ConsentMarketing], [ConsentProfiling], [MatchRule], [SourceUpdatedAt], [LineageKey])
        SELECT NEXT VALUE FOR [Sequences].[CustomerKey], @LoadStarted, @EndOfTime, s.[CrmCustomerId], s.[FullName], s.[Email], s.[Phone],
               s.[BirthDate], s.[Gender], s.[City], s.[Country], COALESCE(g.[GeographyKey], 0), s.[SignupDate], s.[ConsentMarketing],
               s.[ConsentProfiling], N'crm-id', s.[SourceUpdatedAt], @LineageKey
        FROM #Staged AS s
        LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = s.[Country] AND g.[City] = COALESCE(s.[City], N'')
        WHERE s.[IsNew] = 1;

        DECLARE @RowsLoaded BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[Customer_Staging] AS cs WHERE cs.[LineageKey] = @LineageKey);
        DECLARE @RowsRejected BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[RejectedCustomer] AS r WHERE r.[LineageKey] = @LineageKey);
        DECLARE @Cutoff DATETIME2(7) = COALESCE((SELECT MAX(s.[SourceUpdatedAt]) FROM #Staged AS s), @LoadStarted);
        EXEC [Integration].[CompleteLineage] @LineageKey = @LineageKey, @RowsLoaded = @RowsLoaded, @RowsRejected = @RowsRejected, @CutoffTime = @Cutoff;

        DELETE FROM [Integration].[Customer_Staging] WHERE [LineageKey] = @LineageKey;

        COMMIT;
    END TRY
    BEGIN CATCH
        IF XACT_STATE() <> 0
            ROLLBACK;
        EXEC [Integration].[FailLineage] @LineageKey = @LineageKey;
        THROW;
    END CATCH;

    RETURN 0;
END;
GO
