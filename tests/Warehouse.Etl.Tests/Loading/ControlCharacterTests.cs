using System.Text.Json;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Loading;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// Regression (audit of issue 6, defect 2): text with U+0000 was cut at the NUL on the CRM, survey, web and social paths
/// (DuckDB.NET's appender hands strings over as C strings), so "nul\u0000byte" was stored as "nul" and the CRM ids
/// "Z\u0000A" and "Z\u0000B" became one customer. Every text field of every source must arrive exactly as given.
/// </summary>
public sealed class ControlCharacterTests : CustomerSeededTests
{
    /// <summary>NUL at the start, middle and end, other C0 controls, DEL, a C1 control and a line separator.</summary>
    private static string Odd(string tag) => $"\u0000{tag}\u0000mid\u0001\u001f\u007f\u0085\u2028end\u0000";

    private static string Json(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public void Crm_text_with_nul_and_control_characters_is_stored_exactly()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("crm.json", Json(new[]
        {
            new Dictionary<string, string> { ["crm_customer_id"] = Odd("id"), ["full_name"] = Odd("name"), ["city"] = Odd("city"), ["country"] = Odd("country"), ["updated_at"] = "2024-01-01T00:00:00Z" },
        }));

        var result = CrmLoader.Load(warehouse, path);

        Assert.Equal((1L, 1L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        // Outer white space is trimmed from names and places (FORMATS.md); none of these characters is white space but U+0085 and U+2028, which sit inside.
        var stored = warehouse.Connection.QuerySingle<(string Id, string Name, string City, string Country)>(
            "SELECT \"CrmCustomerId\", \"FullName\", \"City\", \"Country\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0");
        Assert.Equal((Odd("id"), Odd("name"), Odd("city"), Odd("country")), stored);
    }

    [Fact]
    public void Crm_ids_that_differ_after_a_nul_stay_two_customers()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var path = Write("crm.json", """
            [{"crm_customer_id":"Z\u0000A","full_name":"Ann One","city":"Leeds","updated_at":"2024-01-01T00:00:00Z"},
             {"crm_customer_id":"Z\u0000B","full_name":"Bob Two","city":"York","updated_at":"2024-01-01T00:00:00Z"}]
            """);

        var result = CrmLoader.Load(warehouse, path);

        Assert.Equal((2L, 2L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var customers = warehouse.Connection.Query<(int Key, string Id, string Name)>(
            "SELECT \"CustomerKey\", \"CrmCustomerId\", \"FullName\" FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0 ORDER BY 2").ToList();
        Assert.Equal(["Z\u0000A", "Z\u0000B"], customers.Select(c => c.Id));
        Assert.Equal(["Ann One", "Bob Two"], customers.Select(c => c.Name));
        Assert.NotEqual(customers[0].Key, customers[1].Key);
    }

    [Fact]
    public void Survey_text_with_nul_and_control_characters_is_stored_exactly()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm.json", Json(new[] { new Dictionary<string, string> { ["crm_customer_id"] = "S\u00001", ["full_name"] = "Sam" } })));
        // A CSV field in quotes carries the raw bytes: NUL, other controls and a line break inside the value.
        var text = "crm_customer_id,survey_date,income_band,education,occupation,marital_status\n" +
            $"\"S\u00001\",2024-03-01,\"{Odd("income")}\",\"{Odd("edu")}\",\"{Odd("job")}\",\"{Odd("married")}\"\n";

        var result = DemographicsLoader.Load(warehouse, Write("survey.csv", text));

        Assert.Equal((1L, 1L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var stored = warehouse.Connection.QuerySingle<(string Income, string Education, string Occupation, string Marital)>(
            "SELECT \"IncomeBand\", \"Education\", \"Occupation\", \"MaritalStatus\" FROM \"Fact\".\"SurveyResponse\"");
        Assert.Equal((Odd("income"), Odd("edu"), Odd("job"), Odd("married")), stored);
    }

    [Fact]
    public void Web_text_with_nul_and_control_characters_is_stored_exactly()
    {
        using var warehouse = WithCustomers();
        var path = Write("web.jsonl", Json(new Dictionary<string, string>
        {
            ["visitor_id"] = Odd("visitor"), ["session_id"] = Odd("session"), ["timestamp"] = "2024-05-01T10:00:00Z", ["page"] = Odd("page"),
            ["event_type"] = "page_view", ["product"] = Odd("product"), ["referrer"] = Odd("referrer"), ["device"] = Odd("device"),
        }) + "\n");

        var result = InteractionLoaders.LoadWeb(warehouse, path);

        Assert.Equal((1L, 1L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var stored = warehouse.Connection.QuerySingle<(string Visitor, string Session, string Referrer, string Device)>(
            "SELECT \"WebVisitorId\", \"SessionId\", \"Referrer\", \"Device\" FROM \"Fact\".\"WebSession\"");
        // The device is lower-cased (FORMATS.md); ToLowerInvariant leaves the control characters as they are.
        Assert.Equal((Odd("visitor"), Odd("session"), Odd("referrer"), Odd("device")), stored);
    }

    [Fact]
    public void Social_text_with_nul_and_control_characters_is_stored_exactly()
    {
        using var warehouse = WithCustomers();
        var path = Write("social.json", Json(new[]
        {
            new Dictionary<string, string>
            {
                ["platform"] = Odd("x"), ["comment_id"] = Odd("c1"), ["handle"] = Odd("handle"), ["timestamp"] = "2024-05-02T18:22:00Z",
                ["text"] = "nul\u0000byte " + Odd("text"), ["reply_to"] = Odd("parent"),
            },
        }));

        var result = InteractionLoaders.LoadSocial(warehouse, path);

        Assert.Equal((1L, 1L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var stored = warehouse.Connection.QuerySingle<(string Platform, string Id, string Handle, string Text, string Reply)>(
            "SELECT \"Platform\", \"CommentId\", \"SocialHandle\", \"CommentText\", \"ReplyToCommentId\" FROM \"Fact\".\"SocialInteraction\"");
        Assert.Equal((Odd("x"), Odd("c1"), Odd("handle"), "nul\u0000byte " + Odd("text"), Odd("parent")), stored);
    }
}
