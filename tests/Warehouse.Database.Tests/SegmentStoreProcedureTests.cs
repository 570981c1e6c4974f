using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data;

namespace Warehouse.Database.Tests;

/// <summary>
/// The procedures and views that put `segment rename`, rule learning and `report` behind the roles: they are in the
/// DacFx model with Description properties, the host calls them with the model's parameters (the rules as a
/// table-valued parameter whose columns follow the table type), and the statements the host runs on DuckDB in their
/// place are the procedures' own statements.
/// </summary>
public class SegmentStoreProcedureTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    public static TheoryData<string> NewObjects() =>
    [
        SegmentStore.RenameProcedure, SegmentStore.ReplaceRulesProcedure, SegmentStore.RuleListType, "Reports.Segment", "Reports.CustomerFeature",
    ];

    [Theory]
    [MemberData(nameof(NewObjects))]
    public void The_object_is_in_the_model_with_a_description(string name)
    {
        var objects = fixture.Model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass, View.TypeClass, TableType.TypeClass)
            .Select(o => ModelFixture.Plain(o.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Contains(name, objects);
        var described = fixture.Model.GetObjects(DacQueryScopes.UserDefined, ExtendedProperty.TypeClass)
            .Where(p => p.Name.Parts[^1].Equals("Description", StringComparison.OrdinalIgnoreCase))
            .Where(p => ((string?)p.GetProperty(ExtendedProperty.Value))?.Trim('N', '\'').Trim().Length > 20)
            .SelectMany(p => p.GetReferenced(ExtendedProperty.Host))
            .Select(h => ModelFixture.Plain(h.Name));
        Assert.Contains(name, described, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_procedures_take_the_parameters_the_host_sends()
    {
        var rename = Parameters(SegmentStore.RenameProcedure);
        Assert.Equal(["@SegmentKey", "@SegmentName"], rename.Select(p => p.Name.Parts[^1]));
        Assert.Equal("int", TypeName(rename[0]));
        Assert.Equal("nvarchar", TypeName(rename[1]));
        Assert.Equal(SegmentStore.SegmentNameParameterLength, rename[1].GetProperty<int>(Parameter.Length));
        Assert.True(SegmentStore.SegmentNameParameterLength > SegmentStore.SegmentNameLength, "an overlong name reaches the procedure's check instead of being cut");

        var replace = Parameters(SegmentStore.ReplaceRulesProcedure);
        Assert.Equal(["@ModelRunKey", "@Rules"], replace.Select(p => p.Name.Parts[^1]));
        Assert.Equal("int", TypeName(replace[0]));
        Assert.Equal(SegmentStore.RuleListType, ModelFixture.Plain(replace[1].GetReferenced(Parameter.DataType).Single().Name));
        Assert.True(replace[1].GetProperty<bool>(Parameter.ReadOnly));

        using var connection = new SqlConnection();
        using var command = SegmentStore.CreateReplaceRulesCommand(connection, 7, [new SegmentRuleRow(3, "RecencyDays > 200", 3, 1, 10, 9, 9, 1.0, 0.9)]);
        Assert.Equal(SegmentStore.ReplaceRulesProcedure, command.CommandText);
        Assert.Equal(CommandType.StoredProcedure, command.CommandType);
        var sent = command.Parameters.Cast<SqlParameter>().ToList();
        Assert.Equal(["@ModelRunKey", "@Rules"], sent.Select(p => p.ParameterName));
        Assert.Equal((SqlDbType.Int, 7), (sent[0].SqlDbType, (int)sent[0].Value));
        Assert.Equal((SqlDbType.Structured, SegmentStore.RuleListType), (sent[1].SqlDbType, sent[1].TypeName));
        var row = Assert.Single(((DataTable)sent[1].Value).Rows.Cast<DataRow>());
        Assert.Equal<object>([3, "RecencyDays > 200", 3, 1, 10, 9, 9, 1.0, 0.9], row.ItemArray!);
    }

    [Fact]
    public void The_rule_table_parameter_columns_follow_the_table_type_and_the_rule_table()
    {
        var type = fixture.Model.GetObjects(DacQueryScopes.UserDefined, TableType.TypeClass).Single(t => ModelFixture.Plain(t.Name) == SegmentStore.RuleListType);
        var typeColumns = type.GetReferenced(TableType.Columns)
            .Select(c => (Name: c.Name.Parts[^1], Type: c.GetReferenced(TableTypeColumn.DataType).Single().Name.Parts[^1].ToLowerInvariant())).ToList();
        var ruleTable = fixture.Tables.Single(t => ModelFixture.Plain(t.Name) == "Segmentation.SegmentRule").GetReferenced(Table.Columns)
            .ToDictionary(c => c.Name.Parts[^1], c => c.GetReferenced(Column.DataType).Single().Name.Parts[^1].ToLowerInvariant());

        using var connection = new SqlConnection();
        using var command = SegmentStore.CreateReplaceRulesCommand(connection, 1, []);
        var table = (DataTable)command.Parameters.Cast<SqlParameter>().Single(p => p.ParameterName == "@Rules").Value;
        // A DataTable travels by column position: same order, same types.
        Assert.Equal(typeColumns.Select(c => c.Name), table.Columns.Cast<DataColumn>().Select(c => c.ColumnName));
        Assert.Equal(typeColumns.Select(c => c.Type), table.Columns.Cast<DataColumn>().Select(c => Sql(c.DataType)));
        Expect.None(typeColumns.Where(c => ruleTable.GetValueOrDefault(c.Name) != c.Type).Select(c => $"{c.Name} {c.Type}"), "every rule-list column is a SegmentRule column of the same type");
        Assert.Equal(["CreatedAt", "ModelRunKey"], ruleTable.Keys.Except(typeColumns.Select(c => c.Name)).Order());
    }

    [Fact]
    public void DuckDb_runs_the_procedures_own_statements()
    {
        var rename = Statements("RenameSegment.sql");
        Assert.Equal(Canonical(SegmentStore.RenameSql), Canonical(Assert.Single(rename.OfType<UpdateStatement>())));

        var replace = Statements("ReplaceSegmentRules.sql");
        Assert.Equal(Canonical(SegmentStore.DeleteRulesSql), Canonical(Assert.Single(replace.OfType<DeleteStatement>())));
        var insert = Assert.Single(replace.OfType<InsertStatement>());
        var hostInsert = Assert.Single(TSqlText.Parse(SegmentStore.InsertRuleSql).Batches.SelectMany(b => b.Statements).OfType<InsertStatement>());
        Assert.Equal(Columns(hostInsert), Columns(insert));
        Assert.Equal("Segmentation.SegmentRule", Target(insert));
        Assert.Equal("Segmentation.SegmentRule", Target(hostInsert));
    }

    [Fact]
    public void The_comparison_catches_a_different_statement()
    {
        Assert.NotEqual(Canonical(SegmentStore.RenameSql), Canonical(SegmentStore.RenameSql.Replace("THEN 0 ELSE 1", "THEN 1 ELSE 0", StringComparison.Ordinal)));
        Assert.Equal(Canonical("UPDATE [Segmentation].[Segment] SET [SegmentName] = @x"), Canonical("update Segmentation.Segment set SegmentName=@x"));
    }

    private List<TSqlObject> Parameters(string procedure) =>
        fixture.Model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass).Single(p => ModelFixture.Plain(p.Name) == procedure)
            .GetReferenced(Procedure.Parameters).ToList();

    private static string TypeName(TSqlObject parameter) => parameter.GetReferenced(Parameter.DataType).Single().Name.Parts[^1];

    private static string Sql(Type type) => type == typeof(int) ? "int" : type == typeof(string) ? "nvarchar" : type == typeof(double) ? "float" : type.Name;

    /// <summary>The statements inside the procedure of a file in Segmentation/Stored Procedures, nested blocks included.</summary>
    private List<TSqlStatement> Statements(string file)
    {
        var path = Path.Combine(fixture.Root, "database", "Warehouse.Database", "Segmentation", "Stored Procedures", file);
        var collector = new StatementCollector();
        TSqlText.Parse(File.ReadAllText(path)).Accept(collector);
        return collector.Statements;
    }

    /// <summary>The statement as ScriptDom writes it, without brackets (the host writes names unquoted for DuckDB).</summary>
    private static string Canonical(string sql) => Canonical(TSqlText.Parse(sql).Batches.Single().Statements.Single());

    private static string Canonical(TSqlFragment statement)
    {
        new Sql160ScriptGenerator(new SqlScriptGeneratorOptions { KeywordCasing = KeywordCasing.Uppercase }).GenerateScript(statement, out var text);
        return string.Join(' ', text.Replace("[", string.Empty, StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal)
            .Split((char[])[' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd(';');
    }

    private static string[] Columns(InsertStatement insert) => insert.InsertSpecification.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value).ToArray();

    private static string Target(InsertStatement insert) =>
        string.Join('.', ((NamedTableReference)insert.InsertSpecification.Target).SchemaObject.Identifiers.Select(i => i.Value));

    private sealed class StatementCollector : TSqlFragmentVisitor
    {
        public List<TSqlStatement> Statements { get; } = [];

        public override void Visit(UpdateStatement node) => Statements.Add(node);

        public override void Visit(DeleteStatement node) => Statements.Add(node);

        public override void Visit(InsertStatement node) => Statements.Add(node);
    }
}
