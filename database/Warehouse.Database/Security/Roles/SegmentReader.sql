-- Segment readers (SSRS / Power BI service accounts, analysts): read the Reports views and nothing else.
-- Ownership chaining lets the views read Segmentation and Dimension tables without granting those to the role.
CREATE ROLE [SegmentReader] AUTHORIZATION [dbo];
GO

GRANT SELECT ON SCHEMA::[Reports] TO [SegmentReader];
GO
