-- The known identities the host's IdentityResolver matches CRM rows against on SQL Server, as the DuckDB migration
-- reads them (CustomerMigration): every current customer except Unknown (0), once per CRM id it has (the source-key
-- map through Integration.CustomerKeyByCrmId: mapped ids plus a current version's id not mapped yet), with the
-- identity attributes of its current version, except the e-mail: each CRM id's own, as the map keeps it (a duplicate
-- registration's address finds its customer when a later row brings it; the current version's when the map has none),
-- and the id's update time: its own latest applied row's as the map keeps it, else the current version's SourceUpdatedAt
-- (a CRM row of a known id applies only when it is newer than this time; NULL: always; a duplicate id's row is compared
-- with that id's own last row, not with the primary id's). EtlLoader may SELECT this view (it cannot read Dimension.Customer), so a CRM load on SQL Server
-- resolves its rows in the host and stages the keys (Integration.CustomerMatch_Staging). Written in the SQL subset
-- both engines accept: the same query runs on DuckDB in tests.
CREATE VIEW [Integration].[CustomerIdentity]
AS
SELECT c.[CustomerKey],
       COALESCE(ids.[CrmCustomerId], c.[CrmCustomerId]) AS [CrmCustomerId],
       COALESCE(m.[Email], c.[Email]) AS [Email],
       c.[Phone],
       c.[FullName],
       c.[City],
       c.[BirthDate],
       COALESCE(m.[SourceUpdatedAt], c.[SourceUpdatedAt]) AS [SourceUpdatedAt]
FROM [Dimension].[Customer] AS c
LEFT OUTER JOIN [Integration].[CustomerKeyByCrmId] AS ids ON ids.[CustomerKey] = c.[CustomerKey]
LEFT OUTER JOIN [Integration].[CustomerKeyMap] AS m ON m.[CrmCustomerId] = ids.[CrmCustomerId]
WHERE c.[ValidTo] = '9999-12-31' AND c.[CustomerKey] <> 0;
GO
