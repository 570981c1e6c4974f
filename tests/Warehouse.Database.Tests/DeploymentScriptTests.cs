using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>Structure of the scripts a DBA runs more than once (post-deployment, Agent job) and of the security roles.</summary>
public class DeploymentScriptTests
{
    private static readonly DatabaseSource Source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(RepositoryPaths.FindRoot(AppContext.BaseDirectory)));

    [Fact]
    public void PostDeploymentInsertsOnlyWhatIsMissing()
    {
        var script = TSqlText.Parse(Source.PostDeploymentScript());
        var visitor = new RerunVisitor();
        script.Accept(visitor);

        Assert.True(visitor.Inserts >= 5, $"only {visitor.Inserts} guarded inserts found");
        Assert.True(visitor.Merges >= 3, $"only {visitor.Merges} merges found");
        Expect.None(visitor.Problems, "post-deployment can run again without duplicating or deleting rows");
    }

    [Fact]
    public void RerunCheckCatchesAnUnguardedInsert()
    {
        var script = TSqlText.Parse("INSERT [Dimension].[Channel] ([ChannelKey], [ChannelCode], [ChannelName]) VALUES (9, N'x', N'y');");
        var visitor = new RerunVisitor();
        script.Accept(visitor);
        Assert.Single(visitor.Problems);
    }

    [Fact]
    public void PostDeploymentCreatesTheUnknownMemberOfEveryDimension()
    {
        var text = Source.PostDeploymentScript();
        var dimensions = Source.ObjectFiles.Where(f => f.Name.StartsWith("Dimension/Tables/", StringComparison.Ordinal))
            .Select(f => Path.GetFileNameWithoutExtension(f.Name)).ToList();
        Assert.NotEmpty(dimensions);
        Expect.None(
            dimensions.Where(d => !text.Contains($"IF NOT EXISTS (SELECT 1 FROM [Dimension].[{d}] WHERE [{d}Key] = 0)", StringComparison.Ordinal)),
            "every dimension gets Unknown member 0");
    }

    [Fact]
    public void AgentJobChecksMsdbBeforeTouchingItAndHasTheFourSteps()
    {
        var job = Source.AgentFiles.Single(f => f.Name == "Agent/SegmentationJob.sql");
        var script = TSqlText.Parse(job.Text);
        var statements = script.Batches.SelectMany(b => b.Statements).ToList();

        // Parameters first: the leading statements are DECLAREs with defaults.
        var declares = statements.TakeWhile(s => s is DeclareVariableStatement or PredicateSetStatement).OfType<DeclareVariableStatement>().ToList();
        var names = declares.SelectMany(d => d.Declarations).Select(d => d.VariableName.Value).ToList();
        Assert.Contains("@DatabaseName", names);
        Assert.Contains("@ScheduleTime", names);
        Assert.Contains("@OperatorName", names);
        Assert.Contains("@MinimumSilhouette", names);

        // The first statement that mentions msdb is the existence check, and every msdb procedure call comes after it.
        var firstMsdb = statements.FindIndex(s => Text(job.Text, s).Contains("msdb", StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("IF DB_ID(N'msdb') IS NULL", Text(job.Text, statements[firstMsdb]), StringComparison.Ordinal);
        var deleteJob = job.Text.IndexOf("IF EXISTS (SELECT 1 FROM msdb.dbo.sysjobs WHERE [name] = @JobName)\n    EXEC msdb.dbo.sp_delete_job", StringComparison.Ordinal);
        Assert.True(deleteJob > 0, "the job is deleted only when it exists, before it is created again");
        Assert.True(deleteJob < job.Text.IndexOf("EXEC msdb.dbo.sp_add_job\n", StringComparison.Ordinal));

        foreach (var step in new[] { "N'ETL', @subsystem = N'CmdExec'", "N'Segmentation', @subsystem = N'TSQL'", "N'Quality gate', @subsystem = N'TSQL'", "N'Publish', @subsystem = N'TSQL'" })
        {
            Assert.Contains("@step_name = " + step, job.Text, StringComparison.Ordinal);
        }

        // The quality gate runs before publishing.
        Assert.True(job.Text.IndexOf("N'Quality gate'", StringComparison.Ordinal) < job.Text.IndexOf("N'Publish'", StringComparison.Ordinal));
        Assert.Contains("@output_file_name = @OutputFile", job.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RolesGrantNoMoreThanTheirPurpose()
    {
        var grants = new List<(string Role, string Permission, string Securable)>();
        foreach (var file in Source.ObjectFiles.Where(f => f.Name.StartsWith("Security/", StringComparison.Ordinal)))
        {
            foreach (var grant in TSqlText.Parse(file.Text).Batches.SelectMany(b => b.Statements).OfType<GrantStatement>())
            {
                var securable = grant.SecurityTargetObject.ObjectKind == SecurityObjectKind.Schema
                    ? "SCHEMA::" + grant.SecurityTargetObject.ObjectName.MultiPartIdentifier.Identifiers[^1].Value
                    : string.Join('.', grant.SecurityTargetObject.ObjectName.MultiPartIdentifier.Identifiers.Select(i => i.Value));
                foreach (var principal in grant.Principals)
                {
                    foreach (var permission in grant.Permissions)
                    {
                        grants.Add((principal.Identifier.Value, string.Join(' ', permission.Identifiers.Select(i => i.Value.ToUpperInvariant())), securable));
                    }
                }
            }
        }

        Assert.Equal([("SegmentReader", "SELECT", "SCHEMA::Reports")], grants.Where(g => g.Role == "SegmentReader").ToList());
        Assert.Equal([("SegmentationOperator", "EXECUTE", "SCHEMA::Segmentation")], grants.Where(g => g.Role == "SegmentationOperator").ToList());
        var loader = grants.Where(g => g.Role == "EtlLoader").ToList();
        Assert.Contains(("EtlLoader", "EXECUTE", "SCHEMA::Integration"), loader);
        Expect.None(
            loader.Where(g => !(g.Securable == "SCHEMA::Integration" && g.Permission == "EXECUTE")
                              && !(g.Securable.StartsWith("Integration.", StringComparison.Ordinal) && g.Permission is "SELECT" or "INSERT" or "DELETE"))
                  .Select(g => g.ToString()),
            "the ETL loader only touches Integration");
        // Rejected rows travel through Integration.Reject_Staging and the procedures move them in the migration's
        // transaction: a loader that cannot write the reject tables cannot leave rejects of a failed load behind.
        Expect.None(
            loader.Where(g => g.Permission is "INSERT" or "DELETE" && !g.Securable.EndsWith("_Staging", StringComparison.Ordinal))
                  .Select(g => g.ToString()),
            "the ETL loader writes only staging tables");
        Assert.Contains(("EtlLoader", "INSERT", "Integration.Reject_Staging"), loader);
        Expect.None(grants.Where(g => g.Role is not ("SegmentReader" or "SegmentationOperator" or "EtlLoader")).Select(g => g.ToString()), "only the three roles get permissions");
    }

    private static string Text(string script, TSqlFragment fragment) => script.Substring(fragment.StartOffset, fragment.FragmentLength);

    /// <summary>INSERT only under IF NOT EXISTS; MERGE never deletes.</summary>
    private sealed class RerunVisitor : TSqlFragmentVisitor
    {
        private int _guardDepth;

        public int Inserts { get; private set; }

        public int Merges { get; private set; }

        public List<string> Problems { get; } = [];

        public override void ExplicitVisit(IfStatement node)
        {
            var guarded = node.Predicate is BooleanNotExpression { Expression: ExistsPredicate };
            node.Predicate.Accept(this);
            if (guarded)
            {
                _guardDepth++;
            }

            node.ThenStatement.Accept(this);
            if (guarded)
            {
                _guardDepth--;
            }

            node.ElseStatement?.Accept(this);
        }

        public override void ExplicitVisit(InsertStatement node)
        {
            Inserts++;
            if (_guardDepth == 0)
            {
                Problems.Add($"line {node.StartLine}: INSERT not guarded by IF NOT EXISTS");
            }
        }

        public override void ExplicitVisit(MergeStatement node)
        {
            Merges++;
            foreach (var clause in node.MergeSpecification.ActionClauses)
            {
                if (clause.Action is DeleteMergeAction)
                {
                    Problems.Add($"line {node.StartLine}: MERGE deletes rows");
                }
            }
        }

        public override void ExplicitVisit(DeleteStatement node) => Problems.Add($"line {node.StartLine}: DELETE in post-deployment");

        public override void ExplicitVisit(TruncateTableStatement node) => Problems.Add($"line {node.StartLine}: TRUNCATE in post-deployment");
    }
}
