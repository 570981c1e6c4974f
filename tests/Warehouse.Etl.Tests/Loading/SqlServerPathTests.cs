using Dapper;
using Warehouse.Etl.Loading;

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
                // What Integration.MigrateStagedWebSessionData sums into the lineage's RowsLoaded: SUM(EventCount).
                staged = warehouse.Connection.QuerySingle<(long, long)>(
                    "SELECT count(*), sum(\"EventCount\")::BIGINT FROM \"Integration\".\"WebSession_Staging\" WHERE \"SourceName\" = 'web.jsonl'");
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
}
