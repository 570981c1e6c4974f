-- Segmentation operators: run, check and publish segmentations through the Segmentation procedures (T-SQL and CLR).
-- No table permissions: the procedures own the writes (ownership chaining), so operators cannot edit results by hand.
CREATE ROLE [SegmentationOperator] AUTHORIZATION [dbo];
GO

GRANT EXECUTE ON SCHEMA::[Segmentation] TO [SegmentationOperator];
GO
