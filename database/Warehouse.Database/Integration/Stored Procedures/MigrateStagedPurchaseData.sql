-- Migrates the invoice lines staged under @LineageKey into Fact.Purchase, in one transaction:
--   1. each line's InvoiceLineNumber = its position among all lines of its invoice number in file order, accepted and
--      rejected (the host stages a placeholder, IsRejected = 1, for each rejected line whose invoice number it could read),
--      as the host's PurchaseMigration numbers them on DuckDB; with @RejectDuplicates = 1 (the default; the mapping's
--      "Duplicates": "reject") an accepted line whose values all equal an earlier accepted line's is rejected with the
--      reason 'duplicate of line N' (N = the first such line) after it took its number, and is not loaded;
--   2. missing products (type 1: descriptions updated in place) and geographies are added;
--   3. purchase-source customers whose id is not known (Integration.CustomerKeyByCrmId) get a Dimension.Customer row
--      (MatchRule crm-id, valid from the first invoice, keys in CRM id order, as the host's PurchaseMigration) and a
--      source-key map row; every line's customer is resolved through the map;
--   3b. the calendar is extended to the invoices' days (Application.PopulateDateDimension), so no line falls on DateKey 0;
--   4. fact rows of the staged invoice lines are deleted, then inserted with keys resolved by COALESCE(…, 0) to the
--      Unknown members, so a rerun replaces rather than duplicates;
--   5. lineage completed (read = loaded + rejected), the cutoff moved, the staged rows removed.
-- The host's rejected rows move from Integration.Reject_Staging into Integration.RejectedPurchase in the same transaction.
-- Cancellations (IsCancellation = 1) are kept as negative lines. On error everything is rolled back.
CREATE PROCEDURE [Integration].[MigrateStagedPurchaseData]
    @LineageKey INT,
    @RejectDuplicates BIT = 1
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @EndOfTime DATETIME2(7) = '9999-12-31';
    DECLARE @LoadStarted DATETIME2(7) = (SELECT l.[LoadStarted] FROM [Integration].[Lineage] AS l WHERE l.[LineageKey] = @LineageKey);
    IF @LoadStarted IS NULL
    BEGIN
        DECLARE @message NVARCHAR(200) = CONCAT(N'Integration.MigrateStagedPurchaseData: LineageKey ', @LineageKey, N' does not exist; call Integration.GetLineageKey first.');
        THROW 50010, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;

        -- Purchase loads create customers for CRM ids nobody knows yet; a CRM load holds the CRM identity lock from its
        -- read of the known customers to its migration (Integration.AcquireCrmIdentityLock), so take it for this
        -- transaction: neither load creates a customer the other has not seen.
        DECLARE @identityLock INT;
        EXEC @identityLock = [sys].[sp_getapplock] @Resource = N'Warehouse.CrmIdentity', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
        IF @identityLock < 0
            THROW 50090, N'Integration.MigrateStagedPurchaseData: a CRM load held the CRM identity lock (Warehouse.CrmIdentity) for 600 s; retry the load when it has finished.', 1;

        -- The rows the host rejected wait in Integration.Reject_Staging and join the reject table in this transaction,
        -- so a failed load leaves no rejected rows behind (the loader role cannot write the reject tables).
        INSERT [Integration].[RejectedPurchase] ([LineageKey], [SourceName], [SourceLineNumber], [ColumnName], [Reason], [RawRecord])
        SELECT r.[LineageKey], r.[SourceName], r.[SourceLineNumber], r.[ColumnName], r.[Reason], r.[RawRecord]
        FROM [Integration].[Reject_Staging] AS r
        WHERE r.[LineageKey] = @LineageKey;

        DELETE FROM [Integration].[Reject_Staging] WHERE [LineageKey] = @LineageKey;

        -- Texts compare by code point (BIN2), and DATALENGTH keeps a description's trailing spaces significant (= ignores
        -- them), as DuckDB compares; the other texts were trimmed by the host. A missing description or country equals a
        -- missing one (PARTITION BY groups NULLs), as on DuckDB. Placeholders (IsRejected = 1) are never duplicates of lines.
        SELECT ps.[SourceName], ps.[SourceLineNumber], ps.[InvoiceNo], ps.[StockCode], ps.[Description], ps.[Quantity], ps.[InvoiceDateTime],
               ps.[UnitPrice], ps.[CrmCustomerId], ps.[Country], ps.[CurrencyCode], ps.[IsCancellation], ps.[IsRejected],
               CAST(ROW_NUMBER() OVER (PARTITION BY ps.[InvoiceNo] COLLATE Latin1_General_100_BIN2 ORDER BY ps.[SourceLineNumber]) AS INT) AS [InvoiceLineNumber],
               MIN(ps.[SourceLineNumber]) OVER (PARTITION BY ps.[IsRejected], ps.[InvoiceNo] COLLATE Latin1_General_100_BIN2,
                   ps.[StockCode] COLLATE Latin1_General_100_BIN2, ps.[Description] COLLATE Latin1_General_100_BIN2, DATALENGTH(ps.[Description]),
                   ps.[Quantity], ps.[InvoiceDateTime], ps.[UnitPrice], ps.[CrmCustomerId] COLLATE Latin1_General_100_BIN2,
                   ps.[Country] COLLATE Latin1_General_100_BIN2, ps.[CurrencyCode] COLLATE Latin1_General_100_BIN2) AS [FirstLine]
        INTO #Line
        FROM [Integration].[Purchase_Staging] AS ps
        WHERE ps.[LineageKey] = @LineageKey;

        IF @RejectDuplicates = 1
            INSERT [Integration].[RejectedPurchase] ([LineageKey], [SourceName], [SourceLineNumber], [ColumnName], [Reason], [RawRecord])
            SELECT @LineageKey, l.[SourceName], l.[SourceLineNumber], NULL, CONCAT(N'duplicate of line ', l.[FirstLine]),
                   (SELECT l.[InvoiceNo], l.[StockCode], l.[Description], l.[Quantity], l.[InvoiceDateTime], l.[UnitPrice], l.[CrmCustomerId],
                           l.[Country], l.[CurrencyCode] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
            FROM #Line AS l
            WHERE l.[IsRejected] = 0 AND l.[FirstLine] < l.[SourceLineNumber];

        SELECT l.[InvoiceNo], l.[InvoiceLineNumber], l.[StockCode], l.[Description], l.[Quantity], l.[InvoiceDateTime],
               l.[UnitPrice], l.[CrmCustomerId], l.[Country], l.[CurrencyCode], l.[IsCancellation], l.[SourceLineNumber]
        INTO #Staged
        FROM #Line AS l
        WHERE l.[IsRejected] = 0 AND (@RejectDuplicates = 0 OR l.[FirstLine] = l.[SourceLineNumber]);

        INSERT [Dimension].[Geography] ([Country], [City], [LineageKey])
        SELECT DISTINCT s.[Country], N'', @LineageKey
        FROM #Staged AS s
        WHERE s.[Country] IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM [Dimension].[Geography] AS g WHERE g.[Country] = s.[Country] AND g.[City] = N'');

        -- One description per stock code: the one on the latest line of the file.
        SELECT p.[StockCode], p.[Description]
        INTO #Product
        FROM (
            SELECT s.[StockCode], s.[Description], ROW_NUMBER() OVER (PARTITION BY s.[StockCode] ORDER BY s.[SourceLineNumber] DESC) AS [RowNumber]
            FROM #Staged AS s
        ) AS p
        WHERE p.[RowNumber] = 1;

        UPDATE d
        SET [Description] = p.[Description], [LineageKey] = @LineageKey
        FROM [Dimension].[Product] AS d
        INNER JOIN #Product AS p ON p.[StockCode] = d.[StockCode]
        -- Text compares by code point and length (COLLATE Latin1_General_100_BIN2 + DATALENGTH), as DuckDB's IS DISTINCT FROM: the
        -- database collation ignores case and trailing spaces, so a correction such as LEEDS -> Leeds would change nothing.
        WHERE p.[Description] IS NOT NULL AND (d.[Description] IS NULL OR d.[Description] COLLATE Latin1_General_100_BIN2 <> p.[Description] COLLATE Latin1_General_100_BIN2 OR DATALENGTH(d.[Description]) <> DATALENGTH(p.[Description]));

        INSERT [Dimension].[Product] ([StockCode], [Description], [LineageKey])
        SELECT p.[StockCode], p.[Description], @LineageKey
        FROM #Product AS p
        WHERE NOT EXISTS (SELECT 1 FROM [Dimension].[Product] AS d WHERE d.[StockCode] = p.[StockCode]);

        -- Customers known only to the purchase source (e.g. Online Retail CustomerID), as the host's PurchaseMigration
        -- makes them: one row each, valid from the first invoice, country of the latest invoice, MatchRule crm-id, keys
        -- handed out in CRM id order (ordinal), so the same input gives the same keys on both engines.
        SELECT c.[CrmCustomerId], c.[Country], c.[FirstSeen]
        INTO #NewCustomer
        FROM (
            SELECT s.[CrmCustomerId], s.[Country], MIN(s.[InvoiceDateTime]) OVER (PARTITION BY s.[CrmCustomerId]) AS [FirstSeen],
                   ROW_NUMBER() OVER (PARTITION BY s.[CrmCustomerId] ORDER BY s.[InvoiceDateTime] DESC, s.[SourceLineNumber] DESC) AS [RowNumber]
            FROM #Staged AS s
            WHERE s.[CrmCustomerId] <> N''
        ) AS c
        WHERE c.[RowNumber] = 1
          AND NOT EXISTS (SELECT 1 FROM [Integration].[CustomerKeyByCrmId] AS k WHERE k.[CrmCustomerId] = c.[CrmCustomerId]);

        -- COLLATE DATABASE_DEFAULT: a temporary table takes tempdb's collation otherwise, and the join below would fail
        -- on a server whose default collation differs from the database's.
        CREATE TABLE #NewKey ([CrmCustomerId] NVARCHAR(50) COLLATE DATABASE_DEFAULT NOT NULL, [CustomerKey] INT NOT NULL);
        INSERT #NewKey ([CrmCustomerId], [CustomerKey])
        SELECT n.[CrmCustomerId], NEXT VALUE FOR [Sequences].[CustomerKey] OVER (ORDER BY n.[CrmCustomerId] COLLATE Latin1_General_100_BIN2)
        FROM #NewCustomer AS n;

        INSERT [Dimension].[Customer] ([CustomerKey], [ValidFrom], [ValidTo], [CrmCustomerId], [Country], [GeographyKey], [MatchRule], [LineageKey])
        SELECT k.[CustomerKey], n.[FirstSeen], @EndOfTime, n.[CrmCustomerId], n.[Country], COALESCE(g.[GeographyKey], 0), N'crm-id', @LineageKey
        FROM #NewCustomer AS n
        INNER JOIN #NewKey AS k ON k.[CrmCustomerId] = n.[CrmCustomerId]
        LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = n.[Country] AND g.[City] = N'';

        -- The id is the new customer's own (primary) id in the source-key map.
        INSERT [Integration].[CustomerKeyMap] ([CrmCustomerId], [CustomerKey], [MatchRule], [MappedAt], [LineageKey])
        SELECT k.[CrmCustomerId], k.[CustomerKey], N'crm-id', @LoadStarted, @LineageKey
        FROM #NewKey AS k;

        DECLARE @First DATE = (SELECT CAST(MIN(s.[InvoiceDateTime]) AS DATE) FROM #Staged AS s);
        DECLARE @Last DATE = (SELECT CAST(MAX(s.[InvoiceDateTime]) AS DATE) FROM #Staged AS s);
        IF @First IS NOT NULL
            EXEC [Application].[PopulateDateDimension] @StartDate = @First, @EndDate = @Last;

        DELETE f
        FROM [Fact].[Purchase] AS f
        WHERE EXISTS (SELECT 1 FROM #Staged AS s WHERE s.[InvoiceNo] = f.[InvoiceNo] AND s.[InvoiceLineNumber] = f.[InvoiceLineNumber]);

        INSERT [Fact].[Purchase]
            ([CustomerKey], [DateKey], [ProductKey], [GeographyKey], [ChannelKey], [InvoiceNo], [InvoiceLineNumber], [InvoiceDateTime],
             [Quantity], [UnitPrice], [Amount], [CurrencyCode], [IsCancellation], [LineageKey])
        SELECT COALESCE(c.[CustomerKey], 0), COALESCE(d.[DateKey], 0), COALESCE(p.[ProductKey], 0), COALESCE(g.[GeographyKey], 0),
               COALESCE(ch.[ChannelKey], 0), s.[InvoiceNo], s.[InvoiceLineNumber], s.[InvoiceDateTime],
               s.[Quantity], s.[UnitPrice], CAST(s.[Quantity] * s.[UnitPrice] AS DECIMAL(18, 4)), s.[CurrencyCode], s.[IsCancellation], @LineageKey
        FROM #Staged AS s
        LEFT OUTER JOIN (SELECT k.[CrmCustomerId], MIN(k.[CustomerKey]) AS [CustomerKey] FROM [Integration].[CustomerKeyByCrmId] AS k GROUP BY k.[CrmCustomerId]) AS c
            ON c.[CrmCustomerId] = s.[CrmCustomerId]
        LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[InvoiceDateTime] AS DATE)
        LEFT OUTER JOIN [Dimension].[Product] AS p ON p.[StockCode] = s.[StockCode]
        LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = s.[Country] AND g.[City] = N''
        LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelCode] = N'store';

        EXEC [Integration].[FlagPurchaseOutliers] @LineageKey = @LineageKey;
        DECLARE @RowsLoaded BIGINT = (SELECT COUNT_BIG(*) FROM #Staged AS s);
        DECLARE @RowsRejected BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[RejectedPurchase] AS r WHERE r.[LineageKey] = @LineageKey);
        DECLARE @Cutoff DATETIME2(7) = COALESCE((SELECT MAX(s.[InvoiceDateTime]) FROM #Staged AS s), @LoadStarted);
        EXEC [Integration].[CompleteLineage] @LineageKey = @LineageKey, @RowsLoaded = @RowsLoaded, @RowsRejected = @RowsRejected, @CutoffTime = @Cutoff;

        DELETE FROM [Integration].[Purchase_Staging] WHERE [LineageKey] = @LineageKey;

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
