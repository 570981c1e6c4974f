-- What each segment of the latest run talks about: of the members with social comments dated before the run's as-of date
-- (the segment's commenters), Customers named the keyword in at least one of those comments (Comments counts the comments).
-- Share = Customers / the segment's commenters; OverallShare = the same among the commenters of all segments of the run;
-- Lift = Share / OverallShare (above 1: the segment names the keyword more often than the run's customers do).
-- KeywordRank 1 is the keyword named by most of the segment's customers (ties alphabetical by code unit); filter
-- KeywordRank <= n for a top n. Members without comments are not commenters; no TOP/LIMIT, so the view runs on both engines.
CREATE VIEW [Reports].[SegmentKeyword]
AS
WITH [Said] AS (
    SELECT m.[ConfigurationName], m.[ModelRunKey], m.[SegmentKey], m.[CustomerKey], s.[SocialInteractionKey]
    FROM [Reports].[SegmentMember] AS m
    INNER JOIN [Fact].[SocialInteraction] AS s
        ON s.[CustomerKey] = m.[CustomerKey] AND s.[DateKey] < m.[AsOfDateKey]
),
[SegmentCommenters] AS (
    SELECT d.[ConfigurationName], d.[SegmentKey], COUNT(DISTINCT d.[CustomerKey]) AS [Commenters]
    FROM [Said] AS d
    GROUP BY d.[ConfigurationName], d.[SegmentKey]
),
[RunCommenters] AS (
    SELECT d.[ConfigurationName], COUNT(DISTINCT d.[CustomerKey]) AS [Commenters]
    FROM [Said] AS d
    GROUP BY d.[ConfigurationName]
),
[Named] AS (
    SELECT d.[ConfigurationName], d.[ModelRunKey], d.[SegmentKey], k.[Keyword],
           COUNT(DISTINCT d.[CustomerKey]) AS [Customers], COUNT(*) AS [Comments]
    FROM [Said] AS d
    INNER JOIN [Fact].[SocialKeyword] AS k ON k.[SocialInteractionKey] = d.[SocialInteractionKey]
    GROUP BY d.[ConfigurationName], d.[ModelRunKey], d.[SegmentKey], k.[Keyword]
),
[Overall] AS (
    SELECT n.[ConfigurationName], n.[Keyword], SUM(n.[Customers]) AS [Customers]
    FROM [Named] AS n
    GROUP BY n.[ConfigurationName], n.[Keyword]
)
SELECT n.[ConfigurationName],
       n.[ModelRunKey],
       n.[SegmentKey],
       sg.[SegmentName],
       n.[Keyword],
       n.[Customers],
       n.[Comments],
       sc.[Commenters] AS [SegmentCommenters],
       CAST(n.[Customers] AS FLOAT) / sc.[Commenters] AS [Share],
       CAST(o.[Customers] AS FLOAT) / rc.[Commenters] AS [OverallShare],
       (CAST(n.[Customers] AS FLOAT) / sc.[Commenters]) / (CAST(o.[Customers] AS FLOAT) / rc.[Commenters]) AS [Lift],
       ROW_NUMBER() OVER (PARTITION BY n.[ConfigurationName], n.[SegmentKey] ORDER BY n.[Customers] DESC, n.[Keyword]) AS [KeywordRank]
FROM [Named] AS n
INNER JOIN [SegmentCommenters] AS sc ON sc.[ConfigurationName] = n.[ConfigurationName] AND sc.[SegmentKey] = n.[SegmentKey]
INNER JOIN [RunCommenters] AS rc ON rc.[ConfigurationName] = n.[ConfigurationName]
INNER JOIN [Overall] AS o ON o.[ConfigurationName] = n.[ConfigurationName] AND o.[Keyword] = n.[Keyword]
INNER JOIN [Segmentation].[Segment] AS sg ON sg.[SegmentKey] = n.[SegmentKey];
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Keywords per segment of the latest run: members naming each keyword before the run''s as-of date, their share of the segment''s commenters, the share among all the run''s commenters and the lift (segment share / overall share); KeywordRank 1 = named by most members.',
    @level0type = N'SCHEMA', @level0name = N'Reports', @level1type = N'VIEW', @level1name = N'SegmentKeyword';
GO
