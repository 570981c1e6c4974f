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
        var steps = TransactionSteps(fixture.ParseProcedure(procedure));

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
        // Purchases (CSV: one record per line start) key rejects by line; the JSON-capable sources by record number, since
        // several records can start on one line.
        Assert.Equal(target == StagingTarget.Purchase
            ? ["LineageKey", "SourceName", "SourceLineNumber", "ColumnName", "Reason", "RawRecord"]
            : ["LineageKey", "SourceName", "SourceLineNumber", "SourceRecordNumber", "ColumnName", "Reason", "RawRecord"], columns);
        Assert.Equal(columns, selected);
    }

    [Theory]
    [MemberData(nameof(Procedures))]
    public void A_failed_migration_records_its_error_as_the_lineages_failure_reason(string procedure)
    {
        // The CATCH block rolls back, then Integration.FailLineage gets @Reason = the error message (ERROR_MESSAGE()).
        var body = fixture.ParseProcedure(procedure).Batches.SelectMany(b => b.Statements).OfType<CreateProcedureStatement>().Single()
            .StatementList.Statements.OfType<BeginEndBlockStatement>().Single().StatementList.Statements;
        var catchBlock = body.OfType<TryCatchStatement>().Single().CatchStatements.Statements.ToList();
        var fail = Assert.Single(catchBlock.OfType<ExecuteStatement>(), e => ExecName(e) == "Integration.FailLineage");
        var reason = ((ExecutableProcedureReference)fail.ExecuteSpecification.ExecutableEntity).Parameters.Single(p => p.Variable?.Name == "@Reason");
        var variable = ((VariableReference)reason.ParameterValue).Name;
        var declared = catchBlock.OfType<DeclareVariableStatement>().SelectMany(d => d.Declarations).Single(d => d.VariableName.Value == variable);
        var message = new FunctionNames();
        declared.Value.Accept(message);
        Assert.Contains("ERROR_MESSAGE", message.Names);
        Assert.True(catchBlock.FindIndex(s => s is ExecuteStatement e && ExecName(e) == "Integration.FailLineage")
            > catchBlock.FindIndex(s => s is IfStatement), $"{procedure} marks the lineage failed before it rolls back");
    }

    [Fact]
    public void The_reject_check_sees_a_move_outside_the_transaction()
    {
        // Guards the reader: the same procedure with the move placed before BEGIN TRANSACTION fails the check.
        var path = fixture.ProcedurePath(StagingTarget.WebSession.MigrateProcedure);
        var text = File.ReadAllText(path);
        var start = text.IndexOf("        -- The rows the host rejected", StringComparison.Ordinal);
        var end = text.IndexOf("WHERE [LineageKey] = @LineageKey;", start, StringComparison.Ordinal) + "WHERE [LineageKey] = @LineageKey;".Length;
        var block = text[start..end];
        var moved = text.Remove(start, block.Length).Replace("    BEGIN TRY\n", block + "\n    BEGIN TRY\n", StringComparison.Ordinal);
        Assert.NotEqual(text, moved);

        var steps = TransactionSteps(TSqlText.Parse(moved));

        Assert.DoesNotContain(steps, s => s.Statement is InsertStatement insert && Target(insert.InsertSpecification.Target) == StagingTarget.WebSession.RejectTable);
    }

    [Fact]
    public void Web_lineage_counts_the_events_of_the_staged_sessions()
    {
        // The host counts web events (read = events in loaded sessions + rejected events); the procedure must record
        // the same unit: @RowsLoaded = SUM(EventCount) of the load's staged sessions, not the number of sessions.
        var script = fixture.ParseProcedure(StagingTarget.WebSession.MigrateProcedure);
        var loaded = Declared(script, "@RowsLoaded");

        var visitor = new SumVisitor();
        loaded.Accept(visitor);

        Assert.Equal(["EventCount"], visitor.Summed);
        Assert.Empty(visitor.Counted);
    }

    [Fact]
    public void The_unit_check_sees_a_count_of_sessions()
    {
        var text = File.ReadAllText(fixture.ProcedurePath(StagingTarget.WebSession.MigrateProcedure));
        var old = "COALESCE(SUM(CAST(ws.[EventCount] AS BIGINT)), 0)";
        Assert.Contains(old, text, StringComparison.Ordinal);
        var visitor = new SumVisitor();
        Declared(TSqlText.Parse(text.Replace(old, "COUNT_BIG(*)", StringComparison.Ordinal)), "@RowsLoaded").Accept(visitor);

        Assert.Empty(visitor.Summed);
        Assert.Equal(["COUNT_BIG"], visitor.Counted);
    }

    [Fact]
    public void The_crm_procedure_applies_the_keys_the_host_resolved_and_resolves_nothing_itself()
    {
        // On DuckDB the host's IdentityResolver picks each CRM row's customer inside CustomerMigration; on SQL Server the
        // host stages its answer (Integration.CustomerMatch_Staging, by staged record) and the procedure only applies it:
        // Dimension.Customer is joined on CustomerKey alone (no CRM id, e-mail or phone rule in T-SQL), the staged rows
        // are joined to the resolution by record number (lines are not unique: a JSON array on one line), and each row is
        // checked again against its id's stored version (not the cutoff). (The UPDATE that gives a primary id's map row its
        // customer's e-mail joins by key and CRM id but sets only the e-mail: JoinVisitor leaves it out.)
        var script = fixture.ParseProcedure(StagingTarget.Customer.MigrateProcedure);
        var joins = new JoinVisitor();
        script.Accept(joins);

        var customerJoins = joins.Joins.Where(j => j.Tables.Contains("Dimension.Customer")).ToList();
        Assert.NotEmpty(customerJoins);
        Assert.All(customerJoins, j => Assert.Contains("CustomerKey", j.EqualColumns));
        Assert.All(customerJoins, j => Assert.DoesNotContain(j.EqualColumns, c => c is "CrmCustomerId" or "Email" or "Phone" or "FullName"));
        var resolution = Assert.Single(joins.Joins, j => j.Tables.Contains(StagingTarget.Customer.ResolutionTable!));
        Assert.Contains(StagingTarget.Customer.StagingTable, resolution.Tables);
        Assert.Equal(["LineageKey", "SourceRecordNumber"], resolution.EqualColumns.Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain("@SourceCutoff", joins.Variables);
    }

    [Fact]
    public void Known_crm_ids_are_compared_with_their_own_stored_version_and_a_file_without_update_times_leaves_the_cutoff_where_it_was()
    {
        // As CustomerMigration on DuckDB and the host half (audit defect 5): a row of a known CRM id applies only when its
        // SourceUpdatedAt is after its id's stored version's (Integration.CustomerIdentity, the view the host reads; a new id
        // or a row without a time: applied), in #Incoming and in the "resolution missing" check alike; the global cutoff is
        // not read any more (it skipped a genuine newer version of an id that another id's later update had passed). An
        // unchanged newer row moves its version's SourceUpdatedAt forward. The cutoff is still recorded: it moves to the
        // file's latest update time, not to the load time when the file has none.
        var script = fixture.ParseProcedure(StagingTarget.Customer.MigrateProcedure);
        var perId = new StoredVersionVisitor();
        script.Accept(perId);
        Assert.Equal(2, perId.Checks);
        var tables = new TableVisitor();
        script.Accept(tables);
        Assert.DoesNotContain("Integration.EtlCutoff", tables.Names);
        var bump = new UpdateSetVisitor();
        script.Accept(bump);
        Assert.Contains(("Dimension.Customer", "SourceUpdatedAt"), bump.Sets);

        var cutoff = Declared(script, "@Cutoff").Value;
        var variables = new JoinVisitor();
        cutoff.Accept(variables);
        Assert.Equal("SourceUpdatedAt LineageKey", Render(cutoff));
        Assert.DoesNotContain("@LoadStarted", variables.Variables);

        var complete = fixture.ParseProcedure("Integration.CompleteLineage");
        var guarded = new GuardVisitor();
        complete.Accept(guarded);
        Assert.Equal(["@CutoffTime"], guarded.MergeGuards);
    }

    [Theory]
    [InlineData("Integration.MigrateStagedCustomerData", "NewCustomerOrdinal")]
    [InlineData("Integration.MigrateStagedPurchaseData", "CrmCustomerId")]
    public void New_customers_take_keys_in_the_order_the_host_hands_them_out(string procedure, string order)
    {
        // The DuckDB migrations hand out new keys base, base + 1, … in a fixed order (CRM loads: the host's
        // NewCustomerOrdinal; purchase-source customers: CRM id); the procedures draw them from the same sequence in
        // that order (NEXT VALUE FOR … OVER (ORDER BY …)), so the same input gives the same keys on both engines.
        var visitor = new SequenceVisitor();
        fixture.ParseProcedure(procedure).Accept(visitor);

        var draw = Assert.Single(visitor.Draws);
        Assert.Equal("Sequences.CustomerKey", draw.Sequence);
        Assert.Equal([order], draw.OrderBy);
    }

    [Theory]
    [InlineData("Integration.MigrateStagedPurchaseData")]
    [InlineData("Integration.MigrateStagedDemographicsData")]
    [InlineData("Integration.MigrateStagedWebSessionData")]
    public void Crm_ids_of_other_sources_resolve_through_the_source_key_map(string procedure)
    {
        // Several CRM ids may share one customer (Integration.CustomerKeyMap); as the host's migrations resolve through
        // CustomerKeyMap.ByCrmId, the procedures resolve through its twin view and never compare a staged CRM id with
        // Dimension.Customer.CrmCustomerId (which holds only the customer's primary id).
        var visitor = new CrmIdVisitor();
        fixture.ParseProcedure(procedure).Accept(visitor);

        Assert.Contains("Integration.CustomerKeyByCrmId", visitor.Tables);
        Expect.None(visitor.CustomerCrmIdReads, $"{procedure} reads Dimension.Customer.CrmCustomerId");
    }

    [Fact]
    public void The_source_key_map_check_sees_a_lookup_in_the_dimension()
    {
        var text = File.ReadAllText(fixture.ProcedurePath(StagingTarget.Demographics.MigrateProcedure));
        var map = "FROM [Integration].[CustomerKeyByCrmId] AS k";
        Assert.Contains(map, text, StringComparison.Ordinal);
        var visitor = new CrmIdVisitor();
        TSqlText.Parse(text.Replace(map, "FROM [Dimension].[Customer] AS k", StringComparison.Ordinal)).Accept(visitor);

        Assert.NotEmpty(visitor.CustomerCrmIdReads);
    }

    [Theory]
    [InlineData("Integration.MigrateStagedCustomerData", 2, "CrmCustomerId,CustomerKey,MatchRule,MappedAt,LineageKey,Email,SourceUpdatedAt")]
    [InlineData("Integration.MigrateStagedPurchaseData", 1, "CrmCustomerId,CustomerKey,MatchRule,MappedAt,LineageKey")]
    public void Loads_that_create_customers_write_the_source_key_map_in_their_transaction(string procedure, int inserts, string columns)
    {
        // CRM loads backfill current ids, then map every new CRM id once, with its row's e-mail; purchase loads map the
        // customers they create (no e-mail: a purchase-source id has none).
        var steps = TransactionSteps(fixture.ParseProcedure(procedure));
        var mapped = steps.Where(s => s.Statement is InsertStatement insert && Target(insert.InsertSpecification.Target) == "Integration.CustomerKeyMap").ToList();
        var commit = steps.FindIndex(s => s.Statement is CommitTransactionStatement);

        Assert.Equal(inserts, mapped.Count);
        Assert.All(mapped, m => Assert.True(m.Index < commit));
        Assert.Equal(columns.Split(','), ((InsertStatement)mapped[^1].Statement).InsertSpecification.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value));
    }

    [Fact]
    public void The_crm_procedure_keeps_each_mapped_ids_email_that_of_its_latest_row()
    {
        // As CustomerMigration on DuckDB (behaviour in Warehouse.Etl.Tests' DuplicateRegistrationEmailTests): in the
        // transaction, an UPDATE of Integration.CustomerKeyMap sets Email from #Incoming joined by CRM id (a duplicate id's
        // later version moves its e-mail), before the new ids are inserted with i.Email; the web and social e-mail links
        // read it through Integration.CustomerEmail. Before the fix the map had no e-mail at all.
        // The same UPDATE keeps the id's own update time (its rows are compared with it through Integration.CustomerIdentity;
        // a row without a time keeps the stored one). The last map INSERT (new ids) takes the e-mail and the time as its last
        // columns (see the column list test above).
        var steps = TransactionSteps(fixture.ParseProcedure("Integration.MigrateStagedCustomerData"));
        var update = Assert.Single(steps, s => s.Statement is UpdateStatement u && UpdateSources(u).Contains("#Incoming") && UpdateSources(u).Contains("Integration.CustomerKeyMap"));
        var sets = ((UpdateStatement)update.Statement).UpdateSpecification.SetClauses.OfType<AssignmentSetClause>()
            .Select(s => (s.Column.MultiPartIdentifier.Identifiers[^1].Value, Render(s.NewValue))).ToList();
        Assert.Equal([("Email", "Email"), ("SourceUpdatedAt", "SourceUpdatedAt SourceUpdatedAt")], sets);
        var join = Assert.IsType<QualifiedJoin>(Assert.Single(((UpdateStatement)update.Statement).UpdateSpecification.FromClause.TableReferences));
        Assert.Equal("CrmCustomerId CrmCustomerId", Render(((BooleanComparisonExpression)join.SearchCondition).FirstExpression) + " " +
            Render(((BooleanComparisonExpression)join.SearchCondition).SecondExpression));

        var insert = steps.Last(s => s.Statement is InsertStatement i && Target(i.InsertSpecification.Target) == "Integration.CustomerKeyMap");
        var select = (QuerySpecification)((SelectInsertSource)((InsertStatement)insert.Statement).InsertSpecification.InsertSource).Select;
        Assert.Equal(("Email", "SourceUpdatedAt"), (Render(((SelectScalarExpression)select.SelectElements[^2]).Expression),
            Render(((SelectScalarExpression)select.SelectElements[^1]).Expression)));
    }

    /// <summary>The tables an UPDATE's FROM clause reads (temporary tables by their #name).</summary>
    private static List<string> UpdateSources(UpdateStatement update)
    {
        var tables = new TableVisitor();
        update.UpdateSpecification.FromClause?.Accept(tables);
        return tables.Names;
    }

    [Fact]
    public void Temporary_tables_declare_text_columns_in_the_database_collation()
    {
        // CREATE TABLE #… takes tempdb's default collation; joined to the database's columns it fails with a collation
        // conflict on a server whose default differs (SELECT … INTO keeps the source columns' collation and is safe).
        var offenders = new List<string>();
        foreach (var file in fixture.Source.ObjectFiles.Where(f => f.Name.Contains("/Stored Procedures/", StringComparison.Ordinal)))
        {
            var visitor = new TempTableVisitor();
            TSqlText.Parse(file.Text).Accept(visitor);
            offenders.AddRange(visitor.Offenders.Select(o => $"{file.Name}: {o}"));
        }

        Expect.None(offenders, "text columns of temporary tables are COLLATE DATABASE_DEFAULT");
        var guard = new TempTableVisitor();
        TSqlText.Parse("CREATE PROCEDURE dbo.P AS BEGIN CREATE TABLE #T ([Id] NVARCHAR(50) NOT NULL); END;").Accept(guard);
        Assert.Equal(["#T.Id"], guard.Offenders);
    }

    [Fact]
    public void The_key_order_check_sees_an_unordered_draw()
    {
        var text = File.ReadAllText(fixture.ProcedurePath(StagingTarget.Purchase.MigrateProcedure));
        var ordered = "NEXT VALUE FOR [Sequences].[CustomerKey] OVER (ORDER BY n.[CrmCustomerId] COLLATE Latin1_General_100_BIN2)";
        Assert.Contains(ordered, text, StringComparison.Ordinal);
        var visitor = new SequenceVisitor();
        TSqlText.Parse(text.Replace(ordered, "NEXT VALUE FOR [Sequences].[CustomerKey]", StringComparison.Ordinal)).Accept(visitor);

        Assert.Empty(Assert.Single(visitor.Draws).OrderBy);
    }

    private static string Render(ScalarExpression? expression)
    {
        var columns = new ColumnVisitor();
        expression?.Accept(columns);
        return string.Join(' ', columns.Columns);
    }

    private static bool FiltersOnTheLoad(WhereClause? where) =>
        where?.SearchCondition is BooleanComparisonExpression { FirstExpression: ColumnReferenceExpression column, SecondExpression: VariableReference variable }
        && column.MultiPartIdentifier.Identifiers[^1].Value == "LineageKey" && variable.Name == "@LineageKey";

    private static string Name(NamedTableReference table) => string.Join('.', table.SchemaObject.Identifiers.Select(i => i.Value));

    [Theory]
    [InlineData("Integration.MigrateStagedCustomerData")]
    [InlineData("Integration.MigrateStagedPurchaseData")]
    public void Loads_that_create_customers_relink_earlier_sessions_and_comments_inside_their_transaction(string procedure)
    {
        // Web sessions and social comments loaded before their customer kept its CRM id / e-mail hash; the loads that create
        // customers (CRM; purchases of unknown CRM ids) link them in the same transaction, after the source-key map is
        // written (Integration.RelinkStoredInteractions reads it), as the DuckDB migrations do (RelinkAfterCrmTests,
        // RelinkProcedureParityTests). Before, neither procedure re-linked anything.
        var steps = TransactionSteps(fixture.ParseProcedure(procedure));
        static bool Relinks(TSqlStatement statement) => statement switch
        {
            ExecuteStatement exec => ExecName(exec) == "Integration.RelinkStoredInteractions",
            IfStatement branch => Relinks(branch.ThenStatement),
            _ => false,
        };

        var relink = steps.FindIndex(s => Relinks(s.Statement));
        var map = steps.FindLastIndex(s => s.Statement is InsertStatement insert && Target(insert.InsertSpecification.Target) == "Integration.CustomerKeyMap");
        var commit = steps.FindIndex(s => s.Statement is CommitTransactionStatement);
        Assert.True(relink >= 0, $"{procedure} does not run Integration.RelinkStoredInteractions inside its transaction");
        Assert.True(map >= 0 && map < relink, $"{procedure} re-links before the source-key map is written");
        Assert.True(relink < commit);
    }

    [Theory]
    [InlineData("Integration.RelinkStoredInteractions")]
    [InlineData("Integration.MigrateStagedWebSessionData")]
    [InlineData("Integration.MigrateStagedSocialInteractionData")]
    public void Window_orders_break_ties_on_text_keys_by_code_point(string procedure)
    {
        // The earliest session / comment of a customer (its WebVisitorId / SocialHandle) and the stored session a part
        // continues are picked by ROW_NUMBER() ... ORDER BY time, then the text keys. The database collation sorts those
        // keys without case ('S1' = 's1', 'a' < 'B'); DuckDB sorts by code point ('B' < 'a'), so on a tie of times the two
        // engines picked different rows. Every text key of a window's ORDER BY is COLLATE Latin1_General_100_BIN2 (code
        // point, as DuckDB). Before, none was.
        string[] textKeys = ["SessionId", "WebVisitorId", "Platform", "CommentId", "SocialHandle"];
        var orders = new WindowOrderVisitor();
        fixture.ParseProcedure(procedure).Accept(orders);
        var keys = orders.Keys.Where(k => textKeys.Contains(k.Column, StringComparer.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(k.Collation == "Latin1_General_100_BIN2", $"{procedure}: ORDER BY {k.Column} without COLLATE Latin1_General_100_BIN2"));
    }

    [Fact]
    public void The_relink_reads_no_email_when_no_fact_keeps_an_identifier()
    {
        // Review: every CRM load hashed every Integration.CustomerEmail row twice and joined both facts, though rows that
        // keep an identifier are few (none when the CRM is loaded first). The procedure returns at once when no fact keeps
        // one, and each half (web, social) runs only when its fact keeps one. Before, no statement was guarded.
        var script = fixture.ParseProcedure("Integration.RelinkStoredInteractions");
        var guards = new RelinkGuardVisitor();
        script.Accept(guards);
        Assert.Contains(guards.Returns, p => p.Contains("SourceCrmCustomerId IS NOT NULL", StringComparison.Ordinal)
            && p.Contains("SourceEmailHash IS NOT NULL", StringComparison.Ordinal) && p.Contains("SourceEmailKeyHash IS NOT NULL", StringComparison.Ordinal));
        string[] web = ["#RelinkByCrmId", "#RelinkByEmailHash", "#RelinkedSession", "#RelinkedWebCustomer", "#RelinkedVisitor", "#RelinkedWebVisitorId"];
        string[] social = ["#RelinkByEmailKeyHash", "#RelinkedComment", "#RelinkedSocialCustomer", "#RelinkedHandle", "#RelinkedSocialHandle"];
        Assert.Equal(web.Concat(social).Order(StringComparer.Ordinal), guards.SelectInto.Keys.Order(StringComparer.Ordinal));
        Assert.All(web, t => Assert.Contains(guards.SelectInto[t], p => p.Contains("WebSession", StringComparison.Ordinal)
            && p.Contains("SourceCrmCustomerId IS NOT NULL", StringComparison.Ordinal) && p.Contains("SourceEmailHash IS NOT NULL", StringComparison.Ordinal)));
        Assert.All(social, t => Assert.Contains(guards.SelectInto[t], p => p.Contains("SocialInteraction", StringComparison.Ordinal)
            && p.Contains("SourceEmailKeyHash IS NOT NULL", StringComparison.Ordinal)));
    }

    /// <summary>The IF predicates (as text, tokens joined by single spaces, brackets dropped) around each SELECT … INTO, and those of IF … RETURN.</summary>
    private sealed class RelinkGuardVisitor : TSqlFragmentVisitor
    {
        private readonly Stack<string> _predicates = new();

        public Dictionary<string, List<string>> SelectInto { get; } = new(StringComparer.Ordinal);

        public List<string> Returns { get; } = [];

        public override void ExplicitVisit(IfStatement node)
        {
            var predicate = string.Join(' ', Enumerable.Range(node.Predicate.FirstTokenIndex, node.Predicate.LastTokenIndex - node.Predicate.FirstTokenIndex + 1)
                .Select(i => node.Predicate.ScriptTokenStream[i]).Where(t => t.TokenType != TSqlTokenType.WhiteSpace)
                .Select(t => t.Text.Trim('[', ']')));
            if (node.ThenStatement is ReturnStatement)
            {
                Returns.Add(predicate);
            }

            _predicates.Push(predicate);
            node.ThenStatement.Accept(this);
            _predicates.Pop();
            node.ElseStatement?.Accept(this);
        }

        public override void Visit(SelectStatement node)
        {
            if (node.Into is { } into)
            {
                SelectInto[into.BaseIdentifier.Value] = [.. _predicates];
            }
        }
    }

    private sealed class WindowOrderVisitor : TSqlFragmentVisitor
    {
        public List<(string Column, string? Collation)> Keys { get; } = [];

        public override void Visit(OverClause node)
        {
            foreach (var element in node.OrderByClause?.OrderByElements ?? [])
            {
                if (element.Expression is ColumnReferenceExpression column)
                {
                    Keys.Add((column.MultiPartIdentifier.Identifiers[^1].Value, column.Collation?.Value));
                }
            }
        }
    }

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

    private sealed class JoinVisitor : TSqlFragmentVisitor
    {
        public List<(HashSet<string> Tables, List<string> EqualColumns)> Joins { get; } = [];

        public HashSet<string> Variables { get; } = new(StringComparer.Ordinal);

        public override void Visit(VariableReference node) => Variables.Add(node.Name);

        /// <summary>
        /// An UPDATE that only sets Integration.CustomerKeyMap's Email decides no customer (a map row's key never changes):
        /// its join, which may compare the map's CRM id with the customer's own (a primary id backfilled with its customer's
        /// e-mail), is not a resolution rule and is left out.
        /// </summary>
        public override void ExplicitVisit(UpdateStatement node)
        {
            var sets = node.UpdateSpecification.SetClauses;
            if (sets.Count > 0 && sets.All(c => c is AssignmentSetClause { Column.MultiPartIdentifier.Identifiers: [.., { Value: "Email" }] })
                && node.UpdateSpecification.FromClause?.TableReferences is [QualifiedJoin { FirstTableReference: NamedTableReference map }]
                && Name(map) == "Integration.CustomerKeyMap")
            {
                return;
            }

            base.ExplicitVisit(node);
        }

        public override void Visit(QualifiedJoin node)
        {
            var tables = new HashSet<string>(StringComparer.Ordinal);
            foreach (var side in new[] { node.FirstTableReference, node.SecondTableReference })
            {
                if (side is NamedTableReference named)
                {
                    tables.Add(Name(named));
                }
            }

            var equal = new EqualVisitor();
            node.SearchCondition.Accept(equal);
            Joins.Add((tables, equal.Columns));
        }
    }

    private sealed class EqualVisitor : TSqlFragmentVisitor
    {
        public List<string> Columns { get; } = [];

        public override void Visit(BooleanComparisonExpression node)
        {
            if (node.ComparisonType == BooleanComparisonType.Equals && node.FirstExpression is ColumnReferenceExpression a && node.SecondExpression is ColumnReferenceExpression b
                && a.MultiPartIdentifier.Identifiers[^1].Value == b.MultiPartIdentifier.Identifiers[^1].Value)
            {
                Columns.Add(a.MultiPartIdentifier.Identifiers[^1].Value);
            }
        }
    }

    private sealed class SequenceVisitor : TSqlFragmentVisitor
    {
        public List<(string Sequence, List<string> OrderBy)> Draws { get; } = [];

        public override void Visit(NextValueForExpression node)
        {
            var order = node.OverClause?.OrderByClause?.OrderByElements
                .Select(e => ((ColumnReferenceExpression)e.Expression).MultiPartIdentifier.Identifiers[^1].Value).ToList() ?? [];
            Draws.Add((string.Join('.', node.SequenceName.Identifiers.Select(i => i.Value)), order));
        }
    }

    private sealed class CrmIdVisitor : TSqlFragmentVisitor
    {
        private readonly List<MultiPartIdentifier> _columns = [];

        public HashSet<string> Tables { get; } = new(StringComparer.Ordinal);

        public HashSet<string> CustomerAliases { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Reads of CrmCustomerId qualified by an alias of Dimension.Customer.</summary>
        public IEnumerable<string> CustomerCrmIdReads => _columns
            .Where(c => c.Identifiers.Count == 2 && c.Identifiers[1].Value == "CrmCustomerId" && CustomerAliases.Contains(c.Identifiers[0].Value))
            .Select(c => $"{c.Identifiers[0].Value}.{c.Identifiers[1].Value} at line {c.StartLine}");

        public override void Visit(NamedTableReference node)
        {
            var name = Name(node);
            Tables.Add(name);
            if (name == "Dimension.Customer" && node.Alias is not null)
            {
                CustomerAliases.Add(node.Alias.Value);
            }
        }

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier is not null)
            {
                _columns.Add(node.MultiPartIdentifier);
            }
        }
    }

    private sealed class TempTableVisitor : TSqlFragmentVisitor
    {
        public List<string> Offenders { get; } = [];

        public override void Visit(CreateTableStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            if (!table.StartsWith('#'))
            {
                return;
            }

            foreach (var column in node.Definition.ColumnDefinitions)
            {
                var text = column.DataType is SqlDataTypeReference { SqlDataTypeOption: SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar or SqlDataTypeOption.NChar or SqlDataTypeOption.Char };
                if (text && !string.Equals(column.Collation?.Value, "DATABASE_DEFAULT", StringComparison.OrdinalIgnoreCase))
                {
                    Offenders.Add($"{table}.{column.ColumnIdentifier.Value}");
                }
            }
        }
    }

    private sealed class FunctionNames : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(FunctionCall node) => Names.Add(node.FunctionName.Value.ToUpperInvariant());
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

    /// <summary>
    /// Counts <c>NOT EXISTS (SELECT … FROM Integration.CustomerIdentity … WHERE … s.SourceUpdatedAt &lt;= known.SourceUpdatedAt)</c>
    /// tests: a row compared with its own id's stored version.
    /// </summary>
    private sealed class StoredVersionVisitor : TSqlFragmentVisitor
    {
        public int Checks { get; private set; }

        public override void ExplicitVisit(BooleanNotExpression node)
        {
            if (node.Expression is ExistsPredicate exists)
            {
                var tables = new TableVisitor();
                exists.Accept(tables);
                var comparisons = new StoredComparison();
                exists.Accept(comparisons);
                if (tables.Names.Contains("Integration.CustomerIdentity") && comparisons.Found)
                {
                    Checks++;
                }
            }

            base.ExplicitVisit(node);
        }
    }

    private sealed class StoredComparison : TSqlFragmentVisitor
    {
        public bool Found { get; private set; }

        public override void Visit(BooleanComparisonExpression node) =>
            Found |= node.ComparisonType == BooleanComparisonType.LessThanOrEqualTo
                && node.FirstExpression is ColumnReferenceExpression a && a.MultiPartIdentifier.Identifiers[^1].Value == "SourceUpdatedAt"
                && node.SecondExpression is ColumnReferenceExpression b && b.MultiPartIdentifier.Identifiers[^1].Value == "SourceUpdatedAt";
    }

    /// <summary>(table, column) of every UPDATE … SET column = …; an alias target is named by its table in the FROM clause.</summary>
    private sealed class UpdateSetVisitor : TSqlFragmentVisitor
    {
        public List<(string Table, string Column)> Sets { get; } = [];

        public override void Visit(UpdateSpecification node)
        {
            var target = node.Target is NamedTableReference t ? t.SchemaObject.BaseIdentifier.Value : null;
            var aliases = new AliasVisitor();
            node.FromClause?.Accept(aliases);
            var table = target is not null && aliases.ByAlias.TryGetValue(target, out var name) ? name : target;
            foreach (var set in node.SetClauses.OfType<AssignmentSetClause>())
            {
                Sets.Add((table ?? "?", set.Column.MultiPartIdentifier.Identifiers[^1].Value));
            }
        }
    }

    private sealed class AliasVisitor : TSqlFragmentVisitor
    {
        public Dictionary<string, string> ByAlias { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(NamedTableReference node)
        {
            if (node.Alias is { } alias)
            {
                ByAlias[alias.Value] = Name(node);
            }
        }
    }

    private sealed class TableVisitor : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(NamedTableReference node) => Names.Add(Name(node));
    }

    /// <summary>For every MERGE, the variables of the IS NOT NULL test of the IF that holds it.</summary>
    private sealed class GuardVisitor : TSqlFragmentVisitor
    {
        public List<string> MergeGuards { get; } = [];

        public override void ExplicitVisit(IfStatement node)
        {
            var merges = new MergeCounter();
            node.ThenStatement.Accept(merges);
            if (merges.Count > 0 && node.Predicate is BooleanIsNullExpression { IsNot: true, Expression: VariableReference variable })
            {
                MergeGuards.Add(variable.Name);
            }

            base.ExplicitVisit(node);
        }
    }

    private sealed class MergeCounter : TSqlFragmentVisitor
    {
        public int Count { get; private set; }

        public override void Visit(MergeStatement node) => Count++;
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
