-- The known identities the host's IdentityResolver matches CRM rows against on SQL Server, as the DuckDB migration
-- reads them (CustomerMigration): every current customer except Unknown (0), once per CRM id it has (the source-key
-- map through Integration.CustomerKeyByCrmId: mapped ids plus a current version's id not mapped yet), with the
-- identity attributes of its current version. EtlLoader may SELECT this view (it cannot read Dimension.Customer), so a CRM load on SQL Server
-- resolves its rows in the host and stages the keys (Integration.CustomerMatch_Staging). Written in the SQL subset
-- both engines accept: the same query runs on DuckDB in tests.
CREATE VIEW [Integration].[CustomerIdentity]
AS
SELECT c.[CustomerKey],
       COALESCE(ids.[CrmCustomerId], c.[CrmCustomerId]) AS [CrmCustomerId],
       c.[Email],
       c.[Phone],
       c.[FullName],
       c.[City],
       c.[BirthDate]
FROM [Dimension].[Customer] AS c
LEFT OUTER JOIN [Integration].[CustomerKeyByCrmId] AS ids ON ids.[CustomerKey] = c.[CustomerKey]
WHERE c.[ValidTo] = '9999-12-31' AND c.[CustomerKey] <> 0;
GO
