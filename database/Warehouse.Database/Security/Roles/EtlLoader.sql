-- ETL loader (the host's login when run with --connection): bulk-copies into the staging tables (rejected rows into
-- Integration.Reject_Staging) and runs the Integration procedures, which migrate staging into dimensions and facts and
-- move the rejected rows into the reject tables in the same transaction. Nothing else: no dimension, fact, reject or
-- Segmentation table is writable directly, so a failed load cannot leave rows behind outside staging. SqlBulkCopy
-- runs with CheckConstraints so no ALTER permission is needed.
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

GRANT SELECT, INSERT, DELETE ON [Integration].[Reject_Staging] TO [EtlLoader];
GO

GRANT SELECT, INSERT, DELETE ON [Integration].[CustomerMatch_Staging] TO [EtlLoader];
GO

-- The known identities a CRM load resolves its rows against in the host (current customers, identity attributes only).
GRANT SELECT ON [Integration].[CustomerIdentity] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[RejectedCustomer] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[RejectedPurchase] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[RejectedWebEvent] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[RejectedSocialInteraction] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[Lineage] TO [EtlLoader];
GO

GRANT SELECT ON [Integration].[EtlCutoff] TO [EtlLoader];
GO

-- The load summary prints the outliers each load flagged (per measure, with the bound used).
GRANT SELECT ON [Integration].[OutlierStatistic] TO [EtlLoader];
GO
