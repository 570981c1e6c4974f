-- ETL loader (the host's login when run with --connection): bulk-copies into the staging and reject tables and runs
-- the Integration procedures, which migrate staging into dimensions and facts. Nothing else: no dimension, fact or
-- Segmentation table is writable directly. SqlBulkCopy runs with CheckConstraints so no ALTER permission is needed.
CREATE ROLE [EtlLoader] AUTHORIZATION [dbo];
GO

GRANT EXECUTE ON SCHEMA::[Integration] TO [EtlLoader];
GO

GRANT SELECT, INSERT, DELETE ON [Integration].[Customer_Staging] TO [EtlLoader];
GO

GRANT SELECT, INSERT, DELETE ON [Integration].[Purchase_Staging] TO [EtlLoader];
GO

GRANT SELECT, INSERT, DELETE ON [Integration].[Demographics_Staging] TO [EtlLoader];
GO

GRANT SELECT, INSERT, DELETE ON [Integration].[WebSession_Staging] TO [EtlLoader];
GO

GRANT SELECT, INSERT, DELETE ON [Integration].[SocialInteraction_Staging] TO [EtlLoader];
GO

GRANT SELECT, INSERT ON [Integration].[RejectedCustomer] TO [EtlLoader];
GO

GRANT SELECT, INSERT ON [Integration].[RejectedPurchase] TO [EtlLoader];
GO

GRANT SELECT, INSERT ON [Integration].[RejectedWebEvent] TO [EtlLoader];
GO

GRANT SELECT, INSERT ON [Integration].[RejectedSocialInteraction] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[Lineage] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[EtlCutoff] TO [EtlLoader];
GO
