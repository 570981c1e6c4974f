using Microsoft.SqlServer.Dac.Model;

namespace Warehouse.Database.Build;

/// <summary>
/// The whole build: validate the model for every supported SQL Server version, then write the dacpacs, the create
/// script and the CLR deploy script into one folder.
/// </summary>
public static class DatabaseBuild
{
    /// <summary>File name of the SQL Server 2022 (Sql160) package.</summary>
    public const string DacpacFile = "Warehouse.dacpac";

    /// <summary>File name of the SQL Server 2019 (Sql150) package.</summary>
    public const string Sql150DacpacFile = "Warehouse.Sql150.dacpac";

    /// <summary>File name of the create script generated from <see cref="DacpacFile"/>.</summary>
    public const string CreateScriptFile = "Warehouse.Create.sql";

    /// <summary>File name of the CLR deploy script.</summary>
    public const string ClrScriptFile = "Warehouse.SqlClr.Deploy.sql";

    /// <summary>Validates the source for every version in <see cref="ModelBuilder.SupportedVersions"/>.</summary>
    /// <param name="source">The database source.</param>
    /// <returns>Messages per version.</returns>
    public static IReadOnlyDictionary<SqlServerVersion, IReadOnlyList<ModelMessage>> Validate(DatabaseSource source)
    {
        var result = new Dictionary<SqlServerVersion, IReadOnlyList<ModelMessage>>();
        foreach (var version in ModelBuilder.SupportedVersions)
        {
            using var build = ModelBuilder.Build(source, version);
            result[version] = build.Messages;
        }

        return result;
    }

    /// <summary>
    /// Builds everything into <paramref name="outputFolder"/>. Writes nothing (and returns the errors) when any version
    /// has a validation error.
    /// </summary>
    /// <param name="source">The database source.</param>
    /// <param name="outputFolder">Where the files go.</param>
    /// <param name="clrAssemblies">The CLR assemblies in dependency order; empty to skip the CLR script.</param>
    /// <param name="clrWrappers">The wrapper T-SQL and its name; null to skip the CLR script.</param>
    /// <param name="log">Progress lines.</param>
    /// <returns>Every error (empty on success).</returns>
    public static IReadOnlyList<ModelMessage> Run(
        DatabaseSource source,
        string outputFolder,
        IReadOnlyList<(string Name, byte[] Bytes)> clrAssemblies,
        (string Text, string Name)? clrWrappers,
        Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(log);
        var preDeploy = source.PreDeploymentScript();
        var postDeploy = source.PostDeploymentScript();
        var errors = new List<ModelMessage>();
        var builds = new List<ModelBuildResult>();
        try
        {
            foreach (var version in ModelBuilder.SupportedVersions)
            {
                var build = ModelBuilder.Build(source, version);
                builds.Add(build);
                var warnings = build.Messages.Count(m => !m.IsError);
                log($"{version}: {source.ObjectFiles.Count} files, {build.Errors.Count} error(s), {warnings} warning(s)");
                foreach (var message in build.Messages)
                {
                    log("  " + message);
                }

                errors.AddRange(build.Errors);
            }

            if (errors.Count > 0)
            {
                return errors;
            }

            Directory.CreateDirectory(outputFolder);
            foreach (var build in builds)
            {
                var file = build.Version == SqlServerVersion.Sql160 ? DacpacFile : $"Warehouse.{build.Version}.dacpac";
                var path = Path.Combine(outputFolder, file);
                PackageWriter.WriteDacpac(build.Model, path, preDeploy, postDeploy);
                log($"wrote {path}");
            }
        }
        finally
        {
            foreach (var build in builds)
            {
                build.Dispose();
            }
        }

        var createScript = Path.Combine(outputFolder, CreateScriptFile);
        File.WriteAllText(createScript, PackageWriter.GenerateCreateScript(Path.Combine(outputFolder, DacpacFile)));
        log($"wrote {createScript}");

        if (clrAssemblies.Count > 0 && clrWrappers is { } wrappers)
        {
            var clrScript = Path.Combine(outputFolder, ClrScriptFile);
            File.WriteAllText(clrScript, ClrDeployScript.Generate(clrAssemblies, wrappers.Text, wrappers.Name));
            log($"wrote {clrScript}");
        }

        return errors;
    }
}
