-- One row per CRM id the warehouse knows, with the durable CustomerKey it resolves to: the source-key map
-- Integration.CustomerKeyMap (several CRM ids may share one customer), plus the CRM id of a current customer version
-- that is not mapped yet (a warehouse written before the map existed), never Unknown (0). Purchases, survey answers,
-- web logins and CRM rows resolve their CRM id here on both engines (the host's DuckDB migrations through
-- CustomerKeyMap.ByCrmId, src/Warehouse.Data/Loading/CustomerKeyMap.cs). Written in the SQL subset both engines accept.
CREATE VIEW [Integration].[CustomerKeyByCrmId]
AS
SELECT m.[CrmCustomerId], m.[CustomerKey]
FROM [Integration].[CustomerKeyMap] AS m
UNION ALL
SELECT d.[CrmCustomerId], MIN(d.[CustomerKey]) AS [CustomerKey]
FROM [Dimension].[Customer] AS d
WHERE d.[ValidTo] = '9999-12-31' AND d.[CrmCustomerId] IS NOT NULL AND d.[CustomerKey] <> 0
  AND NOT EXISTS (SELECT 1 FROM [Integration].[CustomerKeyMap] AS x WHERE x.[CrmCustomerId] = d.[CrmCustomerId])
GROUP BY d.[CrmCustomerId];
GO
