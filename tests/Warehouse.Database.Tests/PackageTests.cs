using Microsoft.SqlServer.Dac;
using Warehouse.Database.Build;

namespace Warehouse.Database.Tests;

/// <summary>The build writes dacpacs DacFx can load back (with the pre- and post-deploy scripts) and a create script.</summary>
public class PackageTests
{
    [Fact]
    public void BuildWritesDacpacsCreateScriptAndCarriesThePreAndPostDeploymentScripts()
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
                Assert.NotEmpty(source.PreDeploymentFiles);
                Assert.NotNull(package.PreDeploymentScript);
                using (var pre = new StreamReader(package.PreDeploymentScript))
                {
                    Assert.Equal(source.PreDeploymentScript().Trim(), pre.ReadToEnd().Trim());
                }

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

            // DacFx puts the pre-deployment script after the database settings and before the first model object (on a
            // new database it finds no table to upgrade), the post-deployment script after the model.
            var preDeploy = create.IndexOf(source.PreDeploymentScript().Trim(), StringComparison.Ordinal);
            Assert.True(preDeploy > create.IndexOf("ALTER DATABASE [$(DatabaseName)]", StringComparison.Ordinal), "the pre-deployment script follows the database settings");
            Assert.True(preDeploy < create.IndexOf("CREATE SCHEMA", StringComparison.Ordinal), "the pre-deployment script precedes the model");
            var postDeploy = create.IndexOf("-- PostDeployment/01_Settings.sql", StringComparison.Ordinal);
            Assert.True(postDeploy > create.IndexOf("CREATE TABLE [Fact].[Purchase]", StringComparison.Ordinal), "the post-deployment script follows the model");
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
