using Microsoft.SqlServer.Dac.Model;
using Warehouse.Database.Build;

namespace Warehouse.Reports.Tests.Ssrs;

/// <summary>The DacFx model of database/Warehouse.Database (SQL Server 2022), and the output columns of every view in it.</summary>
public sealed class ViewModelFixture : IDisposable
{
    private readonly ModelBuildResult _build;

    public ViewModelFixture()
    {
        var source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(TestFiles.RepositoryRoot));
        _build = ModelBuilder.Build(source, SqlServerVersion.Sql160);
        Errors = _build.Errors.Select(e => e.ToString()).ToList();
        Views = _build.Model.GetObjects(DacQueryScopes.UserDefined, View.TypeClass).ToDictionary(
            v => string.Join(".", v.Name.Parts),
            v => v.GetReferenced(View.Columns).Select(c => c.Name.Parts[^1]).ToHashSet(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<string> Errors { get; }

    /// <summary>"Schema.View" → column names.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Views { get; }

    public void Dispose() => _build.Dispose();
}
