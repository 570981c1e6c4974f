using System.Text;
using Dapper;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Issue 6, "nothing is lost": a web event the sessionizer rejects (out of time order beyond the 5-minute lateness, or an
/// exact repeat) keeps its JSON line exactly as read as RawRecord, like the reader's own rejects: not null, not the cleaned
/// values re-serialised. The lines differ from any re-serialisation (key order, spaces, escapes, an unknown field,
/// non-ASCII, a time zone offset). Both engines receive the same SourceReject through ISourceLoad.Reject (the SQL Server
/// spool's round trip is RejectSpoolTests); the DuckDB load is run end to end here.
/// </summary>
public sealed class WebRejectRawRecordTests : CustomerSeededTests
{
    private static readonly string[] Lines =
    [
        """{"visitor_id":"v1","session_id":"s1","timestamp":"2024-05-01T10:00:00Z","page":"/","event_type":"page_view"}""",
        """{"visitor_id": "v2",  "session_id":"s2", "timestamp":"2024-05-01T10:30:00Z","event_type":"Page View","page":"/caf\u00e9","extra":{"x":[1, 2]}}""",
        // 20 minutes older than line 2: rejected as out of time order.
        """{ "event_type":"purchase", "timestamp":"2024-05-01T12:10:00+02:00", "visitor_id":"v3","session_id":"s3","page":"/ünï 漢字 🙂" }""",
        // The values of line 2 (page "/café", type page_view), written otherwise: rejected as its duplicate.
        """{"session_id":"s2","visitor_id":"v2","timestamp":"2024-05-01T10:30:00.000Z","event_type":"page_view","page":"/café"}""",
    ];

    [Fact]
    public void Sessionizer_rejects_carry_their_line_exactly_as_read()
    {
        var bytes = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", Lines) + "\n"));

        var rejects = new WebSessionizer().Sessionize(WebEventReader.ReadJsonLines(bytes, "web.jsonl"), "web.jsonl")
            .Where(i => i.IsRejected).Select(i => i.Reject!).ToList();

        Assert.Equal([(3L, "timestamp"), (4L, (string?)null)], rejects.Select(r => (r.LineNumber, r.ColumnName)));
        Assert.Contains("must be in time order", rejects[0].Reason, StringComparison.Ordinal);
        Assert.Equal("duplicate of line 2", rejects[1].Reason);
        Assert.Equal([Lines[2], Lines[3]], rejects.Select(r => r.RawRecord));
    }

    [Fact]
    public void A_late_or_repeated_event_lands_in_the_reject_table_with_its_line_exactly_as_read()
    {
        using var warehouse = WithCustomers();
        var path = Write("web-raw.jsonl", string.Join("\n", Lines) + "\n");

        var result = InteractionLoaders.LoadWeb(warehouse, path);

        Assert.Equal((4L, 2L, 2L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var stored = warehouse.Connection.Query<(long Line, string? Column, string Reason, string? Raw)>("""
            SELECT "SourceLineNumber", "ColumnName", "Reason", "RawRecord" FROM "Integration"."RejectedWebEvent" ORDER BY 1
            """).ToList();
        Assert.Equal([(3L, "timestamp", Lines[2]), (4L, null, Lines[3])], stored.Select(s => (s.Line, s.Column, s.Raw)));
        Assert.Equal("duplicate of line 2", stored[1].Reason);
    }
}
