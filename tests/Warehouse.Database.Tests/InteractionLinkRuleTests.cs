using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Database.Tests;

/// <summary>
/// The Integration procedures link web sessions and social comments to customers by the same rules, in the same order,
/// as the host's migration on DuckDB (src/Warehouse.Data/Loading/InteractionMigration.cs): web — CRM id, then the
/// SHA-256 of the customer's e-mail against the session's EmailHash; social — the e-mail; then, for both, stitching by
/// visitor id / platform + handle (rules recorded in MatchRule; behaviour tested on DuckDB in Warehouse.Etl.Tests'
/// StitchingTests). Read from the parsed procedure (ScriptDom, Sql160): the COALESCE that picks the customer, the join
/// behind each of its arguments, and the rule names the CASE expressions write. (That DuckDB's sha256 and the web
/// source's hash agree is tested in Warehouse.Etl.Tests.)
/// </summary>
public class InteractionLinkRuleTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Fact]
    public void Web_sessions_link_by_crm_id_then_by_the_email_hash()
    {
        var links = Links("MigrateStagedWebSessionData.sql");

        Assert.Equal([("byCrm", "CrmCustomerId", "CrmCustomerId"), ("byEmail", "EmailHash", "EmailHash")], links);
    }

    [Fact]
    public void A_continued_web_session_keeps_its_stored_direct_link_when_the_new_part_has_none()
    {
        // As InteractionMigration.RunWeb: COALESCE(CRM id, the stored session's crm-id customer, e-mail hash, the stored
        // session's crm-id/email-hash customer, 0), as if both parts had come in one file: a logged-in first part keeps its
        // customer when the later part, in another file, is anonymous, and its crm-id link is not replaced by the later
        // part's e-mail hash (behaviour: Warehouse.Etl.Tests' WebSessionSplitTests).
        var visitor = new LinkVisitor();
        Parse("MigrateStagedWebSessionData.sql").Accept(visitor);

        var arguments = Assert.Single(visitor.CustomerCoalesces).Expressions.Select(Render).ToList();

        Assert.Equal(["CustomerKey", "CASE WHEN StoredRule = 'crm-id' THEN StoredKey END", "CustomerKey", "StoredKey", "0"], arguments);
    }

    [Fact]
    public void Social_comments_link_by_email_directly()
    {
        var links = Links("MigrateStagedSocialInteractionData.sql");

        // The e-mail's match key (sub-address and Gmail dots ignored, as the CRM identity rules compare e-mails).
        Assert.Equal([("byEmail", "EmailKey", "EmailKey")], links);
    }

    [Theory]
    [InlineData("MigrateStagedWebSessionData.sql", "#ByEmailHash")]
    [InlineData("MigrateStagedSocialInteractionData.sql", "#ByEmail")]
    public void An_email_links_directly_only_when_exactly_one_customer_has_it(string file, string table)
    {
        // As InteractionMigration on DuckDB (behaviour in Warehouse.Etl.Tests' EmailLinkTests): the table the direct e-mail
        // link reads keeps a key only when HAVING COUNT(DISTINCT CustomerKey) = 1; an audit found a couple's shared
        // address linking the other partner's comment to MIN(CustomerKey).
        var visitor = new SelectIntoVisitor();
        Parse(file).Accept(visitor);

        var query = Assert.IsType<QuerySpecification>(Assert.Single(visitor.Selects, s => s.Into?.BaseIdentifier.Value == table).QueryExpression);
        var having = Assert.IsType<BooleanComparisonExpression>(query.HavingClause?.SearchCondition);
        var count = Assert.IsType<FunctionCall>(having.FirstExpression);
        Assert.Equal((BooleanComparisonType.Equals, "COUNT", UniqueRowFilter.Distinct, "1"),
            (having.ComparisonType, count.FunctionName.Value.ToUpperInvariant(), count.UniqueRowFilter, Render(having.SecondExpression)));
        Assert.Equal("CustomerKey", Render(Assert.Single(count.Parameters)));
    }

    [Theory]
    [InlineData("MigrateStagedWebSessionData.sql", "#ByEmailHash")]
    [InlineData("MigrateStagedSocialInteractionData.sql", "#ByEmail")]
    public void An_email_link_reads_every_email_of_a_customer(string file, string table)
    {
        // A duplicate CRM registration's own e-mail (Integration.CustomerKeyMap.Email) links too: the direct e-mail link reads
        // Integration.CustomerEmail (current versions' and CRM ids' e-mails), as InteractionMigration on DuckDB reads the same
        // view (behaviour and the statements run on DuckDB: Warehouse.Etl.Tests' DuplicateRegistrationEmailTests). Before,
        // it read Dimension.Customer's current versions only.
        var visitor = new SelectIntoVisitor();
        Parse(file).Accept(visitor);
        var tables = new TableNames();
        Assert.Single(visitor.Selects, s => s.Into?.BaseIdentifier.Value == table).Accept(tables);

        Assert.Equal(["Integration.CustomerEmail"], tables.Names);
    }

    private sealed class TableNames : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(NamedTableReference node) => Names.Add(string.Join(".", node.SchemaObject.Identifiers.Select(i => i.Value)));
    }

    private sealed class SelectIntoVisitor : TSqlFragmentVisitor
    {
        public List<SelectStatement> Selects { get; } = [];

        public override void Visit(SelectStatement node) => Selects.Add(node);
    }

    [Theory]
    [InlineData("MigrateStagedWebSessionData.sql", "crm-id,email-hash,none,visitor-conflict,visitor-stitch")]
    [InlineData("MigrateStagedSocialInteractionData.sql", "email,handle-conflict,handle-stitch,none")]
    public void The_match_rules_written_are_those_of_the_host_migration(string file, string rules)
    {
        // The names InteractionMigration (DuckDB) stores in Fact.*.MatchRule; a rule missing or misspelt here would
        // make the two engines disagree on which rows were stitched.
        var visitor = new RuleVisitor();
        Parse(file).Accept(visitor);

        Assert.Equal(rules.Split(','), visitor.Rules.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_email_hash_is_lower_case_hex_sha256_of_the_utf8_email()
    {
        var script = Parse("MigrateStagedWebSessionData.sql");
        var visitor = new HashVisitor();
        script.Accept(visitor);

        // LOWER(CONVERT(NCHAR(64), HASHBYTES('SHA2_256', CAST(c.[Email] COLLATE <…_UTF8> AS VARCHAR(…))), 2)): style 2 is hex
        // without 0x; the UTF-8 collation makes the VARCHAR bytes UTF-8, as Encoding.UTF8 in EmailRules.Sha256Hex.
        var hash = Assert.Single(visitor.Hashes);
        Assert.Equal("SHA2_256", hash.Algorithm);
        Assert.EndsWith("_UTF8", hash.Collation, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Email", hash.Column);
        Assert.True(hash.LowerHexStyle2, "HASHBYTES is not wrapped in LOWER(CONVERT(…, 2))");
    }

    [Theory]
    [InlineData("MigrateStagedPurchaseData.sql")]
    [InlineData("MigrateStagedWebSessionData.sql")]
    [InlineData("MigrateStagedSocialInteractionData.sql")]
    [InlineData("MigrateStagedDemographicsData.sql")]
    public void Fact_migrations_extend_the_calendar_before_they_resolve_date_keys(string file)
    {
        // As on DuckDB, a fact row (survey answers included) never lands on DateKey 0 because its day is outside the
        // deployed calendar: Application.PopulateDateDimension runs before the first read of Dimension.Date.
        var visitor = new ExecVisitor();
        Parse(file).Accept(visitor);

        var populate = Assert.Single(visitor.Procedures, p => p.Name == "Application.PopulateDateDimension");
        var firstDateRead = visitor.DateReads.DefaultIfEmpty(int.MaxValue).Min();
        Assert.NotEqual(int.MaxValue, firstDateRead);
        Assert.True(populate.Offset < firstDateRead, $"{file}: Dimension.Date is read (offset {firstDateRead}) before the calendar is extended (offset {populate.Offset})");
    }

    [Fact]
    public void The_calendar_check_sees_a_procedure_that_reads_dates_first()
    {
        // Guards the order check: the demographics procedure as it was (no PopulateDateDimension) and one that extends
        // the calendar only after resolving the date keys both fail it.
        var text = File.ReadAllText(PathOf("MigrateStagedDemographicsData.sql"));
        var exec = text[text.IndexOf("        IF @First IS NOT NULL", StringComparison.Ordinal)..];
        exec = exec[..(exec.IndexOf(';', StringComparison.Ordinal) + 1)];
        var without = text.Replace(exec, string.Empty, StringComparison.Ordinal);
        var late = without.Replace("        DECLARE @RowsRejected BIGINT", exec + "\n        DECLARE @RowsRejected BIGINT", StringComparison.Ordinal);

        var missing = new ExecVisitor();
        ParseText(without).Accept(missing);
        Assert.DoesNotContain(missing.Procedures, p => p.Name == "Application.PopulateDateDimension");
        var after = new ExecVisitor();
        ParseText(late).Accept(after);
        Assert.True(Assert.Single(after.Procedures, p => p.Name == "Application.PopulateDateDimension").Offset > after.DateReads.Min());
    }

    [Fact]
    public void The_rule_reader_sees_a_swapped_order()
    {
        // Guards the reader itself: the same procedure with the COALESCE arguments swapped reads back swapped.
        var text = File.ReadAllText(PathOf("MigrateStagedWebSessionData.sql"))
            .Replace("COALESCE(byCrm.[CustomerKey], CASE WHEN s.[StoredRule] = N'crm-id' THEN s.[StoredKey] END, byEmail.[CustomerKey],",
                     "COALESCE(byEmail.[CustomerKey], CASE WHEN s.[StoredRule] = N'crm-id' THEN s.[StoredKey] END, byCrm.[CustomerKey],", StringComparison.Ordinal);

        Assert.Equal("byEmail", ReadLinks(ParseText(text))[0].Alias);
    }

    private List<(string Alias, string Column, string Staged)> Links(string file) => ReadLinks(Parse(file));

    private static List<(string Alias, string Column, string Staged)> ReadLinks(TSqlFragment script)
    {
        var visitor = new LinkVisitor();
        script.Accept(visitor);
        var coalesce = Assert.Single(visitor.CustomerCoalesces);
        // The direct links are the COALESCE arguments read from a joined table, in order; the others (the stored session's
        // link, the Unknown member) are fallbacks.
        return coalesce.Expressions
            .OfType<ColumnReferenceExpression>()
            .Select(e => e.MultiPartIdentifier.Identifiers[0].Value)
            .Where(visitor.Joins.ContainsKey)
            .Select(alias => (alias, visitor.Joins[alias].Column, visitor.Joins[alias].Staged))
            .ToList();
    }

    private string PathOf(string file) => Path.Combine(fixture.Root, "database", "Warehouse.Database", "Integration", "Stored Procedures", file);

    private TSqlFragment Parse(string file) => ParseText(File.ReadAllText(PathOf(file)));

    private static TSqlFragment ParseText(string text)
    {
        using var reader = new StringReader(text);
        var script = new TSql160Parser(true).Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => e.Message));
        return script;
    }

    private static string Render(ScalarExpression expression) => expression switch
    {
        ColumnReferenceExpression c => c.MultiPartIdentifier.Identifiers[^1].Value,
        StringLiteral s => $"'{s.Value}'",
        IntegerLiteral i => i.Value,
        FunctionCall f => $"{f.FunctionName.Value.ToUpperInvariant()}({string.Join(", ", f.Parameters.Select(Render))})",
        SearchedCaseExpression c when c.ElseExpression is null && c.WhenClauses.All(w => w.WhenExpression is BooleanComparisonExpression { ComparisonType: BooleanComparisonType.Equals }) =>
            $"CASE {string.Join(" ", c.WhenClauses.Select(w => (BooleanComparisonExpression)w.WhenExpression).Zip(c.WhenClauses, (b, w) => $"WHEN {Render(b.FirstExpression)} = {Render(b.SecondExpression)} THEN {Render(w.ThenExpression)}"))} END",
        _ => expression.GetType().Name,
    };

    private sealed class LinkVisitor : TSqlFragmentVisitor
    {
        public List<CoalesceExpression> CustomerCoalesces { get; } = [];

        public Dictionary<string, (string Column, string Staged)> Joins { get; } = new(StringComparer.Ordinal);

        public override void Visit(SelectScalarExpression node)
        {
            if (node.ColumnName?.Value == "CustomerKey" && node.Expression is CoalesceExpression coalesce)
            {
                CustomerCoalesces.Add(coalesce);
            }
        }

        public override void Visit(QualifiedJoin node)
        {
            if (node.SecondTableReference is TableReferenceWithAlias { Alias: { } alias } &&
                node.SearchCondition is BooleanComparisonExpression { FirstExpression: ColumnReferenceExpression linked } comparison)
            {
                Joins[alias.Value] = (linked.MultiPartIdentifier.Identifiers[^1].Value, Render(comparison.SecondExpression));
            }
        }
    }

    private sealed class ExecVisitor : TSqlFragmentVisitor
    {
        public List<(string Name, int Offset)> Procedures { get; } = [];

        /// <summary>Where Dimension.Date is read (script offsets).</summary>
        public List<int> DateReads { get; } = [];

        public override void ExplicitVisit(ExecutableProcedureReference node)
        {
            var name = node.ProcedureReference?.ProcedureReference?.Name;
            if (name is not null)
            {
                Procedures.Add((string.Join(".", name.Identifiers.Select(x => x.Value)), node.StartOffset));
            }

            base.ExplicitVisit(node);
        }

        public override void Visit(NamedTableReference node)
        {
            if (string.Join(".", node.SchemaObject.Identifiers.Select(x => x.Value)) == "Dimension.Date")
            {
                DateReads.Add(node.StartOffset);
            }
        }
    }

    private sealed class RuleVisitor : TSqlFragmentVisitor
    {
        public SortedSet<string> Rules { get; } = new(StringComparer.Ordinal);

        public override void Visit(SearchedCaseExpression node) => Add(node.WhenClauses.Select(w => w.ThenExpression).Append(node.ElseExpression));

        public override void Visit(SimpleCaseExpression node) => Add(node.WhenClauses.Select(w => w.ThenExpression).Append(node.ElseExpression));

        private void Add(IEnumerable<ScalarExpression?> results)
        {
            foreach (var literal in results.OfType<StringLiteral>())
            {
                Rules.Add(literal.Value);
            }
        }
    }

    private sealed class HashVisitor : TSqlFragmentVisitor
    {
        public List<(string Algorithm, string Collation, string Column, bool LowerHexStyle2)> Hashes { get; } = [];

        public override void Visit(FunctionCall node)
        {
            if (!string.Equals(node.FunctionName.Value, "LOWER", StringComparison.OrdinalIgnoreCase) ||
                node.Parameters is not [ConvertCall { Style: IntegerLiteral { Value: "2" }, Parameter: FunctionCall hashBytes }])
            {
                return;
            }

            if (string.Equals(hashBytes.FunctionName.Value, "HASHBYTES", StringComparison.OrdinalIgnoreCase) &&
                hashBytes.Parameters is [StringLiteral algorithm, CastCall { Parameter: ColumnReferenceExpression { Collation: { } collation } column }])
            {
                Hashes.Add((algorithm.Value, collation.Value, column.MultiPartIdentifier.Identifiers[^1].Value, true));
            }
        }
    }
}
