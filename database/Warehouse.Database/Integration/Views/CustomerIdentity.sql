-- The known identities the host's IdentityResolver matches CRM rows against on SQL Server, as the DuckDB migration
-- reads them (CustomerMigration): every current customer except Unknown (0), with the identity attributes of its
-- current version. EtlLoader may SELECT this view (it cannot read Dimension.Customer), so a CRM load on SQL Server
-- resolves its rows in the host and stages the keys (Integration.CustomerMatch_Staging). Written in the SQL subset
-- both engines accept: the same query runs on DuckDB in tests.
CREATE VIEW [Integration].[CustomerIdentity]
AS
SELECT c.[CustomerKey],
       c.[CrmCustomerId],
       c.[Email],
       c.[Phone],
       c.[FullName],
       c.[City],
       c.[BirthDate]
FROM [Dimension].[Customer] AS c
WHERE c.[ValidTo] = '9999-12-31' AND c.[CustomerKey] <> 0;
GO
