using Microsoft.SqlServer.Dac.Model;
using Index = Microsoft.SqlServer.Dac.Model.Index;

namespace Warehouse.Database.Tests;

/// <summary>Conventions checked on the DacFx model itself (what SQL Server would hold), not on the text.</summary>
public class ModelConventionTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Fact]
    public void EveryTableAndColumnHasADescription()
    {
        var described = fixture.Model.GetObjects(DacQueryScopes.UserDefined, ExtendedProperty.TypeClass)
            .Where(p => p.Name.Parts[^1].Equals("Description", StringComparison.OrdinalIgnoreCase))
            .Where(p => ((string?)p.GetProperty(ExtendedProperty.Value))?.Trim('N', '\'').Trim().Length > 0)
            .SelectMany(p => p.GetReferenced(ExtendedProperty.Host))
            .Select(h => ModelFixture.Plain(h.Name))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var required = new List<string>();
        foreach (var table in fixture.Tables)
        {
            required.Add(ModelFixture.Plain(table.Name));
            required.AddRange(table.GetReferenced(Table.Columns).Select(c => ModelFixture.Plain(c.Name)));
        }

        Assert.True(required.Count > 200, $"only {required.Count} tables and columns found");
        Expect.None(required.Where(r => !described.Contains(r)), "every table and column has a Description");
    }

    [Fact]
    public void EveryForeignKeyColumnLeadsAnIndex()
    {
        var leading = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var index in fixture.Model.GetObjects(DacQueryScopes.UserDefined, Index.TypeClass))
        {
            leading.Add(ModelFixture.Plain(index.GetReferenced(Index.Columns).First().Name));
        }

        foreach (var key in fixture.Model.GetObjects(DacQueryScopes.UserDefined, PrimaryKeyConstraint.TypeClass))
        {
            leading.Add(ModelFixture.Plain(key.GetReferenced(PrimaryKeyConstraint.Columns).First().Name));
        }

        foreach (var unique in fixture.Model.GetObjects(DacQueryScopes.UserDefined, UniqueConstraint.TypeClass))
        {
            leading.Add(ModelFixture.Plain(unique.GetReferenced(UniqueConstraint.Columns).First().Name));
        }

        var foreignKeyColumns = fixture.Model.GetObjects(DacQueryScopes.UserDefined, ForeignKeyConstraint.TypeClass)
            .SelectMany(fk => fk.GetReferenced(ForeignKeyConstraint.Columns))
            .Select(c => ModelFixture.Plain(c.Name))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

        Assert.True(foreignKeyColumns.Count >= 10, $"only {foreignKeyColumns.Count} foreign key columns found");
        Expect.None(foreignKeyColumns.Where(c => !leading.Contains(c)), "every foreign key column leads an index");
    }

    [Fact]
    public void EveryFactTableHasAClusteredColumnstoreIndex()
    {
        var facts = fixture.Tables.Where(t => t.Name.Parts[0] == "Fact").Select(t => ModelFixture.Plain(t.Name)).ToList();
        var columnstore = fixture.Model.GetObjects(DacQueryScopes.UserDefined, ColumnStoreIndex.TypeClass)
            .Where(i => (bool)i.GetProperty(ColumnStoreIndex.Clustered))
            .SelectMany(i => i.GetReferenced(ColumnStoreIndex.IndexedObject))
            .Select(t => ModelFixture.Plain(t.Name))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.True(facts.Count >= 3, $"only {facts.Count} fact tables");
        Expect.None(facts.Where(f => !columnstore.Contains(f)), "every fact table has a clustered columnstore index");
    }

    [Fact]
    public void FactTablesHaveNoClusteredRowstoreIndex()
    {
        // A clustered primary key would conflict with the clustered columnstore index.
        var clustered = fixture.Model.GetObjects(DacQueryScopes.UserDefined, PrimaryKeyConstraint.TypeClass)
            .Where(k => (bool)k.GetProperty(PrimaryKeyConstraint.Clustered))
            .SelectMany(k => k.GetReferenced(PrimaryKeyConstraint.Host))
            .Where(t => t.Name.Parts[0] == "Fact")
            .Select(t => ModelFixture.Plain(t.Name));
        Assert.Empty(clustered);
    }
}
