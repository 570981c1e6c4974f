-- Every segment of every configuration, current and retired, with its names: SegmentName is what reports show (a
-- user's name when IsRenamed = 1, else the generated one), GeneratedName follows the latest profile. Rename through
-- Segmentation.RenameSegment (`segment rename`).
CREATE VIEW [Reports].[Segment]
AS
SELECT s.[ConfigurationName],
       s.[SegmentKey],
       s.[SegmentName],
       s.[GeneratedName],
       s.[IsRenamed],
       s.[Description],
       s.[FirstModelRunKey],
       s.[LastModelRunKey]
FROM [Segmentation].[Segment] AS s;
GO

EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Every segment with its current name (a user''s when IsRenamed = 1), generated name, description and first and latest run.',
    @level0type = N'SCHEMA', @level0name = N'Reports', @level1type = N'VIEW', @level1name = N'Segment';
GO
