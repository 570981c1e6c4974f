using System.Text.RegularExpressions;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>
/// Publishing today's dacpac over a warehouse deployed before 2026-12-03 (tables keyed by (LineageKey, SourceLineNumber),
/// no SourceRecordNumber) needs no manual step: the pre-deployment script moves those tables' rows aside before DacFx's
/// data-loss checks and schema changes, the post-deployment script moves them back with record number = line.
/// No SQL Server here: the upgrade script DacFx generates from an old-model dacpac is read, and the scripts are parsed.
/// </summary>
public class UpgradeTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private const string RecordNumber = "SourceRecordNumber";

    /// <summary>Besides the nine tables keyed by SourceRecordNumber, the one DacFx cannot convert with rows: Purchase_Staging
    /// while it had InvoiceLineNumber (a dropped column).</summary>
    private const string PurchaseStaging = "Integration.Purchase_Staging";

    /// <summary>The tables keyed by (LineageKey, SourceRecordNumber) today, e.g. Integration.RejectedCustomer.</summary>
    private IReadOnlyList<string> RecordNumberTables() => fixture.Tables
        .Where(t => t.GetReferenced(Table.Columns).Any(c => c.Name.Parts[^1] == RecordNumber))
        .Select(t => ModelFixture.Plain(t.Name))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <param name="before">The old schema: the tables as they were before that commit. fcad766 (2026-12-03) added
    /// SourceRecordNumber; e7c290d (2026-12-02) dropped Purchase_Staging.InvoiceLineNumber and added IsRejected; 7e091ae
    /// (2026-12-02) added WebSession_Staging.EventCount (INT NOT NULL, no default) and Reject_Staging, after
    /// CustomerMatch_Staging was made. Together these are every shape that makes DacFx check for rows, found by generating
    /// the upgrade from the tables of each earlier schema in git history.</param>
    [Theory]
    [InlineData("fcad766")]
    [InlineData("e7c290d")]
    [InlineData("7e091ae")]
    public void PublishOverAnOlderWarehouseRunsThePreDeploymentFirstAndDoesNotBlock(string before)
    {
        var tables = RecordNumberTables();
        // The nine tables of commit fcad766 (CRM, survey, web and social staging, CustomerMatch_Staging, Reject_Staging,
        // and the three CRM/web/social reject tables).
        Assert.Equal(9, tables.Count);
        var absent = before == "7e091ae" ? new[] { "Integration.CustomerMatch_Staging", "Integration.Reject_Staging" } : [];
        var expectedChecks = tables.Except(absent).Concat(before == "fcad766" ? [] : [PurchaseStaging]).Order(StringComparer.Ordinal).ToList();
        var work = Path.Combine(Path.GetTempPath(), "warehouse-upgrade-" + Guid.NewGuid().ToString("N"));
        try
        {
            var oldDacpac = WriteOldDacpac(Path.Combine(work, "old"), tables, before, absent);
            var newDacpac = Path.Combine(work, "new.dacpac");
            var source = fixture.Source;
            using (var build = ModelBuilder.Build(source, SqlServerVersion.Sql160))
            {
                Assert.Empty(build.Errors);
                PackageWriter.WriteDacpac(build.Model, newDacpac, source.PreDeploymentScript(), source.PostDeploymentScript());
            }

            using var newPackage = DacPackage.Load(newDacpac);
            using var oldPackage = DacPackage.Load(oldDacpac);
            // sqlpackage's defaults for what matters here: BlockOnPossibleDataLoss = true, no smart defaults.
            var upgrade = DacServices.GenerateDeployScript(newPackage, oldPackage, PackageWriter.DatabaseName, new DacDeployOptions
            {
                BlockOnPossibleDataLoss = true,
                GenerateSmartDefaults = false,
                IncludeTransactionalScripts = true,
                CommentOutSetVarDeclarations = false,
            }).Replace("\r\n", "\n", StringComparison.Ordinal);

            // The pre-deployment script comes whole, before anything DacFx computed from the old schema.
            var pre = source.PreDeploymentScript().Trim();
            var preStart = upgrade.IndexOf(pre, StringComparison.Ordinal);
            Assert.True(preStart > 0, "the upgrade script carries the pre-deployment script");
            var preEnd = preStart + pre.Length;

            // DacFx stops a publish only at its data-loss checks: 'IF EXISTS (select top 1 1 from [T]) RAISERROR (N''Rows
            // were detected…'. Against the old schema it emits one per table that lacks the NOT NULL SourceRecordNumber
            // or EventCount (it cannot fill them) or still has InvoiceLineNumber (it would drop it). Each must come after
            // the pre-deployment script and be on a table the pre-deployment script empties, so it finds no rows.
            var checks = Regex.Matches(upgrade, @"IF EXISTS \(select top 1 1 from \[(?<schema>[^\]]+)\]\.\[(?<table>[^\]]+)\]\)\s*RAISERROR \(N'Rows were detected")
                .Select(m => (Table: m.Groups["schema"].Value + "." + m.Groups["table"].Value, m.Index))
                .ToList();
            Assert.Equal(expectedChecks, checks.Select(c => c.Table).Distinct().Order(StringComparer.Ordinal).ToList());
            Expect.None(checks.Where(c => c.Index < preEnd).Select(c => c.Table), "data-loss checks run after the pre-deployment script");
            var emptied = Emptied(TSqlText.Parse(pre));
            Expect.None(checks.Select(c => c.Table).Distinct().Where(t => !emptied.Contains(t)), "the pre-deployment script empties every table DacFx checks for rows");

            // The tables are rebuilt with the new key after the pre-deployment script, and their rows come back in the
            // post-deployment script, after the last rebuild.
            var rebuilds = Regex.Matches(upgrade, @"CREATE TABLE \[Integration\]\.\[tmp_ms_xx_(?<table>\w+)\]").Select(m => (Table: "Integration." + m.Groups["table"].Value, m.Index)).ToList();
            Assert.Equal(tables.Except(absent).ToList(), rebuilds.Select(r => r.Table).Where(tables.Contains).Order(StringComparer.Ordinal).ToList());
            Assert.True(rebuilds.Min(r => r.Index) > preEnd);
            var restore = upgrade.IndexOf("-- PostDeployment/06_UpgradeRestore.sql", StringComparison.Ordinal);
            Assert.True(restore > rebuilds.Max(r => r.Index), "the rows come back after the tables were rebuilt");
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    [Fact]
    public void PreDeploymentScriptParsesAndGuardsEveryStatementThatTouchesATable()
    {
        var script = fixture.Source.PreDeploymentScript();
        Assert.NotEmpty(fixture.Source.PreDeploymentFiles);
        var parsed = TSqlText.Parse(script);
        var visitor = new GuardVisitor();
        parsed.Accept(visitor);

        // 10 tables × (SELECT INTO + INSERT + DELETE).
        Assert.Equal(30, visitor.Touches);
        Expect.None(visitor.Problems, "every statement of the pre-deployment script that touches a table is guarded by OBJECT_ID / COL_LENGTH of it");
    }

    [Fact]
    public void GuardCheckCatchesAnUnguardedStatement()
    {
        var visitor = new GuardVisitor();
        TSqlText.Parse("""
            IF OBJECT_ID(N'[Integration].[RejectedCustomer]', N'U') IS NOT NULL
                DELETE FROM [Integration].[RejectedWebEvent];
            ALTER TABLE [Integration].[RejectedCustomer] ADD [X] INT NULL;
            """).Accept(visitor);
        Assert.Equal(2, visitor.Problems.Count);
    }

    [Fact]
    public void EveryTableDacFxCannotConvertIsMovedAsideAndRestoredIntoEveryColumn()
    {
        var tables = RecordNumberTables();
        var pre = TSqlText.Parse(fixture.Source.PreDeploymentScript());
        var post = TSqlText.Parse(fixture.Source.PostDeploymentScript());

        // Moved aside only when the table exists and lacks SourceRecordNumber (or still has InvoiceLineNumber).
        Assert.Equal(tables.Append(PurchaseStaging).Order(StringComparer.Ordinal).ToList(), Emptied(pre).Order(StringComparer.Ordinal).ToList());
        foreach (var table in tables)
        {
            Assert.Contains($"AND COL_LENGTH(N'{Bracketed(table)}', N'{RecordNumber}') IS NULL", fixture.Source.PreDeploymentScript(), StringComparison.Ordinal);
        }

        Assert.Contains($"AND COL_LENGTH(N'{Bracketed(PurchaseStaging)}', N'InvoiceLineNumber') IS NOT NULL", fixture.Source.PreDeploymentScript(), StringComparison.Ordinal);

        // Restored into every column of today's table (so no NOT NULL column is left to a default that does not exist),
        // SourceRecordNumber taking SourceLineNumber, from the Upgrade_ table the pre-deployment script made.
        var inserts = new InsertCollector();
        post.Accept(inserts);
        foreach (var table in tables.Append(PurchaseStaging))
        {
            var insert = inserts.Inserts.SingleOrDefault(i => i.Target == table);
            Assert.True(insert.Target is not null, $"{table} is restored by the post-deployment script");
            var columns = fixture.Tables.Single(t => ModelFixture.Plain(t.Name) == table).GetReferenced(Table.Columns).Select(c => c.Name.Parts[^1]).ToList();
            Assert.Equal(columns, insert.Columns);
            Assert.Equal("Integration.Upgrade_" + table.Split('.')[1], insert.From);
            Assert.Equal("h.[SourceLineNumber]", insert.Values[columns.IndexOf("SourceLineNumber")]);
            if (table == PurchaseStaging)
            {
                // The schema with InvoiceLineNumber staged accepted lines only.
                Assert.Equal("0", insert.Values[columns.IndexOf("IsRejected")]);
            }
            else
            {
                Assert.Equal("h.[SourceLineNumber]", insert.Values[columns.IndexOf(RecordNumber)]);
            }
        }
    }

    /// <summary>
    /// The old schema: today's tables (with schemas and sequences) as they were before commit <paramref name="before"/>
    /// (see the theory): without SourceRecordNumber (column and description), keyed by (LineageKey, SourceLineNumber), and
    /// for the older ones with Purchase_Staging.InvoiceLineNumber instead of IsRejected, without EventCount and without
    /// the <paramref name="absent"/> tables.
    /// </summary>
    private string WriteOldDacpac(string folder, IReadOnlyList<string> tables, string before, IReadOnlyList<string> absent)
    {
        var names = tables.Select(t => t.Split('.')[1]).ToHashSet(StringComparer.Ordinal);
        foreach (var file in fixture.Source.ObjectFiles.Where(f => f.Name.Contains("/Tables/", StringComparison.Ordinal)
                                                                 || f.Name.StartsWith("Security/Schemas/", StringComparison.Ordinal)
                                                                 || f.Name.StartsWith("Sequences/", StringComparison.Ordinal)))
        {
            var name = Path.GetFileNameWithoutExtension(file.Name);
            if (absent.Contains("Integration." + name))
            {
                continue;
            }

            var text = OldTable(file.Text, name, names.Contains(name), before);
            var path = Path.Combine(folder, "source", file.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        var dacpac = Path.Combine(folder, "old.dacpac");
        using var build = ModelBuilder.Build(DatabaseSource.Load(Path.Combine(folder, "source")), SqlServerVersion.Sql160);
        Assert.Empty(build.Errors);
        var table = build.Model.GetObjects(DacQueryScopes.UserDefined, Table.TypeClass).Single(t => ModelFixture.Plain(t.Name) == "Integration.RejectedCustomer");
        Assert.DoesNotContain(RecordNumber, table.GetReferenced(Table.Columns).Select(c => c.Name.Parts[^1]));
        PackageWriter.WriteDacpac(build.Model, dacpac, string.Empty, string.Empty);
        return dacpac;
    }

    /// <summary>A table file as it was before commit <paramref name="before"/> (see the theory).</summary>
    internal static string OldTable(string text, string name, bool keyedByRecord, string before)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (keyedByRecord)
        {
            text = text.Replace($"[{RecordNumber}] ASC", "[SourceLineNumber] ASC", StringComparison.Ordinal);
            text = Old(text, RecordNumber);
            if (before == "7e091ae" && name == "WebSession_Staging")
            {
                text = Old(text, "EventCount");
            }
        }

        if (before != "fcad766" && name == "Purchase_Staging")
        {
            text = Old(text, "IsRejected").Replace("    [InvoiceNo] NVARCHAR(20) NOT NULL,\n", "    [InvoiceNo] NVARCHAR(20) NOT NULL,\n    [InvoiceLineNumber] INT NOT NULL,\n", StringComparison.Ordinal);
            Assert.Contains("[InvoiceLineNumber]", text, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The table text without <paramref name="column"/>: its definition line and its description batch.</summary>
    private static string Old(string text, string column)
    {
        var batches = text.Split("\nGO\n").Where(b => !(b.Contains("sp_addextendedproperty", StringComparison.Ordinal) && b.Contains($"@level2name = N'{column}'", StringComparison.Ordinal)));
        var result = Regex.Replace(string.Join("\nGO\n", batches), $@"\n\s*\[{column}\] [A-Z]+ NOT NULL[^\n]*,", string.Empty);
        Assert.DoesNotContain($"[{column}]", result, StringComparison.Ordinal);
        return result;
    }

    private static string Bracketed(string table) => string.Join('.', table.Split('.').Select(p => $"[{p}]"));

    /// <summary>Tables the script deletes every row from (DELETE without WHERE).</summary>
    private static HashSet<string> Emptied(TSqlScript script)
    {
        var collector = new DeleteCollector();
        script.Accept(collector);
        return collector.Tables;
    }

    private static string Name(SchemaObjectName name) => string.Join('.', name.Identifiers.Select(i => i.Value));

    private sealed class DeleteCollector : TSqlFragmentVisitor
    {
        public HashSet<string> Tables { get; } = new(StringComparer.Ordinal);

        public override void ExplicitVisit(DeleteStatement node)
        {
            if (node.DeleteSpecification is { WhereClause: null, Target: NamedTableReference target })
            {
                Tables.Add(Name(target.SchemaObject));
            }
        }
    }

    /// <summary>INSERT … (columns) SELECT … FROM one table: target, columns, select expressions as written, source.</summary>
    private sealed class InsertCollector : TSqlFragmentVisitor
    {
        public List<(string Target, List<string> Columns, List<string> Values, string? From)> Inserts { get; } = [];

        public override void ExplicitVisit(InsertStatement node)
        {
            var spec = node.InsertSpecification;
            if (spec.Target is not NamedTableReference target || spec.InsertSource is not SelectInsertSource { Select: QuerySpecification query })
            {
                return;
            }

            var values = query.SelectElements.Select(e => Text(e)).ToList();
            var from = query.FromClause?.TableReferences.SingleOrDefault() is NamedTableReference source ? Name(source.SchemaObject) : null;
            Inserts.Add((Name(target.SchemaObject), spec.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value).ToList(), values, from));
        }

        private static string Text(TSqlFragment fragment) =>
            string.Concat(Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1).Select(i => fragment.ScriptTokenStream[i].Text));
    }

    /// <summary>
    /// Every statement that reads or changes a table (SELECT INTO, INSERT, DELETE, UPDATE, ALTER TABLE, DROP TABLE) must sit
    /// under IF statements whose conditions call OBJECT_ID or COL_LENGTH on each table it names.
    /// </summary>
    private sealed class GuardVisitor : TSqlFragmentVisitor
    {
        private readonly List<HashSet<string>> _guards = [];

        public int Touches { get; private set; }

        public List<string> Problems { get; } = [];

        public override void ExplicitVisit(IfStatement node)
        {
            var guarded = new GuardedNames();
            node.Predicate.Accept(guarded);
            _guards.Add(guarded.Names);
            node.ThenStatement.Accept(this);
            node.ElseStatement?.Accept(this);
            _guards.RemoveAt(_guards.Count - 1);
        }

        public override void ExplicitVisit(SelectStatement node) => Check(node, node.Into is null ? [] : [Name(node.Into)], node.Into is not null);

        public override void ExplicitVisit(InsertStatement node) => Check(node, [], true);

        public override void ExplicitVisit(DeleteStatement node) => Check(node, [], true);

        public override void ExplicitVisit(UpdateStatement node) => Check(node, [], true);

        public override void ExplicitVisit(AlterTableAddTableElementStatement node) => Check(node, [Name(node.SchemaObjectName)], true);

        public override void ExplicitVisit(DropTableStatement node) => Check(node, node.Objects.Select(Name).ToList(), true);

        private void Check(TSqlStatement statement, List<string> extra, bool touches)
        {
            if (!touches)
            {
                return;
            }

            Touches++;
            var tables = new TableNames();
            statement.Accept(tables);
            var guarded = _guards.SelectMany(g => g).ToHashSet(StringComparer.Ordinal);
            foreach (var table in tables.Names.Concat(extra).Distinct(StringComparer.Ordinal))
            {
                if (!guarded.Contains(table))
                {
                    Problems.Add($"line {statement.StartLine}: {table} is not guarded by OBJECT_ID / COL_LENGTH");
                }
            }
        }
    }

    /// <summary>Tables named in OBJECT_ID(N'…') / COL_LENGTH(N'…', …) calls, as Schema.Name.</summary>
    private sealed class GuardedNames : TSqlFragmentVisitor
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        public override void ExplicitVisit(FunctionCall node)
        {
            if (node.FunctionName.Value.ToUpperInvariant() is "OBJECT_ID" or "COL_LENGTH" && node.Parameters.FirstOrDefault() is StringLiteral literal)
            {
                Names.Add(literal.Value.Replace("[", string.Empty, StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal));
            }
        }
    }

    private sealed class TableNames : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void ExplicitVisit(NamedTableReference node) => Names.Add(Name(node.SchemaObject));
    }
}
