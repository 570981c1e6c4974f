using Dapper;
using Warehouse.Data.Loading;
using Warehouse.Etl.Loading;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// The SQL Server procedures and the host's DuckDB migrations (<see cref="CustomerKeyMap.ByCrmId"/>) resolve CRM ids
/// through the one view <c>Integration.CustomerKeyByCrmId</c>, translated into the DuckDB warehouse from the T-SQL file:
/// it must list the mapped ids, unmapped current ids and duplicate registrations with the keys written out below.
/// </summary>
public sealed class SourceKeyMapParityTests : CustomerSeededTests
{
    [Fact]
    public void The_sql_server_view_lists_the_ids_and_keys_of_the_hosts_lookup()
    {
        using var warehouse = WithCustomers();
        // Erin registered twice (E1, E2: same birth date, city, similar name) → one customer, two map rows.
        CrmLoader.Load(warehouse, Write("dup.csv",
            "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n" +
            "E1,ERIN PAGE,erin+shop@example.com,,1979-09-09,F,Bath,United Kingdom,2023-01-01,,,2024-07-01 09:30:00\n" +
            "E2,Erin Page,erin@example.com,,1979-09-09,F,Bath,United Kingdom,2022-01-01,,,2024-07-01 09:30:00\n"));
        // A current customer whose id is not mapped (a warehouse written before the map existed).
        warehouse.Connection.Execute("""
            INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "ValidTo", "CrmCustomerId", "GeographyKey", "MatchRule", "LineageKey")
            VALUES (999, TIMESTAMP '2020-01-01', TIMESTAMP '9999-12-31', 'P1', 0, 'crm-id', 0)
            """);

        var view = warehouse.Connection.Query<(string Id, int Key)>(
            "SELECT \"CrmCustomerId\", \"CustomerKey\" FROM \"Integration\".\"CustomerKeyByCrmId\" ORDER BY 1").ToList();
        var host = warehouse.Connection.Query<(string Id, int Key)>(
            $"SELECT k.\"CrmCustomerId\", k.\"CustomerKey\" FROM {CustomerKeyMap.ByCrmId} AS k ORDER BY 1").ToList();

        Assert.Equal(host, view);
        Assert.Equal(["C1", "C2", "E1", "E2", "P1"], view.Select(v => v.Id));
        var keys = view.ToDictionary(v => v.Id, v => v.Key, StringComparer.Ordinal);
        Assert.Equal(keys["E1"], keys["E2"]);
        Assert.Equal(999, keys["P1"]);
        Assert.Equal(4, keys.Values.Distinct().Count());
    }
}
