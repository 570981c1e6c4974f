using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>ScriptDom (SQL Server 2019 and 2022 grammars) parses every script, including post-deployment and Agent scripts that are not in the DacFx model.</summary>
public class ScriptParseTests
{
    private static readonly DatabaseSource Source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(RepositoryPaths.FindRoot(AppContext.BaseDirectory)));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Source.AllFiles)
        {
            data.Add(file.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ScriptParsesWithSql150AndSql160Grammars(string name)
    {
        var file = Source.AllFiles.Single(f => f.Name == name);
        foreach (TSqlParser parser in new TSqlParser[] { new TSql150Parser(true), new TSql160Parser(true) })
        {
            using var reader = new StringReader(file.Text);
            var fragment = parser.Parse(reader, out var errors);
            Expect.None(errors.Select(e => $"{name}({e.Line},{e.Column}): {e.Message}"), $"{parser.GetType().Name} parses the script");
            Assert.NotEmpty(((TSqlScript)fragment).Batches);
        }
    }

    [Fact]
    public void ParserRejectsABrokenScript()
    {
        using var reader = new StringReader("CREATE TABLE [x].[y] ([a] INT,,);");
        new TSql160Parser(true).Parse(reader, out var errors);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void PostDeploymentScriptParsesAsOneScript()
    {
        var script = Source.PostDeploymentScript();
        using var reader = new StringReader(script);
        new TSql160Parser(true).Parse(reader, out var errors);
        Expect.None(errors.Select(e => $"({e.Line},{e.Column}): {e.Message}"), "the combined post-deployment script parses");
    }
}
