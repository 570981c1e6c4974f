using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace Warehouse.Database.Build;

/// <summary>Writes a validated model as a dacpac (with the pre- and post-deployment scripts) and the create script.</summary>
public static class PackageWriter
{
    /// <summary>Name of the database in the generated create script and the dacpac metadata.</summary>
    public const string DatabaseName = "Warehouse";

    /// <summary>Name of the pre-deploy part inside a dacpac (what SSDT writes and <see cref="DacPackage.PreDeploymentScript"/> reads).</summary>
    public const string PreDeployPart = "predeploy.sql";

    /// <summary>Name of the post-deploy part inside a dacpac (what SSDT writes and <see cref="DacPackage.PostDeploymentScript"/> reads).</summary>
    public const string PostDeployPart = "postdeploy.sql";

    /// <summary>
    /// Writes <paramref name="dacpacPath"/> from <paramref name="model"/> and adds <paramref name="preDeploymentScript"/>
    /// and <paramref name="postDeploymentScript"/> as its pre- and post-deployment scripts (DacFx's BuildPackage has no
    /// parameter for them; the parts are added to the package the way SSDT stores them, and
    /// <see cref="DacPackage.Load(string)"/> reads them back). A publish runs the pre-deploy script before the schema
    /// changes it computed from the target as it was (and before its data-loss checks), the post-deploy script after them.
    /// </summary>
    /// <param name="model">A model without errors.</param>
    /// <param name="dacpacPath">Output file.</param>
    /// <param name="preDeploymentScript">T-SQL run before the schema changes of every deployment; empty for none.</param>
    /// <param name="postDeploymentScript">T-SQL run after every deployment; empty for none.</param>
    /// <param name="version">Package version, e.g. 1.0.0.</param>
    public static void WriteDacpac(TSqlModel model, string dacpacPath, string preDeploymentScript, string postDeploymentScript, string version = "1.0.0")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(dacpacPath);
        ArgumentNullException.ThrowIfNull(preDeploymentScript);
        ArgumentNullException.ThrowIfNull(postDeploymentScript);
        var folder = Path.GetDirectoryName(Path.GetFullPath(dacpacPath));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        DacPackageExtensions.BuildPackage(
            dacpacPath,
            model,
            new PackageMetadata { Name = DatabaseName, Version = version, Description = "Warehouse segmentation star schema, Segmentation and Reports." },
            new PackageOptions { TreatWarningsAsErrors = false });
        if (preDeploymentScript.Length > 0)
        {
            AddScriptPart(dacpacPath, PreDeployPart, preDeploymentScript);
        }

        if (postDeploymentScript.Length > 0)
        {
            AddScriptPart(dacpacPath, PostDeployPart, postDeploymentScript);
        }
    }

    /// <summary>
    /// Generates the full create script of a dacpac (what <c>sqlpackage /Action:Script</c> against an empty server
    /// gives): database creation and settings, the pre-deploy script, the model objects, the post-deploy script.
    /// </summary>
    /// <param name="dacpacPath">The package.</param>
    /// <param name="databaseName">Target database name.</param>
    public static string GenerateCreateScript(string dacpacPath, string databaseName = DatabaseName)
    {
        using var package = DacPackage.Load(dacpacPath);
        return DacServices.GenerateCreateScript(package, databaseName, new DacDeployOptions
        {
            IncludeTransactionalScripts = true,
            BlockOnPossibleDataLoss = true,
            CommentOutSetVarDeclarations = false,
        });
    }

    private static void AddScriptPart(string dacpacPath, string part, string script)
    {
        using var archive = ZipFile.Open(dacpacPath, ZipArchiveMode.Update);
        archive.GetEntry(part)?.Delete();
        var entry = archive.CreateEntry(part, System.IO.Compression.CompressionLevel.Optimal);
        using (var stream = entry.Open())
        {
            // UTF-8 with BOM, as SSDT writes it.
            var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(script)).ToArray();
            stream.Write(bytes);
        }

        // The package is an OPC container: every extension needs a content type.
        var contentTypes = archive.GetEntry("[Content_Types].xml")
            ?? throw new InvalidDataException($"{dacpacPath} has no [Content_Types].xml; DacFx wrote an unexpected package layout.");
        XDocument document;
        using (var reader = contentTypes.Open())
        {
            document = XDocument.Load(reader);
        }

        XNamespace ns = "http://schemas.openxmlformats.org/package/2006/content-types";
        var root = document.Root ?? throw new InvalidDataException($"{dacpacPath}: empty [Content_Types].xml.");
        if (!root.Elements(ns + "Default").Any(e => string.Equals((string?)e.Attribute("Extension"), "sql", StringComparison.OrdinalIgnoreCase)))
        {
            root.Add(new XElement(ns + "Default", new XAttribute("Extension", "sql"), new XAttribute("ContentType", "text/plain")));
            contentTypes.Delete();
            var replaced = archive.CreateEntry("[Content_Types].xml", System.IO.Compression.CompressionLevel.Optimal);
            using var writer = replaced.Open();
            document.Save(writer);
        }
    }
}
