using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>
/// The DacFx model of database/Warehouse.Database (Sql160), built once per test run and shared by the test classes
/// that read it (a model build takes seconds; the model is only read).
/// </summary>
public sealed class ModelFixture
{
    private static readonly Lazy<(string Root, DatabaseSource Source, ModelBuildResult Build)> Shared = new(() =>
    {
        var root = RepositoryPaths.FindRoot(AppContext.BaseDirectory);
        var source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(root));
        return (root, source, ModelBuilder.Build(source, SqlServerVersion.Sql160));
    });

    public string Root => Shared.Value.Root;

    public DatabaseSource Source => Shared.Value.Source;

    public ModelBuildResult Build => Shared.Value.Build;

    public TSqlModel Model => Build.Model;

    public IReadOnlyList<TSqlObject> Tables => Model.GetObjects(DacQueryScopes.UserDefined, Table.TypeClass).ToList();

    /// <summary>The file of a stored procedure named Schema.Name, e.g. Integration.GetLineageKey.</summary>
    public string ProcedurePath(string procedure)
    {
        var parts = procedure.Split('.');
        return Path.Combine(Root, "database", "Warehouse.Database", parts[0], "Stored Procedures", parts[1] + ".sql");
    }

    /// <summary>The parsed file of a stored procedure named Schema.Name (no parse errors).</summary>
    public TSqlScript ParseProcedure(string procedure) => TSqlText.Parse(File.ReadAllText(ProcedurePath(procedure)));

    /// <summary>Schema.Name without brackets, e.g. Fact.Purchase.</summary>
    public static string Plain(ObjectIdentifier name) => string.Join('.', name.Parts);
}

/// <summary>T-SQL parsed as SQL Server 2022 (Sql160) does; a parse error fails the test with its message.</summary>
public static class TSqlText
{
    public static TSqlScript Parse(string text)
    {
        using var reader = new StringReader(text);
        var script = (TSqlScript)new TSql160Parser(true).Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => e.Message));
        return script;
    }
}

/// <summary>Assertions that list every offender in the failure message.</summary>
public static class Expect
{
    public static void None(IEnumerable<string> offenders, string rule)
    {
        var list = offenders.ToList();
        Assert.True(list.Count == 0, $"{list.Count} violation(s) of '{rule}':\n  " + string.Join("\n  ", list));
    }
}
