-- Links the stored web sessions and social comments that were loaded before their customer's CRM row: a step of
-- Integration.MigrateStagedCustomerData, run inside its transaction after the customers and the source-key map are
-- written; the rules of the host's InteractionMigration.RelinkStored (src/Warehouse.Data/Loading/InteractionMigration.cs),
-- so both engines give the same keys:
--   1. a session without a direct link (MatchRule none, visitor-stitch, visitor-conflict) whose kept CRM id
--      (SourceCrmCustomerId) now maps to a customer (Integration.CustomerKeyByCrmId, ids without case) gets it (crm-id),
--      else one whose kept e-mail hash (SourceEmailHash) is the SHA-256 of an e-mail of exactly one customer
--      (Integration.CustomerEmail) gets that customer (email-hash): the rules of MigrateStagedWebSessionData; a session
--      linked by e-mail hash whose kept CRM id now maps to a customer is upgraded to crm-id (the web load's precedence:
--      the CRM id first), so the links do not depend on whether the web file came before or after the CRM rows;
--   2. a comment not linked by e-mail whose kept SourceEmailKeyHash is the SHA-256 of the match key of an e-mail of
--      exactly one customer gets it (email): the rule of MigrateStagedSocialInteractionData;
--   3. a linked row forgets its identifier (an email-hash link keeps its CRM id); the visitors / handles of the linked
--      rows are re-stitched as the web and social loads do (their other rows without a direct link follow the customers of
--      the visitor's / handle's direct links: one customer stitches, two or more stitch nothing), and the current
--      WebVisitorId / SocialHandle of the customers those rows name before and after (#RelinkedWebCustomer,
--      #RelinkedSocialCustomer) are set as those loads set them. An e-mail link once made is kept: it is not withdrawn when
--      the address later becomes shared or moves to another customer.
-- A rerun finds nothing to link. The SELECT ... INTO statements are written in the SQL both engines accept and run on
-- DuckDB in Warehouse.Etl.Tests' RelinkProcedureParityTests against the host's re-link (the rows linked, their kept
-- identifiers, and the customers' WebVisitorId / SocialHandle: #RelinkedWebVisitorId, #RelinkedSocialHandle).
CREATE PROCEDURE [Integration].[RelinkStoredInteractions]
    @WebRelinked BIGINT = NULL OUTPUT,
    @SocialRelinked BIGINT = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @EndOfTime DATETIME2(7) = '9999-12-31';

    SET @WebRelinked = 0;
    SET @SocialRelinked = 0;

    -- Nothing kept, nothing to do (the usual case when the CRM is loaded first): no e-mail is hashed and no fact joined.
    -- Each half runs only when its fact keeps an identifier; the filtered indexes IX_Fact_WebSession_SourceCrmCustomerId,
    -- IX_Fact_WebSession_SourceEmailHash and IX_Fact_SocialInteraction_SourceEmailKeyHash answer these checks.
    IF NOT (EXISTS (SELECT 1 FROM [Fact].[WebSession] AS k WHERE k.[SourceCrmCustomerId] IS NOT NULL) OR EXISTS (SELECT 1 FROM [Fact].[WebSession] AS k WHERE k.[SourceEmailHash] IS NOT NULL))
       AND NOT EXISTS (SELECT 1 FROM [Fact].[SocialInteraction] AS k WHERE k.[SourceEmailKeyHash] IS NOT NULL)
        RETURN 0;

    IF EXISTS (SELECT 1 FROM [Fact].[WebSession] AS k WHERE k.[SourceCrmCustomerId] IS NOT NULL) OR EXISTS (SELECT 1 FROM [Fact].[WebSession] AS k WHERE k.[SourceEmailHash] IS NOT NULL)
    BEGIN
        -- Web: CRM ids through the source-key map (upper case on both sides, as the host compares them), e-mail hashes of
        -- exactly one customer.
        SELECT UPPER(k.[CrmCustomerId]) AS [CrmIdKey], MIN(k.[CustomerKey]) AS [CustomerKey]
        INTO #RelinkByCrmId
        FROM [Integration].[CustomerKeyByCrmId] AS k
        GROUP BY UPPER(k.[CrmCustomerId]);

        SELECT h.[EmailHash], MIN(h.[CustomerKey]) AS [CustomerKey]
        INTO #RelinkByEmailHash
        FROM (
            SELECT c.[CustomerKey],
                   LOWER(CONVERT(NCHAR(64), HASHBYTES('SHA2_256', CAST(c.[Email] COLLATE Latin1_General_100_CI_AS_SC_UTF8 AS VARCHAR(1280))), 2)) AS [EmailHash]
            FROM [Integration].[CustomerEmail] AS c
        ) AS h
        GROUP BY h.[EmailHash]
        HAVING COUNT(DISTINCT h.[CustomerKey]) = 1;

        SELECT f.[SessionId], f.[WebVisitorId], COALESCE(byCrm.[CustomerKey], byEmail.[CustomerKey]) AS [CustomerKey],
               CASE WHEN byCrm.[CustomerKey] IS NOT NULL THEN N'crm-id' ELSE N'email-hash' END AS [MatchRule]
        INTO #RelinkedSession
        FROM [Fact].[WebSession] AS f
        LEFT OUTER JOIN #RelinkByCrmId AS byCrm ON byCrm.[CrmIdKey] = UPPER(f.[SourceCrmCustomerId])
        LEFT OUTER JOIN #RelinkByEmailHash AS byEmail ON byEmail.[EmailHash] = f.[SourceEmailHash]
        WHERE (COALESCE(f.[MatchRule], N'none') NOT IN (N'crm-id', N'email-hash') AND COALESCE(byCrm.[CustomerKey], byEmail.[CustomerKey]) IS NOT NULL)
           OR (f.[MatchRule] = N'email-hash' AND byCrm.[CustomerKey] IS NOT NULL);

        -- The customers whose WebVisitorId may change: the new ones and those the rows of the re-linked visitors name before
        -- the updates (an email-hash link upgraded to another customer's CRM id leaves its customer).
        SELECT x.[CustomerKey]
        INTO #RelinkedWebCustomer
        FROM (
            SELECT r.[CustomerKey] FROM #RelinkedSession AS r
            UNION
            SELECT f.[CustomerKey] FROM [Fact].[WebSession] AS f WHERE f.[WebVisitorId] IN (SELECT r.[WebVisitorId] FROM #RelinkedSession AS r)
        ) AS x
        WHERE x.[CustomerKey] <> 0;

        -- Customers named by each such visitor's direct links: the sessions linked here and the stored direct links.
        SELECT i.[WebVisitorId], COUNT(DISTINCT e.[CustomerKey]) AS [Customers], MIN(e.[CustomerKey]) AS [CustomerKey]
        INTO #RelinkedVisitor
        FROM (SELECT DISTINCT r.[WebVisitorId] FROM #RelinkedSession AS r) AS i
        INNER JOIN (
            SELECT r.[WebVisitorId], r.[CustomerKey] FROM #RelinkedSession AS r
            UNION ALL
            SELECT f.[WebVisitorId], f.[CustomerKey] FROM [Fact].[WebSession] AS f
            WHERE f.[MatchRule] IN (N'crm-id', N'email-hash')
              AND NOT EXISTS (SELECT 1 FROM #RelinkedSession AS r WHERE r.[SessionId] = f.[SessionId] AND r.[WebVisitorId] = f.[WebVisitorId])
        ) AS e ON e.[WebVisitorId] = i.[WebVisitorId]
        GROUP BY i.[WebVisitorId];

        UPDATE f
        SET f.[CustomerKey] = r.[CustomerKey], f.[MatchRule] = r.[MatchRule],
            f.[SourceCrmCustomerId] = CASE WHEN r.[MatchRule] = N'crm-id' THEN NULL ELSE f.[SourceCrmCustomerId] END, f.[SourceEmailHash] = NULL
        FROM [Fact].[WebSession] AS f
        INNER JOIN #RelinkedSession AS r ON r.[SessionId] = f.[SessionId] AND r.[WebVisitorId] = f.[WebVisitorId];
        SET @WebRelinked = @@ROWCOUNT;

        -- The visitors' other sessions follow the visitor's customers now (stitched, or un-stitched on a conflict), as
        -- MigrateStagedWebSessionData re-links earlier sessions.
        UPDATE f
        SET f.[CustomerKey] = CASE WHEN v.[Customers] = 1 THEN v.[CustomerKey] ELSE 0 END,
            f.[MatchRule] = CASE v.[Customers] WHEN 1 THEN N'visitor-stitch' ELSE N'visitor-conflict' END
        FROM [Fact].[WebSession] AS f
        INNER JOIN #RelinkedVisitor AS v ON v.[WebVisitorId] = f.[WebVisitorId]
        WHERE COALESCE(f.[MatchRule], N'none') NOT IN (N'crm-id', N'email-hash')
          AND EXISTS (SELECT f.[CustomerKey], f.[MatchRule]
                      EXCEPT
                      SELECT CASE WHEN v.[Customers] = 1 THEN v.[CustomerKey] ELSE 0 END,
                             CASE v.[Customers] WHEN 1 THEN N'visitor-stitch' ELSE N'visitor-conflict' END);
        SET @WebRelinked = @WebRelinked + @@ROWCOUNT;

        -- Each such customer's visitor: that of its earliest session among the visitors linked to it alone (NULL: none).
        SELECT t.[CustomerKey], e.[WebVisitorId]
        INTO #RelinkedWebVisitorId
        FROM #RelinkedWebCustomer AS t
        LEFT OUTER JOIN (
            SELECT f.[CustomerKey], f.[WebVisitorId],
                   ROW_NUMBER() OVER (PARTITION BY f.[CustomerKey] ORDER BY f.[StartTime], f.[SessionId] COLLATE Latin1_General_100_BIN2, f.[WebVisitorId] COLLATE Latin1_General_100_BIN2) AS [Position]
            FROM [Fact].[WebSession] AS f
            WHERE f.[CustomerKey] IN (SELECT r.[CustomerKey] FROM #RelinkedWebCustomer AS r)
              AND f.[MatchRule] IN (N'crm-id', N'email-hash', N'visitor-stitch')
              AND f.[WebVisitorId] NOT IN (SELECT g.[WebVisitorId] FROM [Fact].[WebSession] AS g WHERE g.[MatchRule] IN (N'crm-id', N'email-hash')
                                           GROUP BY g.[WebVisitorId] HAVING COUNT(DISTINCT g.[CustomerKey]) > 1)
        ) AS e ON e.[CustomerKey] = t.[CustomerKey] AND e.[Position] = 1;

        UPDATE c
        SET c.[WebVisitorId] = v.[WebVisitorId]
        FROM [Dimension].[Customer] AS c
        INNER JOIN #RelinkedWebVisitorId AS v ON v.[CustomerKey] = c.[CustomerKey]
        WHERE c.[ValidTo] = @EndOfTime AND EXISTS (SELECT c.[WebVisitorId] COLLATE Latin1_General_100_BIN2, DATALENGTH(c.[WebVisitorId]) EXCEPT SELECT v.[WebVisitorId] COLLATE Latin1_General_100_BIN2, DATALENGTH(v.[WebVisitorId]));
    END;

    IF EXISTS (SELECT 1 FROM [Fact].[SocialInteraction] AS k WHERE k.[SourceEmailKeyHash] IS NOT NULL)
    BEGIN
        -- Social: the SHA-256 of the match key (EmailRules.MatchKey: sub-address and Gmail dots dropped, as
        -- MigrateStagedSocialInteractionData computes it) of each customer's e-mails, for keys of exactly one customer.
        SELECT h.[EmailKeyHash], MIN(h.[CustomerKey]) AS [CustomerKey]
        INTO #RelinkByEmailKeyHash
        FROM (
            SELECT c.[CustomerKey],
                   LOWER(CONVERT(NCHAR(64), HASHBYTES('SHA2_256', CAST(k.[EmailKey] COLLATE Latin1_General_100_CI_AS_SC_UTF8 AS VARCHAR(1280))), 2)) AS [EmailKeyHash]
            FROM [Integration].[CustomerEmail] AS c
            CROSS APPLY (SELECT LEFT(c.[Email], ABS(CHARINDEX(N'@', c.[Email]) - 1)) AS [Local], SUBSTRING(c.[Email], CHARINDEX(N'@', c.[Email]) + 1, 400) AS [Domain]) AS p
            CROSS APPLY (SELECT CASE WHEN CHARINDEX(N'+', p.[Local]) > 1 THEN LEFT(p.[Local], CHARINDEX(N'+', p.[Local]) - 1) ELSE p.[Local] END AS [Local]) AS u
            CROSS APPLY (SELECT CASE WHEN p.[Domain] IN (N'gmail.com', N'googlemail.com') THEN REPLACE(u.[Local], N'.', N'') + N'@gmail.com'
                                     ELSE u.[Local] + N'@' + p.[Domain] END AS [EmailKey]) AS k
        ) AS h
        GROUP BY h.[EmailKeyHash]
        HAVING COUNT(DISTINCT h.[CustomerKey]) = 1;

        SELECT f.[Platform], f.[CommentId], CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle])) AS [HandleKey], byEmail.[CustomerKey], N'email' AS [MatchRule]
        INTO #RelinkedComment
        FROM [Fact].[SocialInteraction] AS f
        INNER JOIN #RelinkByEmailKeyHash AS byEmail ON byEmail.[EmailKeyHash] = f.[SourceEmailKeyHash]
        WHERE COALESCE(f.[MatchRule], N'none') <> N'email';

        SELECT x.[CustomerKey]
        INTO #RelinkedSocialCustomer
        FROM (
            SELECT r.[CustomerKey] FROM #RelinkedComment AS r
            UNION
            SELECT f.[CustomerKey] FROM [Fact].[SocialInteraction] AS f
            WHERE CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle])) IN (SELECT r.[HandleKey] FROM #RelinkedComment AS r)
        ) AS x
        WHERE x.[CustomerKey] <> 0;

        SELECT i.[HandleKey], COUNT(DISTINCT e.[CustomerKey]) AS [Customers], MIN(e.[CustomerKey]) AS [CustomerKey]
        INTO #RelinkedHandle
        FROM (SELECT DISTINCT r.[HandleKey] FROM #RelinkedComment AS r) AS i
        INNER JOIN (
            SELECT r.[HandleKey], r.[CustomerKey] FROM #RelinkedComment AS r
            UNION ALL
            SELECT CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle])), f.[CustomerKey] FROM [Fact].[SocialInteraction] AS f
            WHERE f.[MatchRule] = N'email'
              AND NOT EXISTS (SELECT 1 FROM #RelinkedComment AS r WHERE r.[Platform] = f.[Platform] AND r.[CommentId] = f.[CommentId])
        ) AS e ON e.[HandleKey] = i.[HandleKey]
        GROUP BY i.[HandleKey];

        UPDATE f
        SET f.[CustomerKey] = r.[CustomerKey], f.[MatchRule] = r.[MatchRule], f.[SourceEmailKeyHash] = NULL
        FROM [Fact].[SocialInteraction] AS f
        INNER JOIN #RelinkedComment AS r ON r.[Platform] = f.[Platform] AND r.[CommentId] = f.[CommentId];
        SET @SocialRelinked = @@ROWCOUNT;

        UPDATE f
        SET f.[CustomerKey] = CASE WHEN h.[Customers] = 1 THEN h.[CustomerKey] ELSE 0 END,
            f.[MatchRule] = CASE h.[Customers] WHEN 1 THEN N'handle-stitch' ELSE N'handle-conflict' END
        FROM [Fact].[SocialInteraction] AS f
        INNER JOIN #RelinkedHandle AS h ON h.[HandleKey] = CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle]))
        WHERE COALESCE(f.[MatchRule], N'none') <> N'email'
          AND EXISTS (SELECT f.[CustomerKey], f.[MatchRule]
                      EXCEPT
                      SELECT CASE WHEN h.[Customers] = 1 THEN h.[CustomerKey] ELSE 0 END,
                             CASE h.[Customers] WHEN 1 THEN N'handle-stitch' ELSE N'handle-conflict' END);
        SET @SocialRelinked = @SocialRelinked + @@ROWCOUNT;

        -- Each such customer's handle: platform:handle of its earliest comment among the handles linked to it alone.
        SELECT t.[CustomerKey], e.[SocialHandle]
        INTO #RelinkedSocialHandle
        FROM #RelinkedSocialCustomer AS t
        LEFT OUTER JOIN (
            SELECT f.[CustomerKey], CONCAT(f.[Platform], N':', f.[SocialHandle]) AS [SocialHandle],
                   ROW_NUMBER() OVER (PARTITION BY f.[CustomerKey] ORDER BY f.[CommentTime], f.[Platform] COLLATE Latin1_General_100_BIN2, f.[CommentId] COLLATE Latin1_General_100_BIN2) AS [Position]
            FROM [Fact].[SocialInteraction] AS f
            WHERE f.[CustomerKey] IN (SELECT r.[CustomerKey] FROM #RelinkedSocialCustomer AS r)
              AND f.[MatchRule] IN (N'email', N'handle-stitch')
              AND LEN(f.[Platform]) + 1 + LEN(f.[SocialHandle]) <= 100
              AND CONCAT(f.[Platform], N':', LOWER(f.[SocialHandle])) NOT IN (
                  SELECT CONCAT(g.[Platform], N':', LOWER(g.[SocialHandle])) FROM [Fact].[SocialInteraction] AS g WHERE g.[MatchRule] = N'email'
                  GROUP BY CONCAT(g.[Platform], N':', LOWER(g.[SocialHandle])) HAVING COUNT(DISTINCT g.[CustomerKey]) > 1)
        ) AS e ON e.[CustomerKey] = t.[CustomerKey] AND e.[Position] = 1;

        UPDATE c
        SET c.[SocialHandle] = h.[SocialHandle]
        FROM [Dimension].[Customer] AS c
        INNER JOIN #RelinkedSocialHandle AS h ON h.[CustomerKey] = c.[CustomerKey]
        WHERE c.[ValidTo] = @EndOfTime AND EXISTS (SELECT c.[SocialHandle] COLLATE Latin1_General_100_BIN2, DATALENGTH(c.[SocialHandle]) EXCEPT SELECT h.[SocialHandle] COLLATE Latin1_General_100_BIN2, DATALENGTH(h.[SocialHandle]));
    END;

    RETURN 0;
END;
GO
