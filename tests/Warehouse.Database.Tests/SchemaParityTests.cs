using Dapper;
using Microsoft.SqlServer.Dac.Model;
using Warehouse.Data.DuckDb;

namespace Warehouse.Database.Tests;

/// <summary>
/// Issue 3: every table and column of the DacFx model exists in the DuckDB warehouse with a matching type and
/// NULL-ability. The expected DuckDB type is this test's own table (what information_schema reports for the type
/// DuckDB stores), written independently of the translator in Warehouse.Data.
/// </summary>
public class SchemaParityTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private static string ExpectedDuckDbType(string sqlType, int precision, int scale) => sqlType switch
    {
        "int" => "INTEGER",
        "bigint" => "BIGINT",
        "smallint" => "SMALLINT",
        "tinyint" => "UTINYINT",
        "bit" => "BOOLEAN",
        "decimal" or "numeric" => $"DECIMAL({precision},{scale})",
        "float" => "DOUBLE",
        "real" => "FLOAT",
        "date" => "DATE",
        "datetime2" or "datetime" or "smalldatetime" => "TIMESTAMP",
        "nvarchar" or "varchar" or "nchar" or "char" => "VARCHAR",
        "varbinary" or "binary" => "BLOB",
        "uniqueidentifier" => "UUID",
        _ => throw new InvalidOperationException($"no expected DuckDB type for SQL Server type {sqlType}"),
    };

    [Fact]
    public void EveryModelTableAndColumnExistsInDuckDbWithMatchingType()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var actual = warehouse.Connection.Query<(string Schema, string Table, string Column, string Type, string Nullable)>(
                "SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema <> 'main'")
            .ToDictionary(c => $"{c.Schema}.{c.Table}.{c.Column}", StringComparer.OrdinalIgnoreCase);

        var problems = new List<string>();
        var checkedColumns = 0;
        foreach (var table in fixture.Tables)
        {
            foreach (var column in table.GetReferenced(Table.Columns))
            {
                checkedColumns++;
                var name = ModelFixture.Plain(column.Name);
                var type = column.GetReferenced(Column.DataType).Single().Name.Parts[^1].ToLowerInvariant();
                var expected = ExpectedDuckDbType(type, column.GetProperty<int>(Column.Precision), column.GetProperty<int>(Column.Scale));
                var nullable = column.GetProperty<bool>(Column.Nullable);
                if (!actual.TryGetValue(name, out var duck))
                {
                    problems.Add($"{name} ({type}) is missing in DuckDB");
                    continue;
                }

                if (!string.Equals(duck.Type.Replace(" ", string.Empty, StringComparison.Ordinal), expected, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{name}: SQL Server {type} expects DuckDB {expected}, found {duck.Type}");
                }

                if ((duck.Nullable == "YES") != nullable)
                {
                    problems.Add($"{name}: NULL-ability differs (SQL Server {(nullable ? "NULL" : "NOT NULL")}, DuckDB is_nullable {duck.Nullable})");
                }
            }
        }

        Assert.True(checkedColumns > 200, $"only {checkedColumns} columns checked");
        Expect.None(problems, "DacFx model and DuckDB warehouse agree");
    }

    [Fact]
    public void DuckDbHasNoTableTheModelLacks()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var modelTables = fixture.Tables.Select(t => ModelFixture.Plain(t.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var duckTables = warehouse.Connection.Query<string>(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema <> 'main'").ToList();

        Assert.NotEmpty(duckTables);
        Expect.None(duckTables.Where(t => !modelTables.Contains(t)), "every DuckDB table is in the DacFx model");
    }
}
