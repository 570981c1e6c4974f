using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Database.Tests;

/// <summary>
/// Issue 6, "nothing is lost", on SQL Server: every row an Integration procedure writes into an <c>Integration.Rejected…</c>
/// table carries a raw record: the host's (<c>Reject_Staging.RawRecord</c>, the text as read) or, for a row the migration
/// itself rejects (a duplicate, an unknown customer), every staged value as a JSON object (<c>FOR JSON PATH,
/// WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES</c>, as the DuckDB migrations write <c>json_object</c>), never NULL or a single
/// column. Read from the parsed procedures (ScriptDom, Sql160).
/// </summary>
public class RejectRawRecordTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Theory]
    [InlineData("Integration.MigrateStagedCustomerData", 2)]
    [InlineData("Integration.MigrateStagedDemographicsData", 4)] // host rejects, duplicate, unknown customer, same customer (two CRM ids)
    [InlineData("Integration.MigrateStagedPurchaseData", 3)] // host rejects, duplicate in the file, repeat of a stored line (InvoiceUpdates append)
    [InlineData("Integration.MigrateStagedSocialInteractionData", 2)]
    [InlineData("Integration.MigrateStagedWebSessionData", 1)]
    public void Every_reject_the_procedure_writes_carries_the_raw_record_or_all_staged_values(string procedure, int inserts)
    {
        var visitor = new RejectInsertVisitor();
        fixture.ParseProcedure(procedure).Accept(visitor);

        Assert.Equal(inserts, visitor.RawRecords.Count);
        Expect.None(visitor.RawRecords.Where(r => !Carries(r)).Select(r => r.Text), $"{procedure}: a reject's RawRecord is the staged raw record or all staged values as JSON");
    }

    [Fact]
    public void The_unknown_survey_customer_keeps_the_same_values_as_a_duplicate_answer()
    {
        // Every reject of survey rows the migration makes (duplicate, unknown customer, two CRM ids of one customer on one day)
        // writes the same JSON object.
        var visitor = new RejectInsertVisitor();
        fixture.ParseProcedure("Integration.MigrateStagedDemographicsData").Accept(visitor);

        var json = visitor.RawRecords.Where(r => r.Json.Count > 0).Select(r => string.Join(",", r.Json)).ToList();
        Assert.Equal(3, json.Count);
        Assert.Equal("CrmCustomerId,SurveyDate,HouseholdSize,Children,IncomeBand,Education,Occupation,MaritalStatus,Satisfaction", json[0]);
        Assert.All(json, j => Assert.Equal(json[0], j));
    }

    [Fact]
    public void The_check_refuses_a_single_column_as_raw_record()
    {
        // Guards the check: the survey procedure as it was (the CRM id alone as the unknown customer's RawRecord) fails it.
        var text = File.ReadAllText(fixture.ProcedurePath("Integration.MigrateStagedDemographicsData"));
        const string Unknown = "N'unknown customer: no customer with this CRM id (load the CRM file first)',";
        const string Json = "\n               (SELECT s.[CrmCustomerId], s.[SurveyDate], s.[HouseholdSize], s.[Children], s.[IncomeBand], s.[Education], s.[Occupation], s.[MaritalStatus], s.[Satisfaction] FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)\n";
        var old = text.Replace(Unknown + Json, Unknown + " s.[CrmCustomerId]\n", StringComparison.Ordinal);
        Assert.NotEqual(text, old);
        var visitor = new RejectInsertVisitor();
        TSqlText.Parse(old).Accept(visitor);

        Assert.Single(visitor.RawRecords, r => !Carries(r));
    }

    private static bool Carries(RawRecord r) =>
        r.Column == "RawRecord" || (r.Json.Count > 1 && r.JsonOptions.SetEquals(["WithoutArrayWrapper", "IncludeNullValues"]));

    private sealed record RawRecord(string Text, string? Column, IReadOnlyList<string> Json, HashSet<string> JsonOptions);

    private sealed class RejectInsertVisitor : TSqlFragmentVisitor
    {
        public List<RawRecord> RawRecords { get; } = [];

        public override void Visit(InsertStatement node)
        {
            var spec = node.InsertSpecification;
            if (spec.Target is not NamedTableReference target || target.SchemaObject.SchemaIdentifier?.Value != "Integration"
                || !target.SchemaObject.BaseIdentifier.Value.StartsWith("Rejected", StringComparison.Ordinal))
            {
                return;
            }

            var position = spec.Columns.ToList().FindIndex(c => c.MultiPartIdentifier.Identifiers[^1].Value == "RawRecord");
            Assert.True(position >= 0, "an insert into a reject table names RawRecord");
            var select = (QuerySpecification)((SelectInsertSource)spec.InsertSource).Select;
            var expression = ((SelectScalarExpression)select.SelectElements[position]).Expression;
            var text = string.Concat(Enumerable.Range(expression.FirstTokenIndex, expression.LastTokenIndex - expression.FirstTokenIndex + 1)
                .Select(i => expression.ScriptTokenStream[i].Text));
            switch (expression)
            {
                case ColumnReferenceExpression column:
                    RawRecords.Add(new RawRecord(text, column.MultiPartIdentifier.Identifiers[^1].Value, [], []));
                    break;
                case ScalarSubquery { QueryExpression: QuerySpecification { ForClause: JsonForClause json } inner }:
                    RawRecords.Add(new RawRecord(text, null,
                        inner.SelectElements.OfType<SelectScalarExpression>().Select(e => e.Expression).OfType<ColumnReferenceExpression>()
                            .Select(c => c.MultiPartIdentifier.Identifiers[^1].Value).ToList(),
                        json.Options.Select(o => o.OptionKind.ToString()).Where(o => o != "Path").ToHashSet()));
                    break;
                default:
                    RawRecords.Add(new RawRecord(text, null, [], []));
                    break;
            }
        }
    }
}
