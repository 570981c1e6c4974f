using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Database.Tests;

/// <summary>
/// Server runs keep segment identity by the host's rule and record how far each segment moved: Segmentation.RunConfiguration
/// passes the previous run's segments to the CLR (which matches them with Warehouse.Segmentation.SegmentMatcher) and stores
/// the CLR's match distance in Segmentation.ModelRunSegment.MatchDistance (it used to be NULL for server runs).
/// </summary>
public class SegmentIdentityTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private TSqlFragment RunConfiguration() => fixture.ParseProcedure("Segmentation.RunConfiguration");

    [Fact]
    public void The_clr_procedure_gets_the_previous_segments_and_match_distance_is_stored()
    {
        var visitor = new Visitor();
        RunConfiguration().Accept(visitor);

        Assert.Contains("@PreviousSegments", visitor.ExecutedParameters);
        var matchDistance = Assert.Single(visitor.ModelRunSegmentInserts);
        Assert.Equal("MatchDistance", matchDistance);
    }

    private sealed class Visitor : TSqlFragmentVisitor
    {
        public List<string> ExecutedParameters { get; } = [];

        /// <summary>What goes into ModelRunSegment.MatchDistance: a column name, or the kind of expression.</summary>
        public List<string> ModelRunSegmentInserts { get; } = [];

        public override void Visit(ExecuteParameter node)
        {
            if (node.Variable is not null)
            {
                ExecutedParameters.Add(node.Variable.Name);
            }
        }

        public override void Visit(InsertStatement node)
        {
            var spec = node.InsertSpecification;
            if (spec.Target is not NamedTableReference { SchemaObject.BaseIdentifier.Value: "ModelRunSegment" } ||
                spec.InsertSource is not SelectInsertSource { Select: QuerySpecification query })
            {
                return;
            }

            var position = spec.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value).ToList().IndexOf("MatchDistance");
            ModelRunSegmentInserts.Add(((SelectScalarExpression)query.SelectElements[position]).Expression switch
            {
                ColumnReferenceExpression c => c.MultiPartIdentifier.Identifiers[^1].Value,
                var other => other.GetType().Name,
            });
        }
    }
}
