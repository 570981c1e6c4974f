using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data.Schema;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>
/// The upgrade's pre-deployment script and its restore (PostDeployment/06_UpgradeRestore.sql) run on DuckDB over tables of
/// the old shapes, DacFx's part played by recreating the emptied tables from today's T-SQL: every row comes back, with
/// SourceRecordNumber = SourceLineNumber, and running either script again, or on a new database, changes nothing.
/// The scripts' statements are sent as written except for what cannot be common: <c>[name]</c> → <c>"name"</c>,
/// <c>N'…'</c> → <c>'…'</c>, <c>OBJECT_ID(N'[S].[T]', N'U')</c> / <c>COL_LENGTH(N'[S].[T]', N'C')</c> <c>IS [NOT] NULL</c> →
/// <c>[NOT] EXISTS</c> on information_schema, <c>SELECT * INTO T FROM …</c> → <c>CREATE TABLE T AS SELECT * FROM …</c>,
/// <c>INSERT [T]</c> → <c>INSERT INTO [T]</c>, <c>ADD [C] INT NULL</c> → <c>ADD COLUMN "C" INTEGER</c>; transaction
/// statements and SET options are skipped (each script runs alone here).
/// </summary>
public class UpgradeOnDuckDbTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Fact]
    public void RowsMovedAsideComeBackWithRecordNumberEqualToLineAndRerunsChangeNothing()
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var pre = fixture.Source.PreDeploymentScript();
        var restore = fixture.Source.PostDeploymentFiles.Single(f => f.Name == "PostDeployment/06_UpgradeRestore.sql").Text;

        // A warehouse deployed before 2026-12-02 (see UpgradeTests): RejectedCustomer keyed by line, WebSession_Staging
        // without SourceRecordNumber and EventCount, Purchase_Staging with InvoiceLineNumber; the other tables absent.
        Execute(connection, "CREATE SCHEMA \"Integration\";");
        Create(connection, "RejectedCustomer", old: true);
        Create(connection, "WebSession_Staging", old: true);
        Create(connection, "Purchase_Staging", old: true);
        Execute(connection, """
            INSERT INTO "Integration"."RejectedCustomer" VALUES
                (7, 'crm.json', 2, 'email', 'not an e-mail address', '{"id":"C1"}'),
                (7, 'crm.json', 3, NULL, 'duplicate of line 2', NULL),
                (8, 'crm.csv', 2, 'birth_date', 'not a date', 'C9,1990-13-01');
            INSERT INTO "Integration"."WebSession_Staging" ("SourceName", "SourceLineNumber", "SessionId", "WebVisitorId", "CrmCustomerId", "EmailHash", "StartTime", "EndTime", "PageViews", "ProductViews", "AddToCarts", "Conversions", "Device", "Referrer", "LineageKey")
                VALUES ('web.jsonl', 4, 's-1', 'v-1', NULL, NULL, TIMESTAMP '2024-05-01 10:00:00', TIMESTAMP '2024-05-01 10:05:00', 3, 1, 1, 1, 'mobile', NULL, 9);
            INSERT INTO "Integration"."Purchase_Staging" ("SourceName", "SourceLineNumber", "InvoiceNo", "InvoiceLineNumber", "StockCode", "Description", "Quantity", "InvoiceDateTime", "UnitPrice", "CrmCustomerId", "Country", "CurrencyCode", "IsCancellation", "LineageKey")
                VALUES ('tx.csv', 2, '536365', 1, '85123A', 'HEART', 6, TIMESTAMP '2010-12-01 08:26:00', 2.55, '17850', 'United Kingdom', 'GBP', false, 10);
            """);

        Run(connection, pre);
        Assert.Equal(0L, Count(connection, "RejectedCustomer"));
        Assert.Equal(3L, Count(connection, "Upgrade_RejectedCustomer"));
        Assert.Equal(1L, Count(connection, "Upgrade_WebSession_Staging"));
        Assert.Equal(1L, Count(connection, "Upgrade_Purchase_Staging"));
        Assert.False(TableExists(connection, "Upgrade_Customer_Staging"), "absent tables are left alone");

        // An interrupted publish run again: nothing moves twice.
        Run(connection, pre);
        Assert.Equal(3L, Count(connection, "Upgrade_RejectedCustomer"));

        // DacFx: the emptied tables rebuilt with today's definition (the others created).
        foreach (var table in new[] { "RejectedCustomer", "WebSession_Staging", "Purchase_Staging" })
        {
            Execute(connection, $"""DROP TABLE "Integration"."{table}";""");
            Create(connection, table, old: false);
        }

        Run(connection, pre);
        Assert.Equal(3L, Count(connection, "Upgrade_RejectedCustomer"));
        Run(connection, restore);
        Run(connection, restore);

        // Record number = line, every other column as stored; the key (LineageKey, SourceRecordNumber) holds.
        Assert.Equal(
            ["7|crm.json|2|2|email|not an e-mail address|{\"id\":\"C1\"}", "7|crm.json|3|3||duplicate of line 2|", "8|crm.csv|2|2|birth_date|not a date|C9,1990-13-01"],
            Rows(connection, """SELECT concat_ws('|', "LineageKey", "SourceName", "SourceLineNumber", "SourceRecordNumber", coalesce("ColumnName", ''), "Reason", coalesce("RawRecord", '')) FROM "Integration"."RejectedCustomer" ORDER BY 1"""));
        // EventCount: a lower bound from the counters, 3 page views (product views included) + 1 add-to-cart + 1 purchase = 5.
        Assert.Equal(["9|4|4|s-1|5"], Rows(connection, """SELECT concat_ws('|', "LineageKey", "SourceLineNumber", "SourceRecordNumber", "SessionId", "EventCount") FROM "Integration"."WebSession_Staging" """));
        Assert.Equal(["10|2|536365|false"], Rows(connection, """SELECT concat_ws('|', "LineageKey", "SourceLineNumber", "InvoiceNo", "IsRejected") FROM "Integration"."Purchase_Staging" """));
        Assert.False(TableExists(connection, "Upgrade_RejectedCustomer"));
        Assert.False(TableExists(connection, "Upgrade_WebSession_Staging"));
        Assert.False(TableExists(connection, "Upgrade_Purchase_Staging"));

        // Upgraded: both scripts again change nothing.
        Run(connection, pre);
        Run(connection, restore);
        Assert.Equal(3L, Count(connection, "RejectedCustomer"));
        Assert.False(TableExists(connection, "Upgrade_RejectedCustomer"));
    }

    [Fact]
    public void OnANewDatabaseBothScriptsDoNothing()
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, "CREATE SCHEMA \"Integration\";");
        Run(connection, fixture.Source.PreDeploymentScript());
        Run(connection, fixture.Source.PostDeploymentFiles.Single(f => f.Name == "PostDeployment/06_UpgradeRestore.sql").Text);
        Assert.Equal(["0"], Rows(connection, "SELECT count(*)::VARCHAR FROM information_schema.tables WHERE table_schema = 'Integration'"));
    }

    private void Create(DuckDBConnection connection, string table, bool old)
    {
        var file = fixture.Source.ObjectFiles.Single(f => f.Name == $"Integration/Tables/{table}.sql");
        var text = old ? UpgradeTests.OldTable(file.Text, table, keyedByRecord: table != "Purchase_Staging", before: "7e091ae") : file.Text;
        foreach (var statement in DuckDbSchemaTranslator.Translate([new SchemaScript(file.Name, text)]).Statements)
        {
            Execute(connection, statement);
        }
    }

    /// <summary>Runs a script statement by statement, IF conditions evaluated on DuckDB.</summary>
    private static void Run(DuckDBConnection connection, string script)
    {
        var parsed = TSqlText.Parse(script);
        foreach (var statement in parsed.Batches.SelectMany(b => b.Statements))
        {
            Run(connection, script, statement);
        }
    }

    private static void Run(DuckDBConnection connection, string script, TSqlStatement statement)
    {
        switch (statement)
        {
            case PredicateSetStatement or BeginTransactionStatement or CommitTransactionStatement:
                return;
            case BeginEndBlockStatement block:
                foreach (var inner in block.StatementList.Statements)
                {
                    Run(connection, script, inner);
                }

                return;
            case IfStatement conditional:
                var condition = Translate(script.Substring(conditional.Predicate.StartOffset, conditional.Predicate.FragmentLength));
                if (Rows(connection, $"SELECT ({condition})::VARCHAR")[0] == "true")
                {
                    Run(connection, script, conditional.ThenStatement);
                }
                else if (conditional.ElseStatement is not null)
                {
                    Run(connection, script, conditional.ElseStatement);
                }

                return;
            default:
                Execute(connection, Translate(script.Substring(statement.StartOffset, statement.FragmentLength)));
                return;
        }
    }

    private static string Translate(string sql)
    {
        string Exists(string schema, string table, string? column, bool not) => (not ? "NOT " : string.Empty)
            + (column is null
                ? $"EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = '{table}')"
                : $"EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = '{table}' AND column_name = '{column}')");

        sql = Regex.Replace(sql, @"OBJECT_ID\(N'\[(\w+)\]\.\[(\w+)\]', N'U'\) IS (NOT )?NULL",
            m => Exists(m.Groups[1].Value, m.Groups[2].Value, null, not: m.Groups[3].Success == false));
        sql = Regex.Replace(sql, @"COL_LENGTH\(N'\[(\w+)\]\.\[(\w+)\]', N'(\w+)'\) IS (NOT )?NULL",
            m => Exists(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, not: m.Groups[4].Success == false));
        sql = Regex.Replace(sql, @"^SELECT \* INTO (\S+) FROM", "CREATE TABLE $1 AS SELECT * FROM");
        sql = Regex.Replace(sql, @"^INSERT \[", "INSERT INTO [");
        sql = Regex.Replace(sql, @"ADD \[(\w+)\] INT NULL", "ADD COLUMN [$1] INTEGER");
        sql = Regex.Replace(sql, @"N'", "'");
        Assert.DoesNotContain("OBJECT_ID", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("COL_LENGTH", sql, StringComparison.Ordinal);
        return Regex.Replace(sql, @"\[([^\]]+)\]", "\"$1\"");
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Rows(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetValue(0).ToString()!);
        }

        return rows;
    }

    private static long Count(DuckDBConnection connection, string table) =>
        long.Parse(Rows(connection, $"""SELECT count(*)::VARCHAR FROM "Integration"."{table}" """)[0], System.Globalization.CultureInfo.InvariantCulture);

    private static bool TableExists(DuckDBConnection connection, string table) =>
        Rows(connection, $"SELECT count(*)::VARCHAR FROM information_schema.tables WHERE table_schema = 'Integration' AND table_name = '{table}'")[0] == "1";
}
