namespace Warehouse.Database.Build;

/// <summary>
/// The T-SQL source folder (database/Warehouse.Database) split by role: model objects (one per file, loaded into
/// DacFx), pre-deployment scripts (become the dacpac's pre-deploy script: run before the schema changes of a
/// publish), post-deployment scripts (become the dacpac's post-deploy script) and SQL Agent scripts (run by a DBA
/// against msdb, not part of the model).
/// </summary>
public sealed class DatabaseSource
{
    /// <summary>Folder of the pre-deployment scripts, relative to the source folder.</summary>
    public const string PreDeploymentFolder = "PreDeployment";

    /// <summary>Folder of the post-deployment scripts, relative to the source folder.</summary>
    public const string PostDeploymentFolder = "PostDeployment";

    /// <summary>Folder of the SQL Agent scripts, relative to the source folder.</summary>
    public const string AgentFolder = "Agent";

    private DatabaseSource(string folder, IReadOnlyList<SourceFile> objects, IReadOnlyList<SourceFile> preDeployment, IReadOnlyList<SourceFile> postDeployment, IReadOnlyList<SourceFile> agent)
    {
        Folder = folder;
        ObjectFiles = objects;
        PreDeploymentFiles = preDeployment;
        PostDeploymentFiles = postDeployment;
        AgentFiles = agent;
    }

    /// <summary>Full path of the source folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// Model objects: every .sql file outside <see cref="PreDeploymentFolder"/>, <see cref="PostDeploymentFolder"/> and
    /// <see cref="AgentFolder"/>, ordered by path.
    /// </summary>
    public IReadOnlyList<SourceFile> ObjectFiles { get; }

    /// <summary>Pre-deployment scripts, ordered by path.</summary>
    public IReadOnlyList<SourceFile> PreDeploymentFiles { get; }

    /// <summary>Post-deployment scripts, ordered by path.</summary>
    public IReadOnlyList<SourceFile> PostDeploymentFiles { get; }

    /// <summary>SQL Agent scripts, ordered by path.</summary>
    public IReadOnlyList<SourceFile> AgentFiles { get; }

    /// <summary>Every .sql file of the folder.</summary>
    public IEnumerable<SourceFile> AllFiles => ObjectFiles.Concat(PreDeploymentFiles).Concat(PostDeploymentFiles).Concat(AgentFiles);

    /// <summary>Reads every .sql file under <paramref name="folder"/>.</summary>
    /// <param name="folder">The database source folder, e.g. database/Warehouse.Database.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static DatabaseSource Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Database source folder '{folder}' does not exist.");
        }

        var objects = new List<SourceFile>();
        var pre = new List<SourceFile>();
        var post = new List<SourceFile>();
        var agent = new List<SourceFile>();
        var files = Directory.EnumerateFiles(root, "*.sql", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => !relative.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            var file = new SourceFile(relative, File.ReadAllText(Path.Combine(root, relative)));
            var top = relative.Split('/')[0];
            if (top.Equals(PreDeploymentFolder, StringComparison.OrdinalIgnoreCase))
            {
                pre.Add(file);
            }
            else if (top.Equals(PostDeploymentFolder, StringComparison.OrdinalIgnoreCase))
            {
                post.Add(file);
            }
            else if (top.Equals(AgentFolder, StringComparison.OrdinalIgnoreCase))
            {
                agent.Add(file);
            }
            else
            {
                objects.Add(file);
            }
        }

        return new DatabaseSource(root, objects, pre, post, agent);
    }

    /// <summary>
    /// The pre-deployment script as one text: the files of <see cref="PreDeploymentFolder"/> in path order, joined as
    /// <see cref="PostDeploymentScript"/> joins its files. DacFx runs it after connecting to the target database and
    /// before the schema changes it computed (and before its data-loss checks), on every publish; in a create script it
    /// follows the database creation. Empty when there are none.
    /// </summary>
    public string PreDeploymentScript() => Concatenate(PreDeploymentFiles);

    /// <summary>
    /// The post-deployment script as one text: the files of <see cref="PostDeploymentFolder"/> in path order (name
    /// them with a numeric prefix), each ending its last batch. DacFx stores the post-deploy script as a single file;
    /// SQLCMD <c>:r</c> includes are not used because ScriptDom (and so the DuckDB translation and the tests) cannot
    /// parse them. Empty when there are none.
    /// </summary>
    public string PostDeploymentScript() => Concatenate(PostDeploymentFiles);

    private static string Concatenate(IReadOnlyList<SourceFile> files)
    {
        var result = new System.Text.StringBuilder();
        foreach (var file in files)
        {
            var text = file.Text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
            result.Append("-- ").Append(file.Name).Append('\n').Append(text).Append('\n');
            if (!text.EndsWith("\nGO", StringComparison.OrdinalIgnoreCase))
            {
                result.Append("GO\n");
            }
        }

        return result.ToString();
    }
}

/// <summary>One .sql file.</summary>
/// <param name="Name">Path relative to the source folder with forward slashes, e.g. <c>Fact/Tables/Purchase.sql</c>.</param>
/// <param name="Text">The T-SQL text.</param>
public sealed record SourceFile(string Name, string Text);
