using Microsoft.SqlServer.Dac.Model;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>DacFx is the judge of SQL Server fidelity: the whole folder must load and validate for 2019 and 2022.</summary>
public class ModelValidationTests
{
    private static readonly string Root = RepositoryPaths.FindRoot(AppContext.BaseDirectory);

    public static TheoryData<string> Versions => new() { nameof(SqlServerVersion.Sql150), nameof(SqlServerVersion.Sql160) };

    [Theory]
    [MemberData(nameof(Versions))]
    public void WholeFolderValidatesWithoutErrors(string versionName)
    {
        var version = Enum.Parse<SqlServerVersion>(versionName);
        var source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(Root));
        using var build = ModelBuilder.Build(source, version);

        Assert.True(source.ObjectFiles.Count >= 40, $"only {source.ObjectFiles.Count} object files found");
        Assert.Empty(build.Errors.Select(e => e.ToString()));
        // Every file contributed at least one object to the model (a file DacFx silently ignored would be a gap).
        var files = build.Model.GetObjects(DacQueryScopes.UserDefined)
            .Select(o => o.GetSourceInformation()?.SourceName)
            .Where(n => n is not null)
            .Select(n => n!.Replace('\\', '/'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Expect.None(source.ObjectFiles.Select(f => f.Name).Where(n => !files.Contains(n)), "every object file contributes to the model");
    }

    [Fact]
    public void BrokenReferenceInTemporaryCopyIsReportedWithItsFile()
    {
        var copy = CopySource();
        try
        {
            var view = Path.Combine(copy, "Segmentation", "Views", "CustomerFeatureSource.sql");
            var text = File.ReadAllText(view);
            Assert.Contains("[Fact].[WebSession]", text, StringComparison.Ordinal);
            File.WriteAllText(view, text.Replace("[Fact].[WebSession]", "[Fact].[WebSessionMissing]", StringComparison.Ordinal));

            using var build = ModelBuilder.Build(DatabaseSource.Load(copy), SqlServerVersion.Sql160);

            Assert.False(build.Succeeded);
            var error = Assert.Single(build.Errors.Where(e => e.Message.Contains("[Fact].[WebSessionMissing]", StringComparison.Ordinal)).Take(1));
            Assert.Equal("SQL71501", error.Code);
            Assert.Equal("Segmentation/Views/CustomerFeatureSource.sql", error.File);
            Assert.True(error.Line > 0);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void OnlyTheNamedSystemProceduresAreLeftToTheServerAndAMisspeltOneIsAnError()
    {
        // sys.sp_getapplock / sp_releaseapplock resolve only through master.dacpac (not available here): their references
        // stay warnings, while a misspelt system procedure or parameter is an error like any unresolved name.
        var copy = CopySource();
        try
        {
            var file = Path.Combine(copy, "Application", "Stored Procedures", "ZzLock.sql");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "CREATE PROCEDURE [Application].[ZzLock]\nAS\nBEGIN\n    DECLARE @r INT;\n" +
                "    EXEC @r = [sys].[sp_getapplock] @Resource = N'x', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0;\n" +
                "    EXEC [sys].[sp_releaseapplock] @Resource = N'x', @LockOwner = N'Session';\n" +
                "    EXEC @r = [sys].[sp_getappluck] @Resource = N'x';\n" +
                "    EXEC [sys].[sp_releaseapplock] @Resourse = N'x';\nEND;\nGO\n");

            using var build = ModelBuilder.Build(DatabaseSource.Load(copy), SqlServerVersion.Sql150);

            var errors = build.Errors.Where(e => e.File == "Application/Stored Procedures/ZzLock.sql").Select(e => e.Message).ToList();
            Assert.Contains(errors, m => m.Contains("[sys].[sp_getappluck]", StringComparison.Ordinal));
            Assert.Contains(errors, m => m.Contains("[sys].[sp_releaseapplock].[@Resourse]", StringComparison.Ordinal));
            Assert.DoesNotContain(errors, m => m.Contains("[sys].[sp_getapplock]", StringComparison.Ordinal) || m.Contains("[@LockOwner]", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void MisspeltTableInProcedureIsAnErrorNotOnlyAWarning()
    {
        var copy = CopySource();
        try
        {
            var file = Path.Combine(copy, "Application", "Stored Procedures", "ZzBroken.sql");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "CREATE PROCEDURE [Application].[ZzBroken]\nAS\nBEGIN\n    SELECT COUNT(*) FROM [Dimension].[Custmer];\nEND;\nGO\n");

            using var build = ModelBuilder.Build(DatabaseSource.Load(copy), SqlServerVersion.Sql150);

            var error = Assert.Single(build.Errors);
            Assert.Equal("SQL71502", error.Code);
            Assert.Equal("Application/Stored Procedures/ZzBroken.sql", error.File);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void SyntaxErrorNamesTheFile()
    {
        var copy = CopySource();
        try
        {
            File.AppendAllText(Path.Combine(copy, "Dimension", "Tables", "Channel.sql"), "\nCREATE TABLE [Dimension].[Oops] ([A] INT,,);\nGO\n");

            using var build = ModelBuilder.Build(DatabaseSource.Load(copy), SqlServerVersion.Sql160);

            Assert.Contains(build.Errors, e => e.File == "Dimension/Tables/Channel.sql");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static string CopySource()
    {
        var from = RepositoryPaths.DatabaseSource(Root);
        var to = Path.Combine(Path.GetTempPath(), "warehouse-db-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(from, "*.sql", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return to;
    }
}
