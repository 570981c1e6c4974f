using Microsoft.SqlServer.Dac;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>The build writes dacpacs DacFx can load back (with the post-deploy script) and a create script.</summary>
public class PackageTests
{
    [Fact]
    public void BuildWritesDacpacsCreateScriptAndCarriesThePostDeploymentScript()
    {
        var root = RepositoryPaths.FindRoot(AppContext.BaseDirectory);
        var source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(root));
        var output = Path.Combine(Path.GetTempPath(), "warehouse-dacpac-" + Guid.NewGuid().ToString("N"));
        try
        {
            var log = new List<string>();
            var errors = DatabaseBuild.Run(source, output, [], null, log.Add);

            Assert.Empty(errors);
            foreach (var file in new[] { DatabaseBuild.DacpacFile, DatabaseBuild.Sql150DacpacFile })
            {
                using var package = DacPackage.Load(Path.Combine(output, file));
                Assert.Equal(PackageWriter.DatabaseName, package.Name);
                if (source.PostDeploymentFiles.Count > 0)
                {
                    Assert.NotNull(package.PostDeploymentScript);
                    using var reader = new StreamReader(package.PostDeploymentScript);
                    Assert.Equal(source.PostDeploymentScript().Trim(), reader.ReadToEnd().Trim());
                }
            }

            var create = File.ReadAllText(Path.Combine(output, DatabaseBuild.CreateScriptFile));
            Assert.Contains("CREATE TABLE [Fact].[Purchase]", create, StringComparison.Ordinal);
            Assert.Contains("CREATE CLUSTERED COLUMNSTORE INDEX [CCX_Fact_Purchase]", create, StringComparison.Ordinal);
            Assert.Contains("CREATE VIEW [Segmentation].[CustomerFeatureSource]", create, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
