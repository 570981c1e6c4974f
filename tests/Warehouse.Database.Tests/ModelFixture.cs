using Microsoft.SqlServer.Dac.Model;
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

    /// <summary>Schema.Name without brackets, e.g. Fact.Purchase.</summary>
    public static string Plain(ObjectIdentifier name) => string.Join('.', name.Parts);
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
