using Microsoft.SqlServer.Dac.Model;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>Builds the DacFx model of database/Warehouse.Database once per test class that uses it (Sql160).</summary>
public sealed class ModelFixture : IDisposable
{
    public ModelFixture()
    {
        Root = RepositoryPaths.FindRoot(AppContext.BaseDirectory);
        Source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(Root));
        Build = ModelBuilder.Build(Source, SqlServerVersion.Sql160);
    }

    public string Root { get; }

    public DatabaseSource Source { get; }

    public ModelBuildResult Build { get; }

    public TSqlModel Model => Build.Model;

    public IReadOnlyList<TSqlObject> Tables => Model.GetObjects(DacQueryScopes.UserDefined, Table.TypeClass).ToList();

    public void Dispose() => Build.Dispose();

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
