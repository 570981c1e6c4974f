-- The e-mails that identify a customer for the direct links of web sessions (SHA-256 of the e-mail) and social comments
-- (the e-mail's match key): every current customer version's e-mail, and the e-mail of every CRM id mapped to a customer
-- in the source-key map (Integration.CustomerKeyMap.Email), so a duplicate CRM registration's own address (the same
-- person registered again under another id with another e-mail) links to the customer it was merged into. One row per
-- customer and e-mail, never Unknown (0). A link is made only when an e-mail (hash, match key) names exactly one customer
-- here: the readers group by it and keep COUNT(DISTINCT CustomerKey) = 1. Read by Integration.MigrateStagedWebSessionData,
-- Integration.MigrateStagedSocialInteractionData and, translated into the DuckDB warehouse from this file, by the host's
-- InteractionMigration (src/Warehouse.Data/Loading/InteractionMigration.cs). Written in the SQL subset both engines accept.
CREATE VIEW [Integration].[CustomerEmail]
AS
SELECT c.[CustomerKey], c.[Email]
FROM [Dimension].[Customer] AS c
WHERE c.[ValidTo] = '9999-12-31' AND c.[CustomerKey] <> 0 AND c.[Email] IS NOT NULL
UNION
SELECT m.[CustomerKey], m.[Email]
FROM [Integration].[CustomerKeyMap] AS m
WHERE m.[CustomerKey] <> 0 AND m.[Email] IS NOT NULL;
GO
