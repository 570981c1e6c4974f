using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// The host half of the SQL Server load path, run against DuckDB: the rows the loaders hand to <c>ISourceLoad.Stage</c>
/// are the rows SqlBulkCopy sends to SQL Server, so what they carry decides what the Integration procedure can record.
/// The procedure half is read from the parsed T-SQL in Warehouse.Database.Tests (LoadProcedureTests).
/// </summary>
public sealed class SqlServerPathTests : CustomerSeededTests
{
    [Fact]
    public void Staged_web_sessions_carry_their_events_so_both_engines_count_events()
    {
        // 7 events: s1 has 3, s2 1, s3 1 (plus 2 rejected: a bad time and an unknown event type) → 3 sessions, 5 events.
        using var warehouse = WithCustomers();
        var path = Write("web.jsonl", string.Join("\n",
            """{"visitor_id":"v1","customer_id":"C1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v1","customer_id":"C1","session_id":"s1","timestamp":"2024-05-01T10:05:00Z","page":"/p/1","event_type":"product_view","product":"1"}""",
            """{"visitor_id":"v1","customer_id":"C1","session_id":"s1","timestamp":"2024-05-01T10:06:00Z","page":"/checkout","event_type":"purchase"}""",
            """{"visitor_id":"v2","session_id":"s2","timestamp":"2024-05-01T11:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v3","session_id":"s3","timestamp":"2024-05-01T12:00:00Z","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v3","session_id":"s3","timestamp":"not a time","page":"/","event_type":"page_view"}""",
            """{"visitor_id":"v3","session_id":"s3","timestamp":"2024-05-01T12:01:00Z","event_type":"teleport"}""") + "\n");
        (long Sessions, long Events)? staged = null;

        var result = InteractionLoaders.LoadWeb(warehouse, path, checkpoint: name =>
        {
            if (name == "staged")
            {
                // What Integration.MigrateStagedWebSessionData sums into the lineage's RowsLoaded: SUM(EventCount). On DuckDB the
                // same rows (same columns) are staged in the load's temporary table web_staging_<lineage key>, not in the
                // Integration table, which the DuckDB path leaves empty.
                var k = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"LineageKey\") FROM \"Integration\".\"Lineage\"");
                staged = warehouse.Connection.QuerySingle<(long, long)>(
                    $"SELECT count(*), sum(\"EventCount\")::BIGINT FROM temp.main.web_staging_{k} WHERE \"SourceName\" = 'web.jsonl' AND \"LineageKey\" = {k}");
                Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"WebSession_Staging\""));
            }
        });

        Assert.Equal((3L, 5L), staged);
        var events = staged!.Value.Events;
        var lineage = warehouse.Connection.QuerySingle<(long Read, long Loaded, long Rejected)>(
            "SELECT \"RowsRead\", \"RowsLoaded\", \"RowsRejected\" FROM \"Integration\".\"Lineage\" WHERE \"LineageKey\" = $k", new { k = result.LineageKey });
        Assert.Equal((7L, 5L, 2L), lineage);
        Assert.Equal(lineage.Loaded, events);
        Assert.Equal(lineage.Read, events + lineage.Rejected);
    }

    private const string CrmHeader = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n";

    /// <summary>A second CRM file after the seeded one (C1 Anna Smith and C2 Bob Jones, updated 2024-06-01 09:30).</summary>
    private const string SecondCrm = CrmHeader +
        "C1,Anna Smith,anna.smith@example.com,,,,Manchester,United Kingdom,,,,2024-07-01 09:30:00\n" +  // line 2: moved → new version of C1
        "C2,Bob Jones,bob@example.com,,,,York,United Kingdom,,,,2024-05-01 09:30:00\n" +               // line 3: older than the cutoff → skipped
        "C5,Carol White,carol@example.com,,1990-03-04,,York,United Kingdom,2023-01-01,,,2024-07-01 10:00:00\n" + // line 4: superseded by line 6
        "C3,Dan Brown,dan@example.com,,,,Bath,United Kingdom,,,,2024-07-01 09:30:00\n" +               // line 5: new
        "C5,Carol White,carol.white@example.com,,1990-03-04,,York,United Kingdom,2023-01-01,,,2024-07-02 10:00:00\n" + // line 6: C5's latest
        "C4,Robert Jones,bob@example.com,,,,Leeds,United Kingdom,,,,2024-07-01 09:30:00\n";           // line 7: Bob's e-mail under another CRM id

    [Fact]
    public void The_sql_server_crm_resolution_gives_the_keys_the_duckdb_load_gives()
    {
        // The SQL Server path's host half (cutoff, latest row per CRM id, IdentityResolver over Integration.CustomerIdentity,
        // new-customer ordinals) run against a DuckDB warehouse; then the same file loaded by the DuckDB path. The procedure
        // applies staged keys as they are and draws new keys from the sequence in ordinal order (parsed in
        // Warehouse.Database.Tests' LoadProcedureTests), so equal answers here mean equal keys on both engines.
        using var warehouse = WithCustomers();
        var path = Write("crm2.csv", SecondCrm);
        var firstNewKey = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"CustomerKey\") + 1 FROM \"Dimension\".\"Customer\"");

        var staged = CrmHostHalf.Resolve(warehouse, path);

        Assert.Equal([2L, 5L, 6L, 7L], staged.Select(r => r.SourceLineNumber).Order());
        Assert.Equal(["C1", "C3", "C4", "C5"], staged.Select(r => r.CrmCustomerId));
        Assert.Equal(KeyOf(warehouse, "C1").Key, Assert.Single(staged, r => r.CrmCustomerId == "C1").CustomerKey);
        var fresh = staged.Where(r => r.CustomerKey is null).ToList();
        Assert.Equal(Enumerable.Range(0, fresh.Select(r => r.NewCustomerOrdinal).Distinct().Count()), fresh.Select(r => r.NewCustomerOrdinal!.Value).Distinct().Order());
        Assert.All(fresh.GroupBy(r => r.NewCustomerOrdinal), g => Assert.Single(g, r => r.IsPrimary));

        var result = CrmLoader.Load(warehouse, path);

        Assert.Equal((6L, 6L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        foreach (var row in staged)
        {
            var expected = row.CustomerKey ?? firstNewKey + row.NewCustomerOrdinal!.Value;
            var duckDb = KeyOf(warehouse, row.CrmCustomerId);
            Assert.True(expected == duckDb.Key, $"{row.CrmCustomerId}: SQL Server path key {expected}, DuckDB key {duckDb.Key}");
            Assert.True(row.MatchRule == duckDb.Rule, $"{row.CrmCustomerId}: SQL Server path rule {row.MatchRule}, DuckDB rule {duckDb.Rule}");
        }

        Assert.Equal("carol.white@example.com", warehouse.Connection.ExecuteScalar<string>(
            "SELECT \"Email\" FROM \"Dimension\".\"Customer\" WHERE \"CrmCustomerId\" = 'C5' AND \"ValidTo\" = TIMESTAMP '9999-12-31'"));
    }

    [Fact]
    public void A_new_person_registered_twice_is_one_new_customer_on_both_paths()
    {
        using var warehouse = WithCustomers();
        var path = Write("dup.csv", CrmHeader +
            "E1,ERIN PAGE,erin+shop@example.com,,1979-09-09,F,Bath,United Kingdom,2023-01-01,,,2024-07-01 09:30:00\n" +
            "A0,Finn Ross,finn@example.com,,1981-01-01,M,Hull,United Kingdom,2022-01-01,,,2024-07-01 09:30:00\n" +
            "E2,Erin Page,erin@example.com,,1979-09-09,F,Bath,United Kingdom,2022-01-01,,,2024-07-01 09:30:00\n" +
            "D9,Robert Jones,bob@example.com,,,,Leeds,United Kingdom,,,,2024-07-01 09:30:00\n"); // Bob (C2) again under a new id
        var firstNewKey = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"CustomerKey\") + 1 FROM \"Dimension\".\"Customer\"");

        var staged = CrmHostHalf.Resolve(warehouse, path).ToDictionary(r => r.CrmCustomerId, StringComparer.Ordinal);

        Assert.Equal(staged["E1"].NewCustomerOrdinal, staged["E2"].NewCustomerOrdinal);
        Assert.NotEqual(staged["A0"].NewCustomerOrdinal, staged["E1"].NewCustomerOrdinal);
        Assert.Equal((false, true, true), (staged["E1"].IsPrimary, staged["E2"].IsPrimary, staged["A0"].IsPrimary)); // E2 signed up first
        Assert.Equal((KeyOf(warehouse, "C2").Key, "email"), (staged["D9"].CustomerKey!.Value, staged["D9"].MatchRule));

        CrmLoader.Load(warehouse, path);
        foreach (var row in staged.Values)
        {
            Assert.Equal(row.CustomerKey ?? firstNewKey + row.NewCustomerOrdinal!.Value, KeyOf(warehouse, row.CrmCustomerId).Key);
        }

        Assert.Equal("E2", warehouse.Connection.ExecuteScalar<string>(
            "SELECT \"CrmCustomerId\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" = $key", new { key = KeyOf(warehouse, "E1").Key }));
    }

    [Fact]
    public void Rows_not_newer_than_the_cutoff_are_skipped_for_known_ids_and_applied_for_new_ids_on_both_paths()
    {
        // The cutoff (2024-06-01 09:30, the seeded file's latest update) says which versions of known ids were seen; a row
        // of an id never loaded is new data whatever its time. An audit found such rows counted as loaded and dropped.
        using var warehouse = WithCustomers();
        var path = Write("old.csv", CrmHeader +
            "C1,Anna Smith,anna.smith@example.com,,,,Manchester,United Kingdom,,,,2024-06-01 09:30:00\n" + // line 2: known, equal to the cutoff: skipped
            "C2,Bob Jones,bob@example.com,,,,York,United Kingdom,,,,2024-05-01 00:00:00\n" +               // line 3: known, older: skipped
            "C2,Bob Jones,bob@example.com,,,,Hull,United Kingdom,,,,\n" +                                   // line 4: known, no time: applied
            "C9,Old Row,old@example.com,,,,Leeds,United Kingdom,,,,2024-01-01 00:00:00\n" +                // line 5: new id, older: applied
            "C8,Eve Stone,eve@example.com,,,,Bath,United Kingdom,,,,\n" +                                   // line 6: new id, no time
            "C8,Eve Stone,eve@example.com,,,,Wells,United Kingdom,,,,2024-06-01 09:30:00\n");               // line 7: a time beats none: wins
        var firstNewKey = warehouse.Connection.ExecuteScalar<int>("SELECT max(\"CustomerKey\") + 1 FROM \"Dimension\".\"Customer\"");

        var staged = CrmHostHalf.Resolve(warehouse, path);

        Assert.Equal([("C2", 4L), ("C8", 7L), ("C9", 5L)], staged.Select(r => (r.CrmCustomerId, r.SourceLineNumber)));

        var result = CrmLoader.Load(warehouse, path);

        Assert.Equal((6L, 6L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Contains("2 not newer than their id's stored version", result.Detail, StringComparison.Ordinal);
        foreach (var row in staged)
        {
            Assert.Equal(row.CustomerKey ?? firstNewKey + row.NewCustomerOrdinal!.Value, KeyOf(warehouse, row.CrmCustomerId).Key);
        }

        Assert.Equal(["Hull", "Leeds", "London", "Wells"], warehouse.Connection.Query<string>("""
            SELECT g."City" FROM "Dimension"."Customer" AS c JOIN "Dimension"."Geography" AS g ON g."GeographyKey" = c."GeographyKey"
            WHERE c."ValidTo" = TIMESTAMP '9999-12-31' AND c."CustomerKey" <> 0 ORDER BY 1
            """));
    }

    [Fact]
    public void The_latest_row_per_crm_id_wins_by_update_time_and_a_repeated_version_keeps_its_first_line()
    {
        // A repeated version (same id and update time, NULL = NULL) is rejected by the procedure's duplicate rule, naming
        // its first line: the host must resolve that first line, the one left in staging (FORMATS.md, "Duplicate rows").
        using var warehouse = WithCustomers();

        var staged = CrmHostHalf.Resolve(warehouse, Write("order.csv", CrmHeader +
            "C7,A,,,,,,,,,,2024-08-01 00:00:00\n" +   // line 2: wins
            "C7,B,,,,,,,,,,\n" +                       // line 3: no update time → below any time
            "C7,C,,,,,,,,,,2024-08-01 00:00:00\n" +   // line 4: same time as line 2 → a duplicate of line 2
            "C8,D,,,,,,,,,,\n" +                       // line 5: wins
            "C8,E,,,,,,,,,,\n" +                       // line 6: no time again → a duplicate of line 5
            "C9,F,,,,,,,,,,\n" +                       // line 7
            "C9,G,,,,,,,,,,2024-07-01 00:00:00\n"));  // line 8: a time beats none → wins

        Assert.Equal([("C7", 2L), ("C8", 5L), ("C9", 8L)], staged.Select(r => (r.CrmCustomerId, r.SourceLineNumber)));
    }

    [Fact]
    public void In_a_one_line_json_array_the_first_record_of_a_repeated_version_is_the_one_resolved()
    {
        // Audit defect 1: every element of a JSON array written on one line is line 1, so "first line" cannot tell a version
        // from its repeat; the procedure keeps the lowest record number (and joins CustomerMatch_Staging by record), so the
        // host must resolve that record. Records: 1 C7 A 08-01 (wins), 2 C7 C 08-01 (repeat of 1), 3 C8 D (wins),
        // 4 C8 E, no time (repeat of 3).
        using var warehouse = WithCustomers();

        var staged = CrmHostHalf.Resolve(warehouse, Write("order.json",
            """[{"id":"C7","name":"A","updated_at":"2024-08-01T00:00:00Z"},{"id":"C7","name":"C","updated_at":"2024-08-01T00:00:00Z"},{"id":"C8","name":"D"},{"id":"C8","name":"E"}]"""));

        Assert.Equal([("C7", 1L, 1L), ("C8", 1L, 3L)], staged.Select(r => (r.CrmCustomerId, r.SourceLineNumber, r.SourceRecordNumber)));
    }

    [Fact]
    public void The_crm_resolution_scratch_database_is_bounded_like_the_warehouse_and_its_spill_directory_is_removed()
    {
        // Before: an in-memory DuckDB with DuckDB's defaults (memory_limit 80 % of RAM) and only a temp_directory.
        using var warehouse = WithCustomers();
        var resolution = CrmResolution.Begin(warehouse, CrmLoader.SourceSystem);
        var scratch = resolution.Scratch.Connection;
        Assert.Equal(warehouse.Connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"),
            scratch.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
        Assert.True(scratch.ExecuteScalar<bool>("SELECT current_setting('allocator_background_threads')"));
        var spill = resolution.Scratch.SpillDirectory;
        Assert.Equal(spill, scratch.ExecuteScalar<string>("SELECT current_setting('temp_directory')"));

        Directory.CreateDirectory(spill); // as DuckDB does when it first spills
        File.WriteAllText(Path.Combine(spill, "block.tmp"), "x");
        resolution.Dispose();
        Assert.False(Directory.Exists(spill));
    }

    /// <summary>The durable key and match rule the DuckDB load gave a CRM id (the source-key map: a duplicate id has no version of its own).</summary>
    private static (int Key, string Rule) KeyOf(DuckDbWarehouse warehouse, string crmId) =>
        warehouse.Connection.QuerySingle<(int, string)>("""
            SELECT "CustomerKey", "MatchRule" FROM "Integration"."CustomerKeyMap" WHERE "CrmCustomerId" = $crmId
            """, new { crmId });
}
