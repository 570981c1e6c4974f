-- Migrates the CRM customers staged under @LineageKey into Dimension.Customer (type 2 history), in one transaction,
-- applying the identities the host resolved: on SQL Server the host reads Integration.CustomerIdentity, runs the same
-- IdentityResolver as on DuckDB (CRM id, e-mail, phone, fuzzy name + city) over the latest row per CRM id newer than
-- the id's stored version, and stages one row per resolved line in Integration.CustomerMatch_Staging; this procedure only
-- applies those keys, with the rules of the host's CustomerMigration (src/Warehouse.Data/Loading/CustomerMigration.cs):
--   0. the caller must hold the CRM identity lock (Integration.AcquireCrmIdentityLock, taken before the host read the
--      known customers), so no other CRM or purchase load created a customer since that read;
--   1. a version repeated in the file (same CrmCustomerId and SourceUpdatedAt) is rejected into Integration.RejectedCustomer
--      as "duplicate of line N" (the first line stays); the rows applied are the staged lines the host resolved, checked
--      again against their id's stored version: a row of a known CRM id applies only when its SourceUpdatedAt is after the
--      SourceUpdatedAt of the id's current version (Integration.CustomerIdentity, as the host and the DuckDB migration read
--      it; a new id, a version stored without a time, a row without one: applied); the CRM cutoff no longer filters (one
--      global cutoff skipped a genuine newer version of an id another id's later update had passed); a load with rows to
--      apply and no resolution is refused;
--   2. missing geographies are added to Dimension.Geography and the calendar is extended to the birth and signup dates;
--   3. a known customer (a staged CustomerKey) whose current attributes differ from the row of its CRM id (any row when
--      the customer has no CRM id; the lowest CRM id when several rows name one customer) gets its current version
--      closed (ValidTo = load start) and a new version with the same key, its web and social links and the staged
--      MatchRule; an unchanged customer gets none, but a newer row of its own CRM id moves its current version's
--      SourceUpdatedAt forward (so an older row loaded later is not newer than what is stored);
--   4. new customers: one per NewCustomerOrdinal, keys from Sequences.CustomerKey in ordinal order (the host's order,
--      as the DuckDB migration hands them out), attributes and MatchRule of the ordinal's primary row;
--   4b. the source-key map Integration.CustomerKeyMap: current customers' own ids are backfilled first, then every CRM
--      id of the load not mapped yet is mapped once (primary id of a new customer: crm-id; a duplicate registration:
--      the rule that tied it), so several CRM ids can share one customer; each id's Email is its latest row's (mapped
--      ids updated), so web and social rows link by a duplicate registration's own e-mail (Integration.CustomerEmail);
--   4c. stored web sessions and social comments loaded before their customer's CRM row, which kept its CRM id / e-mail
--      hash, are linked and their visitors / handles re-stitched (Integration.RelinkStoredInteractions);
--   5. lineage completed with counts (read = loaded + rejected), the CRM cutoff (recorded only) moved to the latest update (none: left as it was), the staged
--      rows and resolutions removed.
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
        -- The keys in Integration.CustomerMatch_Staging were resolved against the customers the host read; they stay
        -- right only while no other load creates customers, which the CRM identity lock ensures from that read to here.
        IF APPLOCK_MODE(N'public', N'Warehouse.CrmIdentity', N'Session') <> N'Exclusive'
            THROW 50091, N'Integration.MigrateStagedCustomerData: this session does not hold the CRM identity lock (Warehouse.CrmIdentity); take it with Integration.AcquireCrmIdentityLock before reading Integration.CustomerIdentity, then retry the load.', 1;

        BEGIN TRANSACTION;

        -- The rows the host rejected wait in Integration.Reject_Staging and join the reject table in this transaction,
        -- so a failed load leaves no rejected rows behind (the loader role cannot write the reject tables).
        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT r.[LineageKey], r.[SourceName], r.[SourceLineNumber], r.[SourceRecordNumber], r.[ColumnName], r.[Reason], r.[RawRecord]
        FROM [Integration].[Reject_Staging] AS r
        WHERE r.[LineageKey] = @LineageKey;

        DELETE FROM [Integration].[Reject_Staging] WHERE [LineageKey] = @LineageKey;

        -- A version repeated in the file (same CrmCustomerId and SourceUpdatedAt, NULL = NULL) is rejected naming the line of its
        -- first record, which stays (the host resolved that record: CrmResolution keeps the first record of a repeated version).
        -- First = lowest SourceRecordNumber: several records can share a line (a JSON array written on one line).
        -- The same rule as the host's StagingDuplicates on DuckDB (src/Warehouse.Data/Loading/StagingDuplicates.cs); RawRecord holds
        -- the staged values as JSON (the file's raw text is not staged).
        SELECT d.[SourceRecordNumber], d.[SourceLineNumber], d.[FirstLine]
        INTO #Duplicate
        FROM (
            SELECT s.[SourceRecordNumber], s.[SourceLineNumber], MIN(s.[SourceRecordNumber]) OVER (PARTITION BY s.[CrmCustomerId], s.[SourceUpdatedAt]) AS [FirstRecord],
                   FIRST_VALUE(s.[SourceLineNumber]) OVER (PARTITION BY s.[CrmCustomerId], s.[SourceUpdatedAt] ORDER BY s.[SourceRecordNumber]) AS [FirstLine]
            FROM [Integration].[Customer_Staging] AS s
            WHERE s.[LineageKey] = @LineageKey
        ) AS d
        WHERE d.[SourceRecordNumber] > d.[FirstRecord];

        INSERT [Integration].[RejectedCustomer] ([LineageKey], [SourceName], [SourceLineNumber], [SourceRecordNumber], [ColumnName], [Reason], [RawRecord])
        SELECT s.[LineageKey], s.[SourceName], s.[SourceLineNumber], s.[SourceRecordNumber], N'crm_customer_id', CONCAT(N'duplicate of line ', d.[FirstLine]),
               (SELECT s.[CrmCustomerId], s.[FullName], s.[Email], s.[Phone], s.[BirthDate], s.[Gender], s.[City], s.[Country], s.[SignupDate], s.[ConsentMarketing], s.[ConsentProfiling], s.[SourceUpdatedAt] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
        FROM #Duplicate AS d
        INNER JOIN [Integration].[Customer_Staging] AS s ON s.[LineageKey] = @LineageKey AND s.[SourceRecordNumber] = d.[SourceRecordNumber];

        DELETE s
        FROM [Integration].[Customer_Staging] AS s
        INNER JOIN #Duplicate AS d ON d.[SourceRecordNumber] = s.[SourceRecordNumber]
        WHERE s.[LineageKey] = @LineageKey;

        -- The source-key map covers every current customer's own CRM id (a warehouse written before the map existed).
        INSERT [Integration].[CustomerKeyMap] ([CrmCustomerId], [CustomerKey], [MatchRule], [MappedAt], [LineageKey])
        SELECT d.[CrmCustomerId], MIN(d.[CustomerKey]), N'crm-id', @LoadStarted, @LineageKey
        FROM [Dimension].[Customer] AS d
        WHERE d.[ValidTo] = @EndOfTime AND d.[CrmCustomerId] IS NOT NULL AND d.[CustomerKey] <> 0
          AND NOT EXISTS (SELECT 1 FROM [Integration].[CustomerKeyMap] AS x WHERE x.[CrmCustomerId] = d.[CrmCustomerId])
        GROUP BY d.[CrmCustomerId];

        -- A primary id mapped without an e-mail (before the map held them) takes its customer's current one, which came
        -- from that id's latest row; a duplicate id's own e-mail is known only from its next row (CustomerKeyMap.Backfill).
        UPDATE m
        SET m.[Email] = d.[Email]
        FROM [Integration].[CustomerKeyMap] AS m
        INNER JOIN [Dimension].[Customer] AS d ON d.[CustomerKey] = m.[CustomerKey] AND d.[CrmCustomerId] = m.[CrmCustomerId]
        WHERE m.[Email] IS NULL AND d.[ValidTo] = @EndOfTime AND d.[Email] IS NOT NULL;

        SELECT s.[SourceLineNumber], s.[SourceRecordNumber], s.[CrmCustomerId], s.[FullName], s.[Email], s.[Phone], s.[BirthDate], s.[Gender], s.[City], s.[Country],
               s.[SignupDate], s.[ConsentMarketing], s.[ConsentProfiling], s.[SourceUpdatedAt],
               m.[CustomerKey], m.[MatchRule], m.[NewCustomerOrdinal], m.[IsPrimary]
        INTO #Incoming
        FROM [Integration].[Customer_Staging] AS s
        INNER JOIN [Integration].[CustomerMatch_Staging] AS m ON m.[LineageKey] = s.[LineageKey] AND m.[SourceRecordNumber] = s.[SourceRecordNumber]
        WHERE s.[LineageKey] = @LineageKey
          AND (s.[SourceUpdatedAt] IS NULL
               OR NOT EXISTS (SELECT 1 FROM [Integration].[CustomerIdentity] AS known
                              WHERE known.[CrmCustomerId] = s.[CrmCustomerId] AND s.[SourceUpdatedAt] <= known.[SourceUpdatedAt]));

        IF NOT EXISTS (SELECT 1 FROM #Incoming)
           AND EXISTS (SELECT 1 FROM [Integration].[Customer_Staging] AS s
                       WHERE s.[LineageKey] = @LineageKey
                         AND (s.[SourceUpdatedAt] IS NULL
                              OR NOT EXISTS (SELECT 1 FROM [Integration].[CustomerIdentity] AS known
                                             WHERE known.[CrmCustomerId] = s.[CrmCustomerId] AND s.[SourceUpdatedAt] <= known.[SourceUpdatedAt])))
            THROW 50011, N'Integration.MigrateStagedCustomerData: the load has CRM rows newer than their ids'' stored versions but no resolution in Integration.CustomerMatch_Staging; the host resolves identities before it migrates.', 1;
        IF EXISTS (SELECT 1 FROM #Incoming AS i WHERE i.[CustomerKey] IS NULL
                   GROUP BY i.[NewCustomerOrdinal] HAVING i.[NewCustomerOrdinal] IS NULL OR SUM(CAST(i.[IsPrimary] AS INT)) <> 1)
            THROW 50012, N'Integration.MigrateStagedCustomerData: every new customer (NewCustomerOrdinal) needs exactly one primary row.', 1;

        INSERT [Dimension].[Geography] ([Country], [City], [LineageKey])
        SELECT DISTINCT i.[Country], COALESCE(i.[City], N''), @LineageKey
        FROM #Incoming AS i
        WHERE i.[Country] IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM [Dimension].[Geography] AS g WHERE g.[Country] = i.[Country] AND g.[City] = COALESCE(i.[City], N''));

        DECLARE @First DATE = (SELECT MIN(d.[Day]) FROM #Incoming AS i CROSS APPLY (VALUES (i.[BirthDate]), (i.[SignupDate])) AS d ([Day]));
        DECLARE @Last DATE = (SELECT MAX(d.[Day]) FROM #Incoming AS i CROSS APPLY (VALUES (i.[BirthDate]), (i.[SignupDate])) AS d ([Day]));
        IF @First IS NOT NULL
            EXEC [Application].[PopulateDateDimension] @StartDate = @First, @EndDate = @Last;

        -- Known customers whose attributes changed: one incoming row per customer (its CRM id's row, the lowest id first).
        SELECT x.[CustomerKey], x.[SourceRecordNumber], x.[PrimaryId], x.[WebVisitorId], x.[SocialHandle], x.[MatchRule]
        INTO #Changed
        FROM (
            SELECT c.[CustomerKey], i.[SourceRecordNumber], COALESCE(c.[CrmCustomerId], i.[CrmCustomerId]) AS [PrimaryId], c.[WebVisitorId], c.[SocialHandle], i.[MatchRule],
                   ROW_NUMBER() OVER (PARTITION BY c.[CustomerKey] ORDER BY i.[CrmCustomerId] COLLATE Latin1_General_100_BIN2) AS [RowNumber]
            FROM #Incoming AS i
            INNER JOIN [Dimension].[Customer] AS c ON c.[CustomerKey] = i.[CustomerKey] AND c.[ValidTo] = @EndOfTime
            WHERE (c.[CrmCustomerId] IS NULL OR UPPER(c.[CrmCustomerId]) = UPPER(i.[CrmCustomerId]))
              -- Text compares by code point and length (COLLATE Latin1_General_100_BIN2 + DATALENGTH), as DuckDB's IS DISTINCT FROM: the
              -- database collation ignores case and trailing spaces, so a correction such as LEEDS -> Leeds would change nothing.
              AND EXISTS (
                SELECT i.[FullName] COLLATE Latin1_General_100_BIN2, i.[Email] COLLATE Latin1_General_100_BIN2, i.[Phone] COLLATE Latin1_General_100_BIN2, i.[BirthDate], i.[Gender] COLLATE Latin1_General_100_BIN2, i.[City] COLLATE Latin1_General_100_BIN2, i.[Country] COLLATE Latin1_General_100_BIN2, i.[SignupDate], i.[ConsentMarketing], i.[ConsentProfiling], DATALENGTH(i.[FullName]), DATALENGTH(i.[Email]), DATALENGTH(i.[Phone]), DATALENGTH(i.[Gender]), DATALENGTH(i.[City]), DATALENGTH(i.[Country])
                EXCEPT
                SELECT c.[FullName] COLLATE Latin1_General_100_BIN2, c.[Email] COLLATE Latin1_General_100_BIN2, c.[Phone] COLLATE Latin1_General_100_BIN2, c.[BirthDate], c.[Gender] COLLATE Latin1_General_100_BIN2, c.[City] COLLATE Latin1_General_100_BIN2, c.[Country] COLLATE Latin1_General_100_BIN2, c.[SignupDate], c.[ConsentMarketing], c.[ConsentProfiling], DATALENGTH(c.[FullName]), DATALENGTH(c.[Email]), DATALENGTH(c.[Phone]), DATALENGTH(c.[Gender]), DATALENGTH(c.[City]), DATALENGTH(c.[Country]))
        ) AS x
        WHERE x.[RowNumber] = 1;

        UPDATE c
        SET [ValidTo] = @LoadStarted
        FROM [Dimension].[Customer] AS c
        INNER JOIN #Changed AS x ON x.[CustomerKey] = c.[CustomerKey]
        WHERE c.[ValidTo] = @EndOfTime;

        -- New versions keep every identity link of the customer (web visitor, social handle).
        INSERT [Dimension].[Customer]
            ([CustomerKey], [ValidFrom], [ValidTo], [CrmCustomerId], [WebVisitorId], [SocialHandle], [FullName], [Email], [Phone],
             [BirthDate], [Gender], [City], [Country], [GeographyKey], [SignupDate], [ConsentMarketing], [ConsentProfiling],
             [MatchRule], [SourceUpdatedAt], [LineageKey])
        SELECT x.[CustomerKey], @LoadStarted, @EndOfTime, x.[PrimaryId], x.[WebVisitorId], x.[SocialHandle], i.[FullName], i.[Email], i.[Phone],
               i.[BirthDate], i.[Gender], i.[City], i.[Country], COALESCE(g.[GeographyKey], 0), i.[SignupDate], i.[ConsentMarketing], i.[ConsentProfiling],
               x.[MatchRule], i.[SourceUpdatedAt], @LineageKey
        FROM #Changed AS x
        INNER JOIN #Incoming AS i ON i.[SourceRecordNumber] = x.[SourceRecordNumber]
        LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = i.[Country] AND g.[City] = COALESCE(i.[City], N'');

        -- An unchanged row of a customer's own CRM id newer than its current version confirms that version up to the row's
        -- time: no new version, SourceUpdatedAt moves forward (as CustomerMigration on DuckDB).
        UPDATE c
        SET [SourceUpdatedAt] = i.[SourceUpdatedAt]
        FROM [Dimension].[Customer] AS c
        INNER JOIN #Incoming AS i ON i.[CustomerKey] = c.[CustomerKey]
        WHERE c.[ValidTo] = @EndOfTime AND UPPER(c.[CrmCustomerId]) = UPPER(i.[CrmCustomerId]) AND i.[SourceUpdatedAt] IS NOT NULL
          AND (c.[SourceUpdatedAt] IS NULL OR i.[SourceUpdatedAt] > c.[SourceUpdatedAt]);

        -- New customers: keys in the host's ordinal order.
        CREATE TABLE #NewKey ([NewCustomerOrdinal] INT NOT NULL PRIMARY KEY, [CustomerKey] INT NOT NULL);
        INSERT #NewKey ([NewCustomerOrdinal], [CustomerKey])
        SELECT i.[NewCustomerOrdinal], NEXT VALUE FOR [Sequences].[CustomerKey] OVER (ORDER BY i.[NewCustomerOrdinal])
        FROM #Incoming AS i
        WHERE i.[CustomerKey] IS NULL AND i.[IsPrimary] = 1;

        INSERT [Dimension].[Customer]
            ([CustomerKey], [ValidFrom], [ValidTo], [CrmCustomerId], [FullName], [Email], [Phone], [BirthDate], [Gender], [City], [Country],
             [GeographyKey], [SignupDate], [ConsentMarketing], [ConsentProfiling], [MatchRule], [SourceUpdatedAt], [LineageKey])
        SELECT k.[CustomerKey], @LoadStarted, @EndOfTime, i.[CrmCustomerId], i.[FullName], i.[Email], i.[Phone],
               i.[BirthDate], i.[Gender], i.[City], i.[Country], COALESCE(g.[GeographyKey], 0), i.[SignupDate], i.[ConsentMarketing],
               i.[ConsentProfiling], i.[MatchRule], i.[SourceUpdatedAt], @LineageKey
        FROM #Incoming AS i
        INNER JOIN #NewKey AS k ON k.[NewCustomerOrdinal] = i.[NewCustomerOrdinal]
        LEFT OUTER JOIN [Dimension].[Geography] AS g ON g.[Country] = i.[Country] AND g.[City] = COALESCE(i.[City], N'')
        WHERE i.[CustomerKey] IS NULL AND i.[IsPrimary] = 1;

        -- A mapped id takes the e-mail of its latest row (the web and social e-mail links read it through
        -- Integration.CustomerEmail: a duplicate registration's own address links to its customer).
        -- Its update time too: the id's own latest applied row, which the next load's rows of that id are compared with
        -- (through Integration.CustomerIdentity).
        UPDATE m
        SET m.[Email] = i.[Email], m.[SourceUpdatedAt] = COALESCE(i.[SourceUpdatedAt], m.[SourceUpdatedAt])
        FROM [Integration].[CustomerKeyMap] AS m
        INNER JOIN #Incoming AS i ON i.[CrmCustomerId] = m.[CrmCustomerId]
        WHERE EXISTS (SELECT m.[Email] COLLATE Latin1_General_100_BIN2, DATALENGTH(m.[Email]), m.[SourceUpdatedAt]
                      EXCEPT SELECT i.[Email] COLLATE Latin1_General_100_BIN2, DATALENGTH(i.[Email]), COALESCE(i.[SourceUpdatedAt], m.[SourceUpdatedAt]));

        -- Every CRM id of the load not mapped yet joins the source-key map once (never re-keyed): a new customer's primary
        -- id with rule crm-id, another id with the rule that tied it (a duplicate registration shares the customer), each
        -- with its row's e-mail.
        INSERT [Integration].[CustomerKeyMap] ([CrmCustomerId], [CustomerKey], [MatchRule], [MappedAt], [LineageKey], [Email], [SourceUpdatedAt])
        SELECT i.[CrmCustomerId], COALESCE(i.[CustomerKey], k.[CustomerKey]),
               CASE WHEN i.[CustomerKey] IS NULL AND i.[IsPrimary] = 1 THEN N'crm-id' ELSE i.[MatchRule] END, @LoadStarted, @LineageKey, i.[Email],
               i.[SourceUpdatedAt]
        FROM #Incoming AS i
        LEFT OUTER JOIN #NewKey AS k ON k.[NewCustomerOrdinal] = i.[NewCustomerOrdinal]
        WHERE NOT EXISTS (SELECT 1 FROM [Integration].[CustomerKeyMap] AS x WHERE x.[CrmCustomerId] = i.[CrmCustomerId]);

        -- Web sessions and social comments loaded before their customer's CRM row kept its CRM id / e-mail hash: they link
        -- now, as if loaded after it (the host's InteractionMigration.RelinkStored on DuckDB).
        EXEC [Integration].[RelinkStoredInteractions];

        DECLARE @RowsLoaded BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[Customer_Staging] AS cs WHERE cs.[LineageKey] = @LineageKey);
        DECLARE @RowsRejected BIGINT = (SELECT COUNT_BIG(*) FROM [Integration].[RejectedCustomer] AS r WHERE r.[LineageKey] = @LineageKey);
        -- The latest update time of the file, as on DuckDB; a file without update times leaves the cutoff where it was (the
        -- load time would make every later dated row of a known id look old).
        DECLARE @Cutoff DATETIME2(7) = (SELECT MAX(cs.[SourceUpdatedAt]) FROM [Integration].[Customer_Staging] AS cs WHERE cs.[LineageKey] = @LineageKey);
        EXEC [Integration].[CompleteLineage] @LineageKey = @LineageKey, @RowsLoaded = @RowsLoaded, @RowsRejected = @RowsRejected, @CutoffTime = @Cutoff;

        DELETE FROM [Integration].[CustomerMatch_Staging] WHERE [LineageKey] = @LineageKey;
        DELETE FROM [Integration].[Customer_Staging] WHERE [LineageKey] = @LineageKey;

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
