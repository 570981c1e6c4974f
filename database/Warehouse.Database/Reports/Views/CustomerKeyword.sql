-- The keywords of each customer's social comments (Fact.SocialKeyword through Fact.SocialInteraction, so a comment counts for
-- the customer it is linked to now): per customer (the Unknown customer 0 left out) and keyword, the comments naming it, the
-- customer's comments, the share of them naming it, and KeywordRank 1 for the keyword named in most comments (ties
-- alphabetical by code unit, as the host's CustomerTextProfile.TopKeywords); filter KeywordRank <= n for a top n.
-- Customers who refused profiling (current Dimension.Customer row with ConsentProfiling = 0) are left out, as in
-- Reports.CustomerFeature.
CREATE VIEW [Reports].[CustomerKeyword]
AS
WITH [Commented] AS (
    SELECT s.[CustomerKey], COUNT(*) AS [Comments]
    FROM [Fact].[SocialInteraction] AS s
    WHERE s.[CustomerKey] <> 0
    GROUP BY s.[CustomerKey]
),
[Named] AS (
    SELECT s.[CustomerKey], k.[Keyword], COUNT(*) AS [Comments]
    FROM [Fact].[SocialKeyword] AS k
    INNER JOIN [Fact].[SocialInteraction] AS s ON s.[SocialInteractionKey] = k.[SocialInteractionKey]
    WHERE s.[CustomerKey] <> 0
    GROUP BY s.[CustomerKey], k.[Keyword]
)
SELECT n.[CustomerKey],
       c.[CrmCustomerId],
       n.[Keyword],
       n.[Comments],
       t.[Comments] AS [CustomerComments],
       CAST(n.[Comments] AS FLOAT) / t.[Comments] AS [CommentShare],
       ROW_NUMBER() OVER (PARTITION BY n.[CustomerKey] ORDER BY n.[Comments] DESC, n.[Keyword]) AS [KeywordRank]
FROM [Named] AS n
INNER JOIN [Commented] AS t ON t.[CustomerKey] = n.[CustomerKey]
LEFT OUTER JOIN [Dimension].[Customer] AS c ON c.[CustomerKey] = n.[CustomerKey] AND c.[ValidTo] = '9999-12-31'
WHERE NOT EXISTS (SELECT 1 FROM [Dimension].[Customer] AS r
                  WHERE r.[CustomerKey] = n.[CustomerKey] AND r.[ValidTo] = '9999-12-31' AND r.[ConsentProfiling] = 0);
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Keywords of each customer''s social comments: comments naming the keyword, the customer''s comments, their share, and the rank (1 = named in most comments; ties alphabetical). Customers who refused profiling are left out.',
    @level0type = N'SCHEMA', @level0name = N'Reports', @level1type = N'VIEW', @level1name = N'CustomerKeyword';
GO
