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
--   4. the invoice is the unit (as the host's PurchaseMigration): with @AppendInvoiceLines = 0 (the default; the mapping's
--      "InvoiceUpdates": "replace") the file's lines of an invoice replace all its stored lines: a stored line with the same
--      number and values is left alone, the others are deleted, the staged lines without such a twin inserted; with
--      @AppendInvoiceLines = 1 ("append") a stored invoice keeps its lines and the file's lines follow them, numbered on
--      from its highest line number, except a line whose values equal a stored line's of the invoice (the n-th equal line
--      of the file matches the n-th equal stored one), rejected as 'duplicate of invoice line N of load L'. Values compare
--      as stored: invoice (BIN2), customer, date, product, country, time, quantity, unit price, currency, cancellation.
--      Keys resolve by COALESCE(…, 0) to the Unknown members. The OUTPUT parameters count what happened to invoices of
--      earlier loads and @FactRowsInserted the fact rows inserted (NULL-free; the host prints them in the load summary:
--      a full-overlap reload in replace mode loads every line and inserts none);
--   5. lineage completed (read = loaded + rejected), the cutoff moved, the staged rows removed.
-- The host's rejected rows move from Integration.Reject_Staging into Integration.RejectedPurchase in the same transaction.
-- Cancellations (IsCancellation = 1) are kept as negative lines. On error everything is rolled back.
CREATE PROCEDURE [Integration].[MigrateStagedPurchaseData]
    @LineageKey INT,
    @RejectDuplicates BIT = 1,
    @AppendInvoiceLines BIT = 0,
    @InvoicesReplaced BIGINT = NULL OUTPUT,
    @StoredLinesRemoved BIGINT = NULL OUTPUT,
    @InvoicesExtended BIGINT = NULL OUTPUT,
    @StoredRepeatsRejected BIGINT = NULL OUTPUT,
    @FactRowsInserted BIGINT = NULL OUTPUT
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

        -- Web sessions loaded before a customer this load created kept its CRM id: they link now, as after a CRM load
        -- (the host's PurchaseMigration on DuckDB).
        IF EXISTS (SELECT 1 FROM #NewKey)
            EXEC [Integration].[RelinkStoredInteractions];

        DECLARE @First DATE = (SELECT CAST(MIN(s.[InvoiceDateTime]) AS DATE) FROM #Staged AS s);
        DECLARE @Last DATE = (SELECT CAST(MAX(s.[InvoiceDateTime]) AS DATE) FROM #Staged AS s);
        IF @First IS NOT NULL
            EXEC [Application].[PopulateDateDimension] @StartDate = @First, @EndDate = @Last;

        -- Stored lines of the staged invoices (a semi-join on the staged invoice numbers; none on a first load, and then the
        -- statements below work on empty sets). Occurrence numbers an invoice's equal lines; LastLine is its highest number.
        SELECT f.[PurchaseKey], f.[InvoiceNo], f.[InvoiceLineNumber], f.[LineageKey], f.[CustomerKey], f.[DateKey], f.[ProductKey], f.[GeographyKey],
               f.[InvoiceDateTime], f.[Quantity], f.[UnitPrice], f.[CurrencyCode], f.[IsCancellation],
               ROW_NUMBER() OVER (PARTITION BY f.[InvoiceNo] COLLATE Latin1_General_100_BIN2, f.[CustomerKey], f.[DateKey], f.[ProductKey], f.[GeographyKey],
                   f.[InvoiceDateTime], f.[Quantity], f.[UnitPrice], f.[CurrencyCode] COLLATE Latin1_General_100_BIN2, f.[IsCancellation]
                   ORDER BY f.[InvoiceLineNumber]) AS [Occurrence],
               MAX(f.[InvoiceLineNumber]) OVER (PARTITION BY f.[InvoiceNo] COLLATE Latin1_General_100_BIN2) AS [LastLine]
        INTO #Stored
        FROM [Fact].[Purchase] AS f
        WHERE f.[InvoiceNo] COLLATE Latin1_General_100_BIN2 IN (SELECT s.[InvoiceNo] COLLATE Latin1_General_100_BIN2 FROM #Staged AS s);

        -- The staged lines of those invoices with their keys, numbered among their invoice's equal lines in file order.
        SELECT r.[SourceLineNumber], r.[InvoiceNo], r.[InvoiceLineNumber], r.[CustomerKey], r.[DateKey], r.[ProductKey], r.[GeographyKey],
               r.[InvoiceDateTime], r.[Quantity], r.[UnitPrice], r.[CurrencyCode], r.[IsCancellation],
               ROW_NUMBER() OVER (PARTITION BY r.[InvoiceNo] COLLATE Latin1_General_100_BIN2, r.[CustomerKey], r.[DateKey], r.[ProductKey], r.[GeographyKey],
                   r.[InvoiceDateTime], r.[Quantity], r.[UnitPrice], r.[CurrencyCode] COLLATE Latin1_General_100_BIN2, r.[IsCancellation]
                   ORDER BY r.[SourceLineNumber]) AS [Occurrence]
        INTO #Resent
        FROM (
            SELECT s.[SourceLineNumber], s.[InvoiceNo], s.[InvoiceLineNumber], COALESCE(c.[CustomerKey], 0) AS [CustomerKey], COALESCE(d.[DateKey], 0) AS [DateKey],
                   COALESCE(p.[ProductKey], 0) AS [ProductKey], COALESCE(g.[GeographyKey], 0) AS [GeographyKey], s.[InvoiceDateTime], s.[Quantity], s.[UnitPrice],
                   s.[CurrencyCode], s.[IsCancellation]
            FROM #Staged AS s
            LEFT OUTER JOIN (SELECT k.[CrmCustomerId], MIN(k.[CustomerKey]) AS [CustomerKey] FROM [Integration].[CustomerKeyByCrmId] AS k GROUP BY k.[CrmCustomerId]) AS c
                ON c.[CrmCustomerId] = s.[CrmCustomerId]
            LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[InvoiceDateTime] AS DATE)
            LEFT OUTER JOIN [Dimension].[Product] AS p ON p.[StockCode] = s.[StockCode]
            LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = s.[Country] AND g.[City] = N''
            WHERE s.[InvoiceNo] COLLATE Latin1_General_100_BIN2 IN (SELECT st.[InvoiceNo] COLLATE Latin1_General_100_BIN2 FROM #Stored AS st)
        ) AS r;

        -- Each such line's stored twin: replace, the stored line with the same number and values (left alone); append, the
        -- stored line with the same values and occurrence (the line is a repeat).
        SELECT r.[SourceLineNumber], st.[PurchaseKey], st.[InvoiceLineNumber] AS [StoredLineNumber], st.[LineageKey] AS [StoredLineageKey]
        INTO #Same
        FROM #Resent AS r
        INNER JOIN #Stored AS st
            ON st.[InvoiceNo] COLLATE Latin1_General_100_BIN2 = r.[InvoiceNo] COLLATE Latin1_General_100_BIN2 AND st.[CustomerKey] = r.[CustomerKey]
           AND st.[DateKey] = r.[DateKey] AND st.[ProductKey] = r.[ProductKey] AND st.[GeographyKey] = r.[GeographyKey]
           AND st.[InvoiceDateTime] = r.[InvoiceDateTime] AND st.[Quantity] = r.[Quantity] AND st.[UnitPrice] = r.[UnitPrice]
           AND st.[CurrencyCode] COLLATE Latin1_General_100_BIN2 = r.[CurrencyCode] COLLATE Latin1_General_100_BIN2 AND st.[IsCancellation] = r.[IsCancellation]
           AND ((@AppendInvoiceLines = 0 AND st.[InvoiceLineNumber] = r.[InvoiceLineNumber]) OR (@AppendInvoiceLines = 1 AND st.[Occurrence] = r.[Occurrence]));

        -- Append: the other lines of a stored invoice follow its highest stored number, in file order.
        SELECT r.[SourceLineNumber], r.[InvoiceNo],
               CAST(st.[LastLine] + ROW_NUMBER() OVER (PARTITION BY r.[InvoiceNo] COLLATE Latin1_General_100_BIN2 ORDER BY r.[SourceLineNumber]) AS INT) AS [InvoiceLineNumber]
        INTO #Appended
        FROM #Resent AS r
        INNER JOIN #Stored AS st ON st.[InvoiceNo] COLLATE Latin1_General_100_BIN2 = r.[InvoiceNo] COLLATE Latin1_General_100_BIN2 AND st.[InvoiceLineNumber] = st.[LastLine]
        WHERE @AppendInvoiceLines = 1
          AND NOT EXISTS (SELECT 1 FROM #Same AS sm WHERE sm.[SourceLineNumber] = r.[SourceLineNumber]);

        SET @InvoicesReplaced = 0;
        SET @StoredLinesRemoved = 0;
        SET @InvoicesExtended = (SELECT COUNT_BIG(DISTINCT a.[InvoiceNo] COLLATE Latin1_General_100_BIN2) FROM #Appended AS a);
        SET @StoredRepeatsRejected = 0;
        IF @AppendInvoiceLines = 1
        BEGIN
            INSERT [Integration].[RejectedPurchase] ([LineageKey], [SourceName], [SourceLineNumber], [ColumnName], [Reason], [RawRecord])
            SELECT @LineageKey, l.[SourceName], l.[SourceLineNumber], NULL, CONCAT(N'duplicate of invoice line ', sm.[StoredLineNumber], N' of load ', sm.[StoredLineageKey]),
                   (SELECT l.[InvoiceNo], l.[StockCode], l.[Description], l.[Quantity], l.[InvoiceDateTime], l.[UnitPrice], l.[CrmCustomerId],
                           l.[Country], l.[CurrencyCode] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
            FROM #Same AS sm
            INNER JOIN #Line AS l ON l.[SourceLineNumber] = sm.[SourceLineNumber];
            SET @StoredRepeatsRejected = @@ROWCOUNT;
        END
        ELSE
        BEGIN
            SET @InvoicesReplaced = (SELECT COUNT_BIG(*) FROM (
                SELECT st.[InvoiceNo] COLLATE Latin1_General_100_BIN2 AS [InvoiceNo] FROM #Stored AS st
                WHERE NOT EXISTS (SELECT 1 FROM #Same AS sm WHERE sm.[PurchaseKey] = st.[PurchaseKey])
                UNION
                SELECT r.[InvoiceNo] COLLATE Latin1_General_100_BIN2 FROM #Resent AS r
                WHERE NOT EXISTS (SELECT 1 FROM #Same AS sm WHERE sm.[SourceLineNumber] = r.[SourceLineNumber])) AS x);

            DELETE f
            FROM [Fact].[Purchase] AS f
            WHERE EXISTS (SELECT 1 FROM #Stored AS st WHERE st.[PurchaseKey] = f.[PurchaseKey])
              AND NOT EXISTS (SELECT 1 FROM #Same AS sm WHERE sm.[PurchaseKey] = f.[PurchaseKey]);
            SET @StoredLinesRemoved = @@ROWCOUNT;
        END;

        INSERT [Fact].[Purchase]
            ([CustomerKey], [DateKey], [ProductKey], [GeographyKey], [ChannelKey], [InvoiceNo], [InvoiceLineNumber], [InvoiceDateTime],
             [Quantity], [UnitPrice], [Amount], [CurrencyCode], [IsCancellation], [LineageKey])
        SELECT COALESCE(c.[CustomerKey], 0), COALESCE(d.[DateKey], 0), COALESCE(p.[ProductKey], 0), COALESCE(g.[GeographyKey], 0),
               COALESCE(ch.[ChannelKey], 0), s.[InvoiceNo], COALESCE(a.[InvoiceLineNumber], s.[InvoiceLineNumber]), s.[InvoiceDateTime],
               s.[Quantity], s.[UnitPrice], CAST(s.[Quantity] * s.[UnitPrice] AS DECIMAL(18, 4)), s.[CurrencyCode], s.[IsCancellation], @LineageKey
        FROM #Staged AS s
        LEFT OUTER JOIN #Appended AS a ON a.[SourceLineNumber] = s.[SourceLineNumber]
        LEFT OUTER JOIN (SELECT k.[CrmCustomerId], MIN(k.[CustomerKey]) AS [CustomerKey] FROM [Integration].[CustomerKeyByCrmId] AS k GROUP BY k.[CrmCustomerId]) AS c
            ON c.[CrmCustomerId] = s.[CrmCustomerId]
        LEFT OUTER JOIN [Dimension].[Date] AS d ON d.[Date] = CAST(s.[InvoiceDateTime] AS DATE)
        LEFT OUTER JOIN [Dimension].[Product] AS p ON p.[StockCode] = s.[StockCode]
        LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = s.[Country] AND g.[City] = N''
        LEFT OUTER JOIN [Dimension].[Channel] AS ch ON ch.[ChannelCode] = N'store'
        WHERE NOT EXISTS (SELECT 1 FROM #Same AS sm WHERE sm.[SourceLineNumber] = s.[SourceLineNumber]);
        -- Lines left alone (replace) count as loaded but are not inserted: the host's summary prints this, not @RowsLoaded.
        SET @FactRowsInserted = @@ROWCOUNT;

        EXEC [Integration].[FlagPurchaseOutliers] @LineageKey = @LineageKey;
        -- A repeat of a stored line (append) moved from loaded to rejected; a line left alone (replace) counts as loaded.
        DECLARE @RowsLoaded BIGINT = (SELECT COUNT_BIG(*) FROM #Staged AS s) - @StoredRepeatsRejected;
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
