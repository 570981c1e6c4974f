using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data.SqlServer;

namespace Warehouse.Database.Tests;

/// <summary>
/// How the Integration procedures finish a load, read from the parsed procedures (ScriptDom, Sql160): the rejected rows
/// the host staged in Integration.Reject_Staging join the target's reject table inside the migration's transaction (so
/// a failed load leaves no rejects behind, as on DuckDB where rejects and staging share the load's transaction), and
/// the lineage counts the unit the host counts (web: events, not sessions). The host half of the same path runs on
/// DuckDB in Warehouse.Etl.Tests' SqlServerPathTests.
/// </summary>
public class LoadProcedureTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    public static TheoryData<string> Procedures()
    {
        var data = new TheoryData<string>();
        foreach (var target in StagingTarget.All)
        {
            data.Add(target.MigrateProcedure);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Procedures))]
    public void Staged_rejects_move_into_the_reject_table_inside_the_migration_transaction(string procedure)
    {
        var target = StagingTarget.All.Single(t => t.MigrateProcedure == procedure);
        var steps = TransactionSteps(Parse(procedure));

        var move = steps.FindIndex(s => s.Statement is InsertStatement insert && Target(insert.InsertSpecification.Target) == target.RejectTable
            && insert.InsertSpecification.InsertSource is SelectInsertSource { Select: QuerySpecification query }
            && query.FromClause.TableReferences.Single() is NamedTableReference from && Name(from) == StagingTarget.RejectStagingTable
            && FiltersOnTheLoad(query.WhereClause));
        var clear = steps.FindIndex(s => s.Statement is DeleteStatement delete && Target(delete.DeleteSpecification.Target) == StagingTarget.RejectStagingTable
            && FiltersOnTheLoad(delete.DeleteSpecification.WhereClause));
        var complete = steps.FindIndex(s => s.Statement is ExecuteStatement exec && ExecName(exec) == "Integration.CompleteLineage");
        var commit = steps.FindIndex(s => s.Statement is CommitTransactionStatement);

        Assert.True(move >= 0, $"{procedure} does not move the load's staged rejects into {target.RejectTable} inside its transaction");
        Assert.True(clear > move, $"{procedure} does not clear the load's staged rejects after moving them");
        Assert.True(move < complete, $"{procedure} counts the rejected rows before they are moved");
        Assert.True(clear < commit);
        // Inserted columns are the reject table's, taken from the same-named staged columns.
        var insert = (InsertStatement)steps[move].Statement;
        var columns = insert.InsertSpecification.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value).ToList();
        var selected = ((QuerySpecification)((SelectInsertSource)insert.InsertSpecification.InsertSource).Select).SelectElements
            .Select(e => ((ColumnReferenceExpression)((SelectScalarExpression)e).Expression).MultiPartIdentifier.Identifiers[^1].Value).ToList();
        Assert.Equal(["LineageKey", "SourceName", "SourceLineNumber", "ColumnName", "Reason", "RawRecord"], columns);
        Assert.Equal(columns, selected);
    }

    [Fact]
    public void The_reject_check_sees_a_move_outside_the_transaction()
    {
        // Guards the reader: the same procedure with the move placed before BEGIN TRANSACTION fails the check.
        var path = PathOf(StagingTarget.WebSession.MigrateProcedure);
        var text = File.ReadAllText(path);
        var start = text.IndexOf("        -- The rows the host rejected", StringComparison.Ordinal);
        var end = text.IndexOf("WHERE [LineageKey] = @LineageKey;", start, StringComparison.Ordinal) + "WHERE [LineageKey] = @LineageKey;".Length;
        var block = text[start..end];
        var moved = text.Remove(start, block.Length).Replace("    BEGIN TRY\n", block + "\n    BEGIN TRY\n", StringComparison.Ordinal);
        Assert.NotEqual(text, moved);

        var steps = TransactionSteps(ParseText(moved));

        Assert.DoesNotContain(steps, s => s.Statement is InsertStatement insert && Target(insert.InsertSpecification.Target) == StagingTarget.WebSession.RejectTable);
    }

    [Fact]
    public void Web_lineage_counts_the_events_of_the_staged_sessions()
    {
        // The host counts web events (read = events in loaded sessions + rejected events); the procedure must record
        // the same unit: @RowsLoaded = SUM(EventCount) of the load's staged sessions, not the number of sessions.
        var script = Parse(StagingTarget.WebSession.MigrateProcedure);
        var loaded = Declared(script, "@RowsLoaded");

        var visitor = new SumVisitor();
        loaded.Accept(visitor);

        Assert.Equal(["EventCount"], visitor.Summed);
        Assert.Empty(visitor.Counted);
    }

    [Fact]
    public void The_unit_check_sees_a_count_of_sessions()
    {
        var text = File.ReadAllText(PathOf(StagingTarget.WebSession.MigrateProcedure));
        var old = "COALESCE(SUM(CAST(ws.[EventCount] AS BIGINT)), 0)";
        Assert.Contains(old, text, StringComparison.Ordinal);
        var visitor = new SumVisitor();
        Declared(ParseText(text.Replace(old, "COUNT_BIG(*)", StringComparison.Ordinal)), "@RowsLoaded").Accept(visitor);

        Assert.Empty(visitor.Summed);
        Assert.Equal(["COUNT_BIG"], visitor.Counted);
    }

    private static bool FiltersOnTheLoad(WhereClause? where) =>
        where?.SearchCondition is BooleanComparisonExpression { FirstExpression: ColumnReferenceExpression column, SecondExpression: VariableReference variable }
        && column.MultiPartIdentifier.Identifiers[^1].Value == "LineageKey" && variable.Name == "@LineageKey";

    private static string Name(NamedTableReference table) => string.Join('.', table.SchemaObject.Identifiers.Select(i => i.Value));

    private static string? Target(TableReference target) => target is NamedTableReference named ? Name(named) : null;

    private static string? ExecName(ExecuteStatement exec) =>
        exec.ExecuteSpecification.ExecutableEntity is ExecutableProcedureReference { ProcedureReference.ProcedureReference.Name: { } name }
            ? string.Join('.', name.Identifiers.Select(i => i.Value))
            : null;

    /// <summary>The statements of the TRY block from BEGIN TRANSACTION to COMMIT, in order (nested IF bodies flattened).</summary>
    private static List<(int Index, TSqlStatement Statement)> TransactionSteps(TSqlFragment script)
    {
        var procedure = ((TSqlScript)script).Batches.SelectMany(b => b.Statements).OfType<CreateProcedureStatement>().Single();
        var body = procedure.StatementList.Statements.OfType<BeginEndBlockStatement>().Single().StatementList.Statements;
        var tryBlock = body.OfType<TryCatchStatement>().Single().TryStatements.Statements;
        var begin = tryBlock.ToList().FindIndex(s => s is BeginTransactionStatement);
        Assert.True(begin >= 0, "no BEGIN TRANSACTION in the TRY block");
        return tryBlock.Skip(begin).Select((s, i) => (i, s)).ToList();
    }

    private static DeclareVariableElement Declared(TSqlFragment script, string variable)
    {
        var visitor = new DeclareVisitor();
        script.Accept(visitor);
        return Assert.Single(visitor.Declarations, d => d.VariableName.Value == variable);
    }

    private string PathOf(string procedure) =>
        Path.Combine(fixture.Root, "database", "Warehouse.Database", "Integration", "Stored Procedures", procedure.Split('.')[1] + ".sql");

    private TSqlFragment Parse(string procedure) => ParseText(File.ReadAllText(PathOf(procedure)));

    private static TSqlFragment ParseText(string text)
    {
        using var reader = new StringReader(text);
        var script = new TSql160Parser(true).Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => e.Message));
        return script;
    }

    private sealed class DeclareVisitor : TSqlFragmentVisitor
    {
        public List<DeclareVariableElement> Declarations { get; } = [];

        public override void Visit(DeclareVariableElement node) => Declarations.Add(node);
    }

    private sealed class SumVisitor : TSqlFragmentVisitor
    {
        public List<string> Summed { get; } = [];

        public List<string> Counted { get; } = [];

        public override void Visit(FunctionCall node)
        {
            var name = node.FunctionName.Value.ToUpperInvariant();
            if (name == "SUM")
            {
                var columns = new ColumnVisitor();
                node.Accept(columns);
                Summed.AddRange(columns.Columns);
            }
            else if (name is "COUNT" or "COUNT_BIG")
            {
                Counted.Add(name);
            }
        }
    }

    private sealed class ColumnVisitor : TSqlFragmentVisitor
    {
        public List<string> Columns { get; } = [];

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier is not null)
            {
                Columns.Add(node.MultiPartIdentifier.Identifiers[^1].Value);
            }
        }
    }
}
