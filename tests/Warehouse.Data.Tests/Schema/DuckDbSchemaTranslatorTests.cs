using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data.Schema;

namespace Warehouse.Data.Tests.Schema;

public sealed class DuckDbSchemaTranslatorTests
{
    [Fact]
    public void Every_table_file_of_the_database_folder_is_translated()
    {
        var scripts = SchemaScript.LoadEmbedded();
        var schema = DuckDbSchemaTranslator.Translate(scripts);

        var tableFiles = scripts.Count(s => s.Name.Contains("/Tables/", StringComparison.Ordinal));
        Assert.True(tableFiles >= 20, $"expected the star schema's tables, found {tableFiles} files");
        Assert.Equal(tableFiles, schema.Tables.Count);
        Assert.Contains(schema.Tables, t => t is { Schema: "Fact", Name: "Purchase" });
    }

    [Fact]
    public void A_nonclustered_primary_key_on_a_sequence_numbered_column_gets_no_index_and_other_keys_stay()
    {
        const string tsql = """
            CREATE TABLE [F].[Fact] (
                [FactKey] BIGINT NOT NULL CONSTRAINT [DF_F_Fact_FactKey] DEFAULT (NEXT VALUE FOR [Sequences].[FactKey]),
                [Code] NVARCHAR(20) NOT NULL,
                CONSTRAINT [PK_F_Fact] PRIMARY KEY NONCLUSTERED ([FactKey] ASC)
            );
            GO
            CREATE TABLE [F].[Pair] (
                [A] INT NOT NULL,
                [B] INT NOT NULL,
                CONSTRAINT [PK_F_Pair] PRIMARY KEY NONCLUSTERED ([A] ASC, [B] ASC)
            );
            GO
            CREATE TABLE [F].[Numbered] (
                [NumberedKey] INT NOT NULL CONSTRAINT [DF_F_Numbered_NumberedKey] DEFAULT (NEXT VALUE FOR [Sequences].[NumberedKey]),
                CONSTRAINT [PK_F_Numbered] PRIMARY KEY CLUSTERED ([NumberedKey] ASC)
            );
            """;
        var schema = DuckDbSchemaTranslator.Translate([new SchemaScript("F/Tables/Fact.sql", tsql)]);

        var creates = schema.Statements.Where(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal)).ToList();
        var fact = Assert.Single(creates, s => s.Contains("\"Fact\" (", StringComparison.Ordinal));
        Assert.DoesNotContain("PRIMARY KEY", fact);
        Assert.Contains("\"FactKey\" BIGINT NOT NULL DEFAULT nextval('Sequences.FactKey')", fact);
        Assert.Contains(schema.Skipped, s => s.Contains("PK_F_Fact", StringComparison.Ordinal));
        Assert.Contains("PRIMARY KEY (\"A\", \"B\")", Assert.Single(creates, s => s.Contains("\"Pair\" (", StringComparison.Ordinal)));
        Assert.Contains("PRIMARY KEY (\"NumberedKey\")", Assert.Single(creates, s => s.Contains("\"Numbered\" (", StringComparison.Ordinal)));
    }

    [Fact]
    public void Types_defaults_keys_and_descriptions_are_translated()
    {
        const string tsql = """
            CREATE TABLE [S].[T] (
                [Key] BIGINT NOT NULL CONSTRAINT [DF_S_T_Key] DEFAULT (NEXT VALUE FOR [Sequences].[TKey]),
                [Flag] BIT NOT NULL CONSTRAINT [DF_S_T_Flag] DEFAULT (0),
                [Name] NVARCHAR(50) NULL CONSTRAINT [DF_S_T_Name] DEFAULT (N'it''s'),
                [Amount] DECIMAL(18, 4) NOT NULL,
                [Score] FLOAT NOT NULL,
                [Small] FLOAT(24) NULL,
                [At] DATETIME2(7) NOT NULL,
                [Blob] VARBINARY(MAX) NULL,
                CONSTRAINT [PK_S_T] PRIMARY KEY CLUSTERED ([Key] ASC),
                CONSTRAINT [UQ_S_T_Name] UNIQUE NONCLUSTERED ([Name]),
                CONSTRAINT [FK_S_T_Key_S_U] FOREIGN KEY ([Key]) REFERENCES [S].[U] ([Key])
            );
            GO
            EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Owner''s table',
                @level0type = N'SCHEMA', @level0name = N'S', @level1type = N'TABLE', @level1name = N'T',
                @level2type = N'COLUMN', @level2name = N'Name';
            """;
        var schema = DuckDbSchemaTranslator.Translate([new SchemaScript("S/Tables/T.sql", tsql)]);

        var create = Assert.Single(schema.Statements, s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal));
        Assert.Contains("\"Key\" BIGINT NOT NULL DEFAULT nextval('Sequences.TKey')", create);
        Assert.Contains("\"Flag\" BOOLEAN NOT NULL DEFAULT 0", create);
        Assert.Contains("\"Name\" VARCHAR DEFAULT 'it''s'", create);
        Assert.Contains("\"Amount\" DECIMAL(18, 4) NOT NULL", create);
        Assert.Contains("\"Score\" DOUBLE NOT NULL", create);
        Assert.Contains("\"Small\" FLOAT", create);
        Assert.Contains("\"At\" TIMESTAMP NOT NULL", create);
        Assert.Contains("\"Blob\" BLOB", create);
        Assert.Contains("PRIMARY KEY (\"Key\")", create);
        Assert.Contains("UNIQUE (\"Name\")", create);
        Assert.DoesNotContain("FOREIGN KEY", create);
        Assert.Contains(schema.Skipped, s => s.Contains("FK_S_T_Key_S_U", StringComparison.Ordinal));
        Assert.Contains("COMMENT ON COLUMN \"S\".\"T\".\"Name\" IS 'Owner''s table';", schema.Statements);
    }

    [Fact]
    public void View_bodies_are_rewritten_token_by_token()
    {
        const string tsql = """
            CREATE VIEW [R].[V]
            AS
            SELECT CAST(t.[Score] AS FLOAT) AS [Score Value], N'x' AS [Label], '[not a name]' AS [Text]
            FROM [S].[T] AS t
            WHERE t.[Name] = N'a]b';
            """;
        var schema = DuckDbSchemaTranslator.Translate([new SchemaScript("R/Views/V.sql", tsql)]);

        var view = Assert.Single(schema.Statements);
        Assert.StartsWith("CREATE OR REPLACE VIEW \"R\".\"V\" AS", view);
        Assert.Contains("CAST(t.\"Score\" AS DOUBLE) AS \"Score Value\"", view);
        Assert.Contains("'x' AS \"Label\"", view);
        Assert.Contains("'[not a name]' AS \"Text\"", view);
        Assert.Contains("t.\"Name\" = 'a]b'", view);
    }

    [Fact]
    public void Views_are_created_after_the_views_they_read()
    {
        var schema = DuckDbSchemaTranslator.Translate([
            new SchemaScript("R/Views/A.sql", "CREATE VIEW [R].[A] AS SELECT b.[X] FROM [R].[B] AS b;"),
            new SchemaScript("R/Views/B.sql", "CREATE VIEW [R].[B] AS SELECT 1 AS [X];"),
        ]);

        Assert.Equal(2, schema.Statements.Count);
        Assert.Contains("\"R\".\"B\"", schema.Statements[0].Split('\n')[0]);
        Assert.Contains("\"R\".\"A\"", schema.Statements[1].Split('\n')[0]);
    }

    [Fact]
    public void Descriptions_of_views_follow_the_views_and_those_of_procedures_and_table_types_stay_on_sql_server()
    {
        var schema = DuckDbSchemaTranslator.Translate([
            new SchemaScript("R/Views/A.sql", """
                CREATE VIEW [R].[A] AS SELECT 1 AS [X];
                GO
                EXECUTE sp_addextendedproperty @name = N'Description', @value = N'View A',
                    @level0type = N'SCHEMA', @level0name = N'R', @level1type = N'VIEW', @level1name = N'A';
                """),
            new SchemaScript("S/Stored Procedures/P.sql", """
                CREATE PROCEDURE [S].[P] @K INT AS BEGIN SET NOCOUNT ON; END;
                GO
                EXECUTE sp_addextendedproperty @name = N'Description', @value = N'Procedure P',
                    @level0type = N'SCHEMA', @level0name = N'S', @level1type = N'PROCEDURE', @level1name = N'P';
                """),
            new SchemaScript("S/User Defined Types/L.sql", """
                CREATE TYPE [S].[L] AS TABLE ([K] INT NOT NULL PRIMARY KEY);
                GO
                EXECUTE sp_addextendedproperty @name = N'Description', @value = N'List L',
                    @level0type = N'SCHEMA', @level0name = N'S', @level1type = N'TYPE', @level1name = N'L';
                """),
        ]);

        // DuckDB cannot comment on a view before it exists, and views come after every table.
        Assert.Equal(2, schema.Statements.Count);
        Assert.StartsWith("CREATE OR REPLACE VIEW \"R\".\"A\"", schema.Statements[0], StringComparison.Ordinal);
        Assert.Equal("COMMENT ON VIEW \"R\".\"A\" IS 'View A';", schema.Statements[1]);
        Assert.Contains(schema.Skipped, s => s.StartsWith("S/Stored Procedures/P.sql(1): CreateProcedure", StringComparison.Ordinal));
        Assert.Contains(schema.Skipped, s => s.StartsWith("S/User Defined Types/L.sql(1): CreateTypeTable", StringComparison.Ordinal));
    }

    [Fact]
    public void An_untranslatable_construct_is_an_error_naming_file_and_line()
    {
        const string tsql = "CREATE TABLE [S].[T] (\n    [A] INT NOT NULL,\n    [B] AS ([A] * 2)\n);";
        var error = Assert.Throws<InvalidDataException>(
            () => DuckDbSchemaTranslator.Translate([new SchemaScript("S/Tables/T.sql", tsql)]));
        Assert.Contains("S/Tables/T.sql(1)", error.Message);
        Assert.Contains("computed column B", error.Message);
    }

    [Fact]
    public void A_parse_error_names_file_line_and_column()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => DuckDbSchemaTranslator.Translate([new SchemaScript("S/Tables/T.sql", "CREATE TABLE [S].[T] (\n  [A] INT NOT NULL,,\n);")]));
        Assert.Matches(@"S/Tables/T\.sql\(2,\d+\): T-SQL parse error", error.Message);
    }

    [Theory]
    [InlineData(SqlDataTypeOption.Int, "INTEGER")]
    [InlineData(SqlDataTypeOption.TinyInt, "UTINYINT")]
    [InlineData(SqlDataTypeOption.Money, "DECIMAL(19, 4)")]
    [InlineData(SqlDataTypeOption.DateTimeOffset, "TIMESTAMPTZ")]
    [InlineData(SqlDataTypeOption.UniqueIdentifier, "UUID")]
    public void Scalar_types_map_to_the_duckdb_type_holding_the_same_values(SqlDataTypeOption option, string expected) =>
        Assert.Equal(expected, DuckDbSchemaTranslator.MapType(option, []));
}
