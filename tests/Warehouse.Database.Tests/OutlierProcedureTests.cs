using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Database.Tests;

/// <summary>
/// Outlier flags on SQL Server (README, "Loading rules"): each fact migration runs its Integration.Flag…Outliers procedure
/// inside its transaction, after its last write to the fact table and before the lineage is completed, as the host runs
/// OutlierFlagging after the DuckDB migration; the flag procedure reads the threshold setting, writes only the fact
/// table's OutlierFlags and Integration.OutlierStatistic. Read from the parsed procedures (ScriptDom, Sql160); that its
/// SELECT … INTO statements give the host's statistics and flags is tested on DuckDB in Warehouse.Etl.Tests
/// (OutlierFlaggingTests).
/// </summary>
public class OutlierProcedureTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Theory]
    [InlineData("Integration.MigrateStagedPurchaseData", "Purchase")]
    [InlineData("Integration.MigrateStagedWebSessionData", "WebSession")]
    [InlineData("Integration.MigrateStagedSocialInteractionData", "SocialInteraction")]
    public void Each_fact_migration_flags_after_its_fact_writes_and_before_completing_the_lineage_in_its_transaction(string procedure, string table)
    {
        var order = Order(File.ReadAllText(fixture.ProcedurePath(procedure)), table);
        Assert.True(order.Ok, $"{procedure}: {order.Why}");
    }

    [Fact]
    public void The_order_check_sees_flagging_before_the_fact_insert()
    {
        // Guards the check: the purchase migration with its EXEC moved before the fact insert, or removed, fails it.
        var text = File.ReadAllText(fixture.ProcedurePath("Integration.MigrateStagedPurchaseData"));
        const string exec = "        EXEC [Integration].[FlagPurchaseOutliers] @LineageKey = @LineageKey;\n";
        Assert.Contains(exec, text, StringComparison.Ordinal);
        var without = text.Replace(exec, string.Empty, StringComparison.Ordinal);
        var early = without.Replace("        INSERT [Fact].[Purchase]", exec + "        INSERT [Fact].[Purchase]", StringComparison.Ordinal);
        Assert.False(Order(without, "Purchase").Ok);
        Assert.False(Order(early, "Purchase").Ok);
    }

    [Theory]
    [InlineData("Purchase", "PurchaseKey")]
    [InlineData("WebSession", "WebSessionKey")]
    [InlineData("SocialInteraction", "SocialInteractionKey")]
    public void The_flag_procedure_reads_the_setting_and_writes_only_the_flags_and_the_statistics(string table, string key)
    {
        var text = File.ReadAllText(fixture.ProcedurePath($"Integration.Flag{table}Outliers"));
        var visitor = new WriteVisitor();
        TSqlText.Parse(text).Accept(visitor);

        Assert.Equal([$"Fact.{table}"], visitor.Updated.Select(u => u.Table).Distinct());
        Assert.Equal(["OutlierFlags"], visitor.Updated.SelectMany(u => u.Columns).Distinct());
        Assert.Equal(["Integration.OutlierStatistic"], visitor.Inserted);
        Assert.Equal(["Integration.OutlierStatistic"], visitor.Deleted);
        Assert.Contains("Application.Setting", visitor.Read);
        Assert.Contains("N'Outliers.Threshold'", text, StringComparison.Ordinal);
        Assert.Contains($"INNER JOIN #Flag AS x ON x.[{key}] = f.[{key}]", text, StringComparison.Ordinal);
        Assert.Equal(["#Center", "#Spread", "#Bound", "#Flag"], visitor.SelectInto);
    }

    private static (bool Ok, string Why) Order(string text, string table)
    {
        var visitor = new OrderVisitor($"Fact.{table}");
        TSqlText.Parse(text).Accept(visitor);
        var flags = visitor.Executed.Where(e => e.Name == $"Integration.Flag{table}Outliers").ToList();
        if (flags.Count != 1)
        {
            return (false, $"Integration.Flag{table}Outliers is executed {flags.Count} times");
        }

        var flag = flags[0].Offset;
        var complete = visitor.Executed.Where(e => e.Name == "Integration.CompleteLineage").Select(e => e.Offset).DefaultIfEmpty(-1).Single();
        if (visitor.FactWrites.Count == 0 || flag < visitor.FactWrites.Max())
        {
            return (false, $"the flags are set (offset {flag}) before the last write to Fact.{table} ({visitor.FactWrites.DefaultIfEmpty(-1).Max()})");
        }

        if (complete < flag)
        {
            return (false, $"the lineage is completed (offset {complete}) before the flags are set ({flag})");
        }

        return visitor.Begin.Count == 1 && visitor.Commit.Count == 1 && visitor.Begin[0] < flag && flag < visitor.Commit[0]
            ? (true, string.Empty)
            : (false, "the flags are not set inside the migration's one transaction");
    }

    private static string Name(SchemaObjectName name) => string.Join(".", name.Identifiers.Select(i => i.Value));

    private sealed class OrderVisitor(string factTable) : TSqlFragmentVisitor
    {
        public List<(string Name, int Offset)> Executed { get; } = [];

        public List<int> FactWrites { get; } = [];

        public List<int> Begin { get; } = [];

        public List<int> Commit { get; } = [];

        public override void ExplicitVisit(ExecutableProcedureReference node)
        {
            if (node.ProcedureReference?.ProcedureReference?.Name is { } name)
            {
                Executed.Add((Name(name), node.StartOffset));
            }

            base.ExplicitVisit(node);
        }

        public override void Visit(InsertStatement node) => Write(node.InsertSpecification.Target, null, node.StartOffset);

        public override void Visit(UpdateStatement node) => Write(node.UpdateSpecification.Target, node.UpdateSpecification.FromClause, node.StartOffset);

        public override void Visit(DeleteStatement node) => Write(node.DeleteSpecification.Target, node.DeleteSpecification.FromClause, node.StartOffset);

        public override void Visit(MergeStatement node) => Write(node.MergeSpecification.Target, null, node.StartOffset);

        public override void Visit(BeginTransactionStatement node) => Begin.Add(node.StartOffset);

        public override void Visit(CommitTransactionStatement node) => Commit.Add(node.StartOffset);

        private void Write(TableReference target, FromClause? from, int offset)
        {
            if (target is NamedTableReference named && Resolve(named.SchemaObject, from) == factTable)
            {
                FactWrites.Add(offset);
            }
        }
    }

    /// <summary>The table a DML target names; <c>UPDATE f … FROM [Fact].[X] AS f</c> resolves the alias through the FROM clause.</summary>
    private static string Resolve(SchemaObjectName target, FromClause? from) =>
        target.Identifiers.Count == 1 && from is not null
            ? from.TableReferences.SelectMany(Named).Where(n => n.Alias?.Value == target.BaseIdentifier.Value).Select(n => Name(n.SchemaObject))
                .DefaultIfEmpty(Name(target)).First()
            : Name(target);

    private static IEnumerable<NamedTableReference> Named(TableReference reference) => reference switch
    {
        NamedTableReference n => [n],
        JoinTableReference j => Named(j.FirstTableReference).Concat(Named(j.SecondTableReference)),
        _ => [],
    };

    private sealed class WriteVisitor : TSqlFragmentVisitor
    {
        public List<(string Table, List<string> Columns)> Updated { get; } = [];

        public List<string> Inserted { get; } = [];

        public List<string> Deleted { get; } = [];

        public List<string> Read { get; } = [];

        public List<string> SelectInto { get; } = [];

        public override void Visit(UpdateStatement node)
        {
            var table = Resolve(((NamedTableReference)node.UpdateSpecification.Target).SchemaObject, node.UpdateSpecification.FromClause);
            Updated.Add((table, node.UpdateSpecification.SetClauses.OfType<AssignmentSetClause>()
                .Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value).ToList()));
        }

        public override void Visit(InsertStatement node) => Inserted.Add(Name(((NamedTableReference)node.InsertSpecification.Target).SchemaObject));

        public override void Visit(DeleteStatement node) => Deleted.Add(Name(((NamedTableReference)node.DeleteSpecification.Target).SchemaObject));

        public override void Visit(NamedTableReference node) => Read.Add(Name(node.SchemaObject));

        public override void Visit(SelectStatement node)
        {
            if (node.Into is not null)
            {
                SelectInto.Add(node.Into.BaseIdentifier.Value);
            }
        }
    }
}
