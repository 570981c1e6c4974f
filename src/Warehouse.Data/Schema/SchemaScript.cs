using System.Reflection;

namespace Warehouse.Data.Schema;

/// <summary>One T-SQL file of database/Warehouse.Database, by its path relative to that folder.</summary>
/// <param name="Name">Path relative to database/Warehouse.Database, with forward slashes (e.g. <c>Fact/Tables/Purchase.sql</c>).</param>
/// <param name="Text">The T-SQL text.</param>
public sealed record SchemaScript(string Name, string Text)
{
    private const string ResourcePrefix = "Warehouse.Database/";

    /// <summary>
    /// The T-SQL files compiled into this assembly (every .sql under database/Warehouse.Database except the Agent
    /// and PreDeployment folders), ordered by name so the translation is deterministic.
    /// </summary>
    public static IReadOnlyList<SchemaScript> LoadEmbedded()
    {
        var assembly = typeof(SchemaScript).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) ||
                !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            scripts.Add(new SchemaScript(resource[ResourcePrefix.Length..].Replace('\\', '/'), ReadResource(assembly, resource)));
        }

        scripts.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return scripts;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script '{resource}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
