using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data.SqlServer;

namespace Warehouse.Database.Tests;

/// <summary>
/// The application locks that make concurrent and interrupted SQL Server loads safe, read from the parsed procedures
/// (ScriptDom, Sql160) and the DacFx model; no server runs here, so what sp_getapplock does at run time is SQL Server's
/// documented behaviour (a session-owned lock ends with the session) and is checkable only on a live server.
/// <list type="bullet">
/// <item>CRM identity: a CRM load takes <c>Warehouse.CrmIdentity</c> (exclusive, session) before it reads the known
/// customers and keeps it until its migration committed; the CRM migration refuses to run without it; purchase loads,
/// which create customers too, take it for their transaction.</item>
/// <item>Abandoned loads: each load holds <c>Warehouse.Load.&lt;LineageKey&gt;</c> from the transaction that creates its
/// lineage; the cleanup takes only lineages whose lock it gets without waiting, and deletes exactly the tables the host
/// writes before a migration.</item>
/// </list>
/// </summary>
public class LoadLockTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Fact]
    public void The_lock_procedures_take_the_parameters_the_host_sends()
    {
        var procedures = fixture.Model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass).ToDictionary(p => ModelFixture.Plain(p.Name), StringComparer.OrdinalIgnoreCase);
        (string Name, string Type, bool Output)[] Parameters(string procedure) => procedures[procedure].GetReferenced(Procedure.Parameters)
            .Select(p => (p.Name.Parts[^1], p.GetReferenced(Parameter.DataType).Single().Name.Parts[^1], p.GetProperty<bool>(Parameter.IsOutput))).ToArray();

        Assert.Equal([("@TimeoutSeconds", "int", false)], Parameters(CrmIdentityLock.AcquireProcedure));
        Assert.Empty(Parameters(CrmIdentityLock.ReleaseProcedure));
        Assert.Equal([("@Cleaned", "int", true)], Parameters(SqlServerLoadSession.CleanupAbandonedLoadsProcedure));
        Assert.Equal([("@LineageKey", "int", false)], Parameters(SqlServerLoadSession.ReleaseLoadLockProcedure));
        var lineage = fixture.Tables.Single(t => ModelFixture.Plain(t.Name) == "Integration.Lineage").GetReferenced(Table.Columns)
            .Single(c => c.Name.Parts[^1] == "FailureReason");
        Assert.True(lineage.GetProperty<bool>(Column.Nullable));
    }

    [Fact]
    public void The_crm_identity_lock_is_exclusive_owned_by_the_session_and_named_as_the_host_names_it()
    {
        var acquire = Single(Calls(fixture.ParseProcedure(CrmIdentityLock.AcquireProcedure)), "sys.sp_getapplock");
        Assert.Equal(CrmIdentityLock.Resource, acquire.Parameters["@Resource"]);
        Assert.Equal("Exclusive", acquire.Parameters["@LockMode"]);
        Assert.Equal("Session", acquire.Parameters["@LockOwner"]);
        Assert.Equal("@timeout", acquire.Parameters["@LockTimeout"]);

        var release = Single(Calls(fixture.ParseProcedure(CrmIdentityLock.ReleaseProcedure)), "sys.sp_releaseapplock");
        Assert.Equal((CrmIdentityLock.Resource, "Session"), (release.Parameters["@Resource"], release.Parameters["@LockOwner"]));
    }

    [Fact]
    public void The_crm_migration_refuses_to_run_without_the_lock_before_its_transaction()
    {
        var guards = LockGuards(fixture.ParseProcedure(StagingTarget.Customer.MigrateProcedure));

        var guard = Assert.Single(guards);
        Assert.Equal($"APPLOCK_MODE(public, {CrmIdentityLock.Resource}, Session) <> Exclusive", guard.Condition);
        Assert.True(guard.Throws, "the check does not THROW");
        Assert.True(guard.BeforeTransaction, "the check is not made before BEGIN TRANSACTION in the TRY block");
    }

    [Fact]
    public void The_lock_check_sees_a_migration_without_it()
    {
        var text = File.ReadAllText(fixture.ProcedurePath(StagingTarget.Customer.MigrateProcedure));
        var check = "IF APPLOCK_MODE(N'public', N'Warehouse.CrmIdentity', N'Session') <> N'Exclusive'";
        Assert.Contains(check, text, StringComparison.Ordinal);

        Assert.Empty(LockGuards(TSqlText.Parse(text.Replace(check, "IF APPLOCK_MODE(N'public', N'Warehouse.Other', N'Session') <> N'Exclusive'", StringComparison.Ordinal))));
    }

    [Fact]
    public void Purchase_loads_take_the_crm_identity_lock_before_they_read_or_create_customers()
    {
        var script = fixture.ParseProcedure(StagingTarget.Purchase.MigrateProcedure);
        var calls = Calls(script);
        var take = Single(calls, "sys.sp_getapplock");
        Assert.Equal((CrmIdentityLock.Resource, "Exclusive", "Transaction"), (take.Parameters["@Resource"], take.Parameters["@LockMode"], take.Parameters["@LockOwner"]));

        var reads = new TableVisitor();
        script.Accept(reads);
        var customers = reads.Offsets.Where(r => r.Name is "Integration.CustomerKeyByCrmId" or "Dimension.Customer" or "Integration.CustomerKeyMap").Select(r => r.Offset).ToList();
        Assert.NotEmpty(customers);
        Assert.True(take.Offset < customers.Min(), "the purchase migration reads or writes customers before it holds the CRM identity lock");
        Assert.True(take.Offset > reads.BeginTransaction, "the transaction-owned lock is taken outside the transaction");
    }

    [Theory]
    [InlineData("WebSession")]
    [InlineData("SocialInteraction")]
    public void Web_and_social_loads_take_the_crm_identity_lock_before_they_read_customers_or_write_their_facts(string entity)
    {
        // The CRM and purchase procedures re-link Fact.WebSession / Fact.SocialInteraction and set Dimension.Customer's
        // WebVisitorId / SocialHandle (Integration.RelinkStoredInteractions) under Warehouse.CrmIdentity; the web and social
        // procedures write the same rows, so they take the same lock for their transaction (as MigrateStagedPurchaseData):
        // a re-link and a web load never interleave on one visitor. Before, neither took it.
        var target = StagingTarget.All.Single(t => t.Entity == entity);
        var script = fixture.ParseProcedure(target.MigrateProcedure);
        var take = Single(Calls(script), "sys.sp_getapplock");
        Assert.Equal((CrmIdentityLock.Resource, "Exclusive", "Transaction"), (take.Parameters["@Resource"], take.Parameters["@LockMode"], take.Parameters["@LockOwner"]));

        var reads = new TableVisitor();
        script.Accept(reads);
        var shared = reads.Offsets.Where(r => r.Name == target.FactTable || r.Name is "Dimension.Customer" or "Integration.CustomerEmail" or "Integration.CustomerKeyByCrmId")
            .Select(r => r.Offset).ToList();
        Assert.NotEmpty(shared);
        Assert.True(take.Offset < shared.Min(), $"{target.MigrateProcedure} reads customers or writes {target.FactTable} before it holds the CRM identity lock");
        Assert.True(take.Offset > reads.BeginTransaction, "the transaction-owned lock is taken outside the transaction");
    }

    [Fact]
    public void Each_load_locks_its_lineage_in_the_transaction_that_creates_it()
    {
        var script = fixture.ParseProcedure(SqlServerLoadSession.GetLineageKeyProcedure);
        var body = ((TSqlScript)script).Batches.SelectMany(b => b.Statements).OfType<CreateProcedureStatement>().Single()
            .StatementList.Statements.OfType<BeginEndBlockStatement>().Single().StatementList.Statements.ToList();

        var begin = body.FindIndex(s => s is BeginTransactionStatement);
        var insert = body.FindIndex(s => s is InsertStatement i && i.InsertSpecification.Target is NamedTableReference t && Name(t.SchemaObject) == "Integration.Lineage");
        var lockCall = body.FindIndex(s => s is ExecuteStatement e && ProcedureName(e) == "sys.sp_getapplock");
        var commit = body.FindIndex(s => s is CommitTransactionStatement);
        Assert.True(begin >= 0 && begin < insert && insert < lockCall && lockCall < commit, $"order BEGIN {begin}, INSERT {insert}, lock {lockCall}, COMMIT {commit}");
        var take = Single(Calls(script), "sys.sp_getapplock");
        Assert.Equal(("Exclusive", "Session", "0"), (take.Parameters["@LockMode"], take.Parameters["@LockOwner"], take.Parameters["@LockTimeout"]));
        Assert.Equal("CONCAT(Warehouse.Load., @LineageKey)", ResourceOf(script));
    }

    [Theory]
    [InlineData("Integration.ReleaseLoadLock")]
    [InlineData("Integration.CleanupAbandonedLoads")]
    public void The_load_lock_has_one_name(string procedure)
    {
        // GetLineageKey takes it, ReleaseLoadLock releases it, the cleanup tries it: the same resource for the same load.
        Assert.Equal(ResourceOf(fixture.ParseProcedure(SqlServerLoadSession.GetLineageKeyProcedure)), ResourceOf(fixture.ParseProcedure(procedure)));
    }

    [Fact]
    public void The_cleanup_takes_only_loads_whose_lock_it_gets_and_deletes_exactly_what_the_host_writes()
    {
        var script = fixture.ParseProcedure(SqlServerLoadSession.CleanupAbandonedLoadsProcedure);
        var take = Single(Calls(script), "sys.sp_getapplock");
        Assert.Equal(("Exclusive", "Session", "0", "@locked"), (take.Parameters["@LockMode"], take.Parameters["@LockOwner"], take.Parameters["@LockTimeout"], take.Result));

        var visitor = new CleanupVisitor();
        script.Accept(visitor);
        var written = StagingTarget.All.SelectMany(t => new[] { t.StagingTable, t.ResolutionTable }).Append(StagingTarget.RejectStagingTable).OfType<string>()
            .Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(written, visitor.AllDeletes.Select(d => d.Table).Order(StringComparer.Ordinal));
        Assert.All(visitor.AllDeletes, d => Assert.Equal("LineageKey = @LineageKey", d.Where));
        Assert.Equal(visitor.AllDeletes, visitor.DeletesWhenLocked);
        Assert.Equal("@locked >= 0", visitor.LockedCondition);
        var update = Assert.Single(visitor.LineageUpdates);
        Assert.Equal(["FailureReason", "LoadCompleted", "WasSuccessful"], update.Set.Order(StringComparer.Ordinal));
        Assert.Contains("LoadCompleted IS NULL", update.Where, StringComparison.Ordinal);
        Assert.True(update.WhenLocked, "the lineage is marked failed without its lock");
        Assert.Contains("WasSuccessful = 0", visitor.CandidateFilter, StringComparison.Ordinal);
        Assert.Contains("LoadCompleted IS NULL", visitor.CandidateFilter, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cleanup_check_sees_a_delete_made_without_the_lock()
    {
        var text = File.ReadAllText(fixture.ProcedurePath(SqlServerLoadSession.CleanupAbandonedLoadsProcedure));
        var delete = "DELETE FROM [Integration].[Purchase_Staging] WHERE [LineageKey] = @LineageKey;";
        Assert.Contains(delete, text, StringComparison.Ordinal);
        var moved = text.Replace(delete, string.Empty, StringComparison.Ordinal)
            .Replace("    WHILE @LineageKey IS NOT NULL", "    " + delete + "\n    WHILE @LineageKey IS NOT NULL", StringComparison.Ordinal);

        var visitor = new CleanupVisitor();
        TSqlText.Parse(moved).Accept(visitor);

        Assert.NotEqual(visitor.AllDeletes, visitor.DeletesWhenLocked);
    }

    private static (string Name, Dictionary<string, string> Parameters, string? Result, int Offset) Single(
        List<(string Name, Dictionary<string, string> Parameters, string? Result, int Offset)> calls, string name) => Assert.Single(calls, c => c.Name == name);

    private static List<(string Name, Dictionary<string, string> Parameters, string? Result, int Offset)> Calls(TSqlFragment script)
    {
        var visitor = new ExecVisitor();
        script.Accept(visitor);
        return visitor.Calls;
    }

    /// <summary>The @Resource of the procedure's lock call (sp_getapplock or sp_releaseapplock), resolved through a variable it was set from.</summary>
    private static string ResourceOf(TSqlFragment script)
    {
        var resources = Calls(script).Where(c => c.Name is "sys.sp_getapplock" or "sys.sp_releaseapplock").Select(c => c.Parameters["@Resource"]).Distinct().ToList();
        var resource = Assert.Single(resources);
        if (!resource.StartsWith('@'))
        {
            return resource;
        }

        var assignments = new AssignmentVisitor();
        script.Accept(assignments);
        return Assert.Single(assignments.Values[resource].Distinct());
    }

    private static List<(string Condition, bool Throws, bool BeforeTransaction)> LockGuards(TSqlFragment script)
    {
        var procedure = ((TSqlScript)script).Batches.SelectMany(b => b.Statements).OfType<CreateProcedureStatement>().Single();
        var body = procedure.StatementList.Statements.OfType<BeginEndBlockStatement>().Single().StatementList.Statements;
        var tryBlock = body.OfType<TryCatchStatement>().Single().TryStatements.Statements.ToList();
        var begin = tryBlock.FindIndex(s => s is BeginTransactionStatement);
        return tryBlock.Select((s, i) => (Statement: s, Index: i))
            .Where(x => x.Statement is IfStatement { Predicate: BooleanComparisonExpression { FirstExpression: FunctionCall f } } && f.FunctionName.Value.Equals("APPLOCK_MODE", StringComparison.OrdinalIgnoreCase))
            .Select(x => (Render(((IfStatement)x.Statement).Predicate), ((IfStatement)x.Statement).ThenStatement is ThrowStatement, x.Index < begin))
            .Where(g => g.Item1.Contains(CrmIdentityLock.Resource, StringComparison.Ordinal))
            .ToList();
    }

    private static string Render(TSqlFragment? fragment) => fragment switch
    {
        null => string.Empty,
        StringLiteral s => s.Value,
        IntegerLiteral i => i.Value,
        VariableReference v => v.Name,
        ColumnReferenceExpression c => c.MultiPartIdentifier.Identifiers[^1].Value,
        FunctionCall f => $"{f.FunctionName.Value.ToUpperInvariant()}({string.Join(", ", f.Parameters.Select(Render))})",
        BooleanComparisonExpression b => $"{Render(b.FirstExpression)} {Comparison(b.ComparisonType)} {Render(b.SecondExpression)}",
        BooleanIsNullExpression n => $"{Render(n.Expression)} IS {(n.IsNot ? "NOT " : string.Empty)}NULL",
        BooleanBinaryExpression b => $"{Render(b.FirstExpression)} {b.BinaryExpressionType.ToString().ToUpperInvariant()} {Render(b.SecondExpression)}",
        BooleanParenthesisExpression p => $"({Render(p.Expression)})",
        _ => fragment.GetType().Name,
    };

    private static string Comparison(BooleanComparisonType type) => type switch
    {
        BooleanComparisonType.Equals => "=",
        BooleanComparisonType.NotEqualToBrackets or BooleanComparisonType.NotEqualToExclamation => "<>",
        BooleanComparisonType.GreaterThanOrEqualTo => ">=",
        BooleanComparisonType.LessThan => "<",
        BooleanComparisonType.GreaterThan => ">",
        BooleanComparisonType.LessThanOrEqualTo => "<=",
        _ => type.ToString(),
    };

    private static string Name(SchemaObjectName name) => string.Join('.', name.Identifiers.Select(i => i.Value));

    private static string? ProcedureName(ExecuteStatement exec) =>
        exec.ExecuteSpecification.ExecutableEntity is ExecutableProcedureReference { ProcedureReference.ProcedureReference.Name: { } name } ? Name(name) : null;

    private sealed class ExecVisitor : TSqlFragmentVisitor
    {
        public List<(string Name, Dictionary<string, string> Parameters, string? Result, int Offset)> Calls { get; } = [];

        public override void Visit(ExecuteStatement node)
        {
            if (ProcedureName(node) is not { } name || node.ExecuteSpecification.ExecutableEntity is not ExecutableProcedureReference reference)
            {
                return;
            }

            var parameters = reference.Parameters.Where(p => p.Variable is not null)
                .ToDictionary(p => p.Variable.Name, p => Render(p.ParameterValue), StringComparer.OrdinalIgnoreCase);
            Calls.Add((name, parameters, node.ExecuteSpecification.Variable?.Name, node.StartOffset));
        }
    }

    private sealed class AssignmentVisitor : TSqlFragmentVisitor
    {
        public Dictionary<string, List<string>> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(DeclareVariableElement node) => Add(node.VariableName.Value, node.Value);

        public override void Visit(SetVariableStatement node) => Add(node.Variable.Name, node.Expression);

        private void Add(string variable, ScalarExpression? value)
        {
            if (value is not null)
            {
                (Values.TryGetValue(variable, out var list) ? list : Values[variable] = []).Add(Render(value));
            }
        }
    }

    private sealed class TableVisitor : TSqlFragmentVisitor
    {
        public List<(string Name, int Offset)> Offsets { get; } = [];

        public int BeginTransaction { get; private set; } = int.MaxValue;

        public override void Visit(NamedTableReference node) => Offsets.Add((Name(node.SchemaObject), node.StartOffset));

        public override void Visit(NextValueForExpression node) => Offsets.Add(("Dimension.Customer", node.StartOffset));

        public override void Visit(BeginTransactionStatement node) => BeginTransaction = Math.Min(BeginTransaction, node.StartOffset);
    }

    private sealed class CleanupVisitor : TSqlFragmentVisitor
    {
        private int _lockedDepth;

        public List<(string Table, string Where)> AllDeletes { get; } = [];

        public List<(string Table, string Where)> DeletesWhenLocked { get; } = [];

        public List<(List<string> Set, string Where, bool WhenLocked)> LineageUpdates { get; } = [];

        public string? LockedCondition { get; private set; }

        public string CandidateFilter { get; private set; } = string.Empty;

        public override void ExplicitVisit(IfStatement node)
        {
            var locked = node.Predicate is BooleanComparisonExpression { FirstExpression: VariableReference { Name: "@locked" } };
            if (locked)
            {
                LockedCondition = Render(node.Predicate);
                _lockedDepth++;
                node.ThenStatement.Accept(this);
                _lockedDepth--;
                node.ElseStatement?.Accept(this);
                return;
            }

            base.ExplicitVisit(node);
        }

        public override void Visit(DeleteStatement node)
        {
            var table = Name(((NamedTableReference)node.DeleteSpecification.Target).SchemaObject);
            var delete = (table, Render(node.DeleteSpecification.WhereClause?.SearchCondition));
            AllDeletes.Add(delete);
            if (_lockedDepth > 0)
            {
                DeletesWhenLocked.Add(delete);
            }
        }

        public override void Visit(UpdateStatement node)
        {
            if (node.UpdateSpecification.Target is NamedTableReference t && Name(t.SchemaObject) == "Integration.Lineage")
            {
                var set = node.UpdateSpecification.SetClauses.OfType<AssignmentSetClause>().Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value).ToList();
                LineageUpdates.Add((set, Render(node.UpdateSpecification.WhereClause?.SearchCondition), _lockedDepth > 0));
            }
        }

        public override void Visit(InsertStatement node)
        {
            if (node.InsertSpecification.InsertSource is SelectInsertSource { Select: QuerySpecification query }
                && query.FromClause?.TableReferences.SingleOrDefault() is NamedTableReference from && Name(from.SchemaObject) == "Integration.Lineage")
            {
                CandidateFilter = Render(query.WhereClause?.SearchCondition);
            }
        }
    }
}
