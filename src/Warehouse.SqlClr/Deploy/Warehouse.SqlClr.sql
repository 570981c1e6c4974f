-- CLR objects of the warehouse: T-SQL signatures of the methods in Warehouse.SqlClr (net48, SAFE). Not deployed by the
-- dacpac (DacFx on .NET rejects CREATE ASSEMBLY): database/Warehouse.Database.Build turns this file into
-- Warehouse.SqlClr.Deploy.sql, which also carries the assembly. Tests check every EXTERNAL NAME by reflection.

-- Trains a segmentation on the rows of @FeatureQuery (customer key, then features) and sends one row per customer:
-- INSERT #Assignment (CustomerKey, ClusterIndex, Distance, Probability) EXEC Segmentation.RunSegmentation …
CREATE PROCEDURE [Segmentation].[RunSegmentation]
    @FeatureQuery NVARCHAR(MAX),
    @AsOfDateKey INT,
    @Algorithm NVARCHAR(32),
    @Options NVARCHAR(4000),
    @ScalingMethod NVARCHAR(400),
    @Seed INT,
    @PreviousSegments NVARCHAR(MAX),
    @ModelBytes VARBINARY(MAX) OUTPUT,
    @ScalerBytes VARBINARY(MAX) OUTPUT,
    @ModelFormat NVARCHAR(32) OUTPUT,
    @FormatVersion INT OUTPUT,
    @Segments NVARCHAR(MAX) OUTPUT,
    @Metrics NVARCHAR(MAX) OUTPUT,
    @Inertia FLOAT OUTPUT,
    @Silhouette FLOAT OUTPUT,
    @DaviesBouldin FLOAT OUTPUT,
    @CalinskiHarabasz FLOAT OUTPUT
AS EXTERNAL NAME [Warehouse.SqlClr].[Warehouse.SqlClr.SegmentationProcedures].[RunSegmentation];
GO

-- Segment of one customer for a stored model:
-- SELECT Segmentation.AssignSegment(m.ModelBytes, m.ScalerBytes, CONCAT(f.RecencyDays, ',', f.Frequency, …)) …
CREATE FUNCTION [Segmentation].[AssignSegment]
(
    @ModelBytes VARBINARY(MAX),
    @ScalerBytes VARBINARY(MAX),
    @Features NVARCHAR(4000)
)
RETURNS INT
WITH RETURNS NULL ON NULL INPUT
AS EXTERNAL NAME [Warehouse.SqlClr].[Warehouse.SqlClr.SegmentationProcedures].[AssignSegment];
GO

-- Segment, distance to its centre and (mixtures) probability, for many customers:
-- SELECT f.CustomerKey, s.ClusterIndex, s.Distance FROM Segmentation.CustomerFeature AS f CROSS JOIN Segmentation.Model AS m
-- CROSS APPLY Segmentation.ScoreSegments(m.ModelBytes, m.ScalerBytes, CONCAT(f.RecencyDays, ',', …)) AS s WHERE m.ModelRunKey = @run;
CREATE FUNCTION [Segmentation].[ScoreSegments]
(
    @ModelBytes VARBINARY(MAX),
    @ScalerBytes VARBINARY(MAX),
    @Features NVARCHAR(4000)
)
RETURNS TABLE ([ClusterIndex] INT, [Distance] FLOAT, [Probability] FLOAT)
AS EXTERNAL NAME [Warehouse.SqlClr].[Warehouse.SqlClr.SegmentationProcedures].[ScoreSegments];
GO
