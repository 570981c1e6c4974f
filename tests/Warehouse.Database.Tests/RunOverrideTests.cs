using System.Data;
using Dapper;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data.SqlServer;

namespace Warehouse.Database.Tests;

/// <summary>
/// <c>segment run --connection … --k/--features/--seed/--restarts</c>: the host sends what the user gave as optional
/// parameters of Segmentation.RunConfiguration (absent ones as NULL, which keeps the configuration's value), the
/// parameters are in the DacFx model with the types the host declares, and the procedure applies them before it
/// validates the features and records the run, so ModelRun.Parameters / Features / Seed say what the run used. Read
/// from the parsed procedure; that the options text is rewritten as intended is checkable on a live server only.
/// </summary>
public class RunOverrideTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private static readonly string[] Overrides = ["@K", "@FeatureList", "@RandomSeed", "@Restarts"];

    [Fact]
    public void The_host_sends_the_overrides_with_the_models_types_and_null_for_what_was_not_given()
    {
        var model = fixture.Model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass)
            .Single(p => ModelFixture.Plain(p.Name) == SqlServerSegmentation.RunProcedure).GetReferenced(Procedure.Parameters)
            .ToDictionary(p => p.Name.Parts[^1], p => (Type: p.GetReferenced(Parameter.DataType).Single().Name.Parts[^1], Length: p.GetProperty<int>(Parameter.Length)));

        var given = SqlServerSegmentation.RunParameters("default", new SqlServerSegmentation.RunOverrides(K: 7, Features: ["RecencyDays", " Frequency"], Seed: 3, Restarts: 20));
        var none = SqlServerSegmentation.RunParameters("default", null);

        Assert.Equal(model.Keys, given.ParameterNames.Select(n => "@" + n.TrimStart('@')));
        Assert.Equal(("nvarchar", SqlServerSegmentation.FeatureListLength), model["@FeatureList"]);
        Assert.All(["@K", "@RandomSeed", "@Restarts"], n => Assert.Equal("int", model[n].Type));
        Assert.Equal<object?>([7, "RecencyDays,Frequency", 3, 20], Overrides.Select(n => given.Get<object?>(n)).ToArray());
        Assert.All(Overrides, n => Assert.Null(none.Get<object?>(n)));
        Assert.Equal("default", none.Get<string>("@ConfigurationName"));
    }

    [Fact]
    public void An_overlong_feature_list_is_refused_before_it_is_sent()
    {
        var features = Enumerable.Repeat("MonetaryValue", 80).ToList();
        Assert.Throws<ArgumentException>(() => SqlServerSegmentation.RunParameters("default", new SqlServerSegmentation.RunOverrides(Features: features)));
    }

    [Fact]
    public void The_overrides_take_effect_before_the_features_are_checked_and_the_run_is_recorded()
    {
        var steps = Steps(File.ReadAllText(PathOf()));

        var features = steps.FindIndex(s => s.Text.Contains("SET @Features = @FeatureList", StringComparison.Ordinal));
        var seed = steps.FindIndex(s => s.Text.Contains("SET @Seed = @RandomSeed", StringComparison.Ordinal));
        var options = steps.FindIndex(s => s.Text.Contains("SET @Options = (SELECT STRING_AGG", StringComparison.Ordinal));
        var split = steps.FindIndex(s => s.Text.Contains("INSERT @Feature", StringComparison.Ordinal));
        var recorded = steps.FindIndex(s => s.Statement is InsertStatement { InsertSpecification.Target: NamedTableReference t } && t.SchemaObject.BaseIdentifier.Value == "ModelRun");

        Assert.True(features >= 0 && seed >= 0 && options >= 0 && split >= 0 && recorded >= 0, $"{features} {seed} {options} {split} {recorded}");
        Assert.True(features < split, "the feature override is applied after the configured features were split and checked");
        Assert.True(Math.Max(seed, options) < recorded, "the run is recorded before the overrides are applied");
        var insert = (InsertStatement)steps[recorded].Statement;
        var values = ((ValuesInsertSource)insert.InsertSpecification.InsertSource).RowValues.Single().ColumnValues;
        var columns = insert.InsertSpecification.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value).ToList();
        Assert.Equal("@Options", ((VariableReference)values[columns.IndexOf("Parameters")]).Name);
        Assert.Equal("@Features", ((VariableReference)values[columns.IndexOf("Features")]).Name);
        Assert.Equal("@Seed", ((VariableReference)values[columns.IndexOf("Seed")]).Name);
    }

    [Fact]
    public void The_order_check_sees_an_override_applied_after_the_run_is_recorded()
    {
        var text = File.ReadAllText(PathOf());
        var set = "    IF @RandomSeed IS NOT NULL\n        SET @Seed = @RandomSeed;\n";
        Assert.Contains(set, text, StringComparison.Ordinal);
        var late = text.Replace(set, string.Empty, StringComparison.Ordinal)
            .Replace("    EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.RunConfiguration', @StepName = N'segmentation', @Status = N'started',",
                set + "    EXEC [Application].[WriteJobLog] @JobName = N'Segmentation.RunConfiguration', @StepName = N'segmentation', @Status = N'started',", StringComparison.Ordinal);
        Assert.NotEqual(text, late);

        var steps = Steps(late);

        Assert.True(steps.FindIndex(s => s.Text.Contains("SET @Seed = @RandomSeed", StringComparison.Ordinal))
            > steps.FindIndex(s => s.Statement is InsertStatement { InsertSpecification.Target: NamedTableReference t } && t.SchemaObject.BaseIdentifier.Value == "ModelRun"));
    }

    private string PathOf() => fixture.ProcedurePath("Segmentation.RunConfiguration");

    /// <summary>The procedure body's statements in order, IF bodies flattened, each with its text.</summary>
    private static List<(TSqlStatement Statement, string Text)> Steps(string text)
    {
        var script = TSqlText.Parse(text);
        var body = script.Batches.SelectMany(b => b.Statements).OfType<CreateProcedureStatement>().Single()
            .StatementList.Statements.OfType<BeginEndBlockStatement>().Single().StatementList.Statements;
        var steps = new List<(TSqlStatement, string)>();
        void Add(TSqlStatement statement)
        {
            switch (statement)
            {
                case IfStatement branch:
                    steps.Add((branch, string.Empty));
                    Add(branch.ThenStatement);
                    if (branch.ElseStatement is { } other)
                    {
                        Add(other);
                    }

                    break;
                case BeginEndBlockStatement block:
                    foreach (var inner in block.StatementList.Statements)
                    {
                        Add(inner);
                    }

                    break;
                case WhileStatement loop:
                    steps.Add((loop, string.Empty));
                    Add(loop.Statement);
                    break;
                default:
                    steps.Add((statement, text.Substring(statement.StartOffset, statement.FragmentLength)));
                    break;
            }
        }

        foreach (var statement in body)
        {
            Add(statement);
        }

        return steps;
    }
}
