using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Database.Tests;

/// <summary>
/// The migration procedures decide whether a stored row changed (a new type 2 version of a customer, a replaced survey
/// answer, comment or web session, a product's new description) by comparing text exactly, as the host's DuckDB
/// migrations do (<c>IS DISTINCT FROM</c>, code point by code point). An audit (issue 6) found the procedures comparing
/// in the database collation instead: case-insensitive by default, and trailing spaces ignored by every SQL Server
/// collation, so on SQL Server a CRM row correcting <c>ANNA SMITH</c> to <c>Anna Smith</c> or <c>LEEDS</c> to
/// <c>Leeds</c> made no new version (the old spelling stayed current), and a comment edited only in case or trailing
/// space was not replaced: the text was not stored as given. With no SQL Server on the build machine (and DuckDB
/// comparing text binary whatever the statement says), the rule is read from the parsed procedures: in every
/// <c>EXCEPT</c> and every <c>&lt;&gt;</c> between stored and incoming values, a text column (NVARCHAR/VARCHAR in its
/// table, other than the loader's own <c>MatchRule</c> constants) is compared <c>COLLATE Latin1_General_100_BIN2</c>
/// (code points, as DuckDB) on both sides, together with its <c>DATALENGTH</c> (BIN2 still pads trailing spaces).
/// </summary>
public class ChangeDetectionCollationTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private const string Binary = "Latin1_General_100_BIN2";

    public static TheoryData<string> Procedures =>
    [
        "Integration.MigrateStagedCustomerData",
        "Integration.MigrateStagedDemographicsData",
        "Integration.MigrateStagedSocialInteractionData",
        "Integration.MigrateStagedWebSessionData",
        "Integration.MigrateStagedPurchaseData",
    ];

    [Theory]
    [MemberData(nameof(Procedures))]
    public void Changed_values_compare_text_by_code_point_and_length(string procedure)
    {
        var text = TextColumns();
        var visitor = new ComparisonVisitor();
        fixture.ParseProcedure(procedure).Accept(visitor);
        Assert.NotEmpty(visitor.Excepts.Concat<TSqlFragment>(visitor.NotEquals));

        var offenders = new List<string>();
        foreach (var except in visitor.Excepts)
        {
            if (except.FirstQueryExpression is not QuerySpecification left || except.SecondQueryExpression is not QuerySpecification right)
            {
                continue;
            }

            var (l, r) = (Scalars(left), Scalars(right));
            for (var i = 0; i < Math.Min(l.Count, r.Count); i++)
            {
                if (ColumnName(l[i]) is not { } name || !text.Contains(name))
                {
                    continue;
                }

                if (!IsBinary(l[i]) || !IsBinary(r[i]))
                {
                    offenders.Add($"line {except.StartLine}: EXCEPT compares {name} in the database collation (case, trailing spaces ignored)");
                }

                if (!HasLength(l, name) || !HasLength(r, name))
                {
                    offenders.Add($"line {except.StartLine}: EXCEPT compares {name} without DATALENGTH({name}) (trailing spaces ignored)");
                }
            }
        }

        foreach (var comparison in visitor.NotEquals)
        {
            if (ColumnName(comparison.FirstExpression) is { } name && text.Contains(name) && ColumnName(comparison.SecondExpression) == name
                && (!IsBinary(comparison.FirstExpression) || !IsBinary(comparison.SecondExpression)))
            {
                offenders.Add($"line {comparison.StartLine}: {name} <> {name} in the database collation");
            }
        }

        Expect.None(offenders, "stored and incoming text compare exactly (COLLATE " + Binary + " and DATALENGTH)");
    }

    [Fact]
    public void The_reader_sees_a_comparison_in_the_database_collation()
    {
        // Guards the reader: the customer procedure without its COLLATE clauses reads back as offending.
        var path = fixture.ProcedurePath("Integration.MigrateStagedCustomerData");
        var stripped = File.ReadAllText(path).Replace(" COLLATE " + Binary, string.Empty, StringComparison.Ordinal);
        var visitor = new ComparisonVisitor();
        TSqlText.Parse(stripped).Accept(visitor);

        var city = visitor.Excepts
            .Select(e => Scalars((QuerySpecification)e.FirstQueryExpression))
            .SelectMany(s => s)
            .Where(s => ColumnName(s) == "City")
            .ToList();
        Assert.NotEmpty(city);
        Assert.All(city, s => Assert.False(IsBinary(s)));
    }

    /// <summary>NVARCHAR/VARCHAR/NCHAR/CHAR columns of the tables whose rows the migrations compare, without MatchRule.</summary>
    private HashSet<string> TextColumns()
    {
        string[] tables = ["Dimension/Tables/Customer.sql", "Dimension/Tables/Product.sql", "Fact/Tables/SurveyResponse.sql",
            "Fact/Tables/SocialInteraction.sql", "Fact/Tables/WebSession.sql"];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var script = TSqlText.Parse(File.ReadAllText(Path.Combine(fixture.Root, "database", "Warehouse.Database", table)));
            var create = script.Batches.SelectMany(b => b.Statements).OfType<CreateTableStatement>().Single();
            foreach (var column in create.Definition.ColumnDefinitions)
            {
                if (column.DataType is SqlDataTypeReference { SqlDataTypeOption: SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar or SqlDataTypeOption.NChar or SqlDataTypeOption.Char })
                {
                    names.Add(column.ColumnIdentifier.Value);
                }
            }
        }

        // The loader's own rule names ('crm-id', 'email', 'none', …): constants of one spelling, never source text.
        names.Remove("MatchRule");
        Assert.Contains("City", names);
        Assert.Contains("CommentText", names);
        return names;
    }

    private static List<ScalarExpression> Scalars(QuerySpecification query) =>
        query.SelectElements.OfType<SelectScalarExpression>().Select(s => s.Expression).ToList();

    private static string? ColumnName(ScalarExpression expression) =>
        expression is ColumnReferenceExpression column ? column.MultiPartIdentifier.Identifiers[^1].Value : null;

    private static bool IsBinary(ScalarExpression expression) =>
        expression is PrimaryExpression { Collation.Value: Binary };

    private static bool HasLength(List<ScalarExpression> scalars, string name) =>
        scalars.Any(s => s is FunctionCall { FunctionName.Value: var f, Parameters: [var p] }
                         && f.Equals("DATALENGTH", StringComparison.OrdinalIgnoreCase) && ColumnName(p) == name);

    private sealed class ComparisonVisitor : TSqlFragmentVisitor
    {
        public List<BinaryQueryExpression> Excepts { get; } = [];

        public List<BooleanComparisonExpression> NotEquals { get; } = [];

        public override void Visit(BinaryQueryExpression node)
        {
            if (node.BinaryQueryExpressionType == BinaryQueryExpressionType.Except)
            {
                Excepts.Add(node);
            }
        }

        public override void Visit(BooleanComparisonExpression node)
        {
            if (node.ComparisonType is BooleanComparisonType.NotEqualToBrackets or BooleanComparisonType.NotEqualToExclamation)
            {
                NotEquals.Add(node);
            }
        }
    }
}
