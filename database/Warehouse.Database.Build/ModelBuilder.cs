using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace Warehouse.Database.Build;

/// <summary>Loads the model objects of a <see cref="DatabaseSource"/> into a DacFx <see cref="TSqlModel"/> and validates it.</summary>
public static class ModelBuilder
{
    /// <summary>The SQL Server versions the database must deploy to: 2019 (Sql150) and 2022 (Sql160).</summary>
    public static IReadOnlyList<SqlServerVersion> SupportedVersions { get; } = [SqlServerVersion.Sql150, SqlServerVersion.Sql160];

    /// <summary>
    /// Builds the model for <paramref name="version"/>: adds every object file (a file DacFx cannot load is reported
    /// as an error naming it, and the others are still loaded so every problem is reported at once), then runs
    /// <see cref="TSqlModel.Validate"/> (unresolved references, invalid types, duplicate names…).
    /// </summary>
    /// <param name="source">The database source.</param>
    /// <param name="version">Target SQL Server version.</param>
    /// <returns>The model (the caller disposes it) and every message; <see cref="ModelBuildResult.Succeeded"/> when no error.</returns>
    public static ModelBuildResult Build(DatabaseSource source, SqlServerVersion version)
    {
        ArgumentNullException.ThrowIfNull(source);
        var model = new TSqlModel(version, new TSqlModelOptions
        {
            Collation = "SQL_Latin1_General_CP1_CI_AS",
            AnsiNullsOn = true,
            QuotedIdentifierOn = true,
        });
        var messages = new List<ModelMessage>();
        try
        {
            foreach (var file in source.ObjectFiles)
            {
                try
                {
                    model.AddOrUpdateObjects(file.Text, file.Name, new TSqlObjectOptions { AnsiNulls = true, QuotedIdentifier = true });
                }
                catch (DacModelException e)
                {
                    messages.AddRange(e.Messages.Count > 0
                        ? e.Messages.Select(m => new ModelMessage(file.Name, 0, 0, $"{m.Prefix}{m.Number}", m.Message, m.MessageType == DacMessageType.Error))
                        : [new ModelMessage(file.Name, 0, 0, "DacModelException", e.Message, true)]);
                }
            }

            var locator = new ElementLocator(model);
            messages.AddRange(model.Validate().Select(m => Convert(m, locator)));
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return new ModelBuildResult(version, model, messages);
    }

    /// <summary>
    /// Unresolved references in procedures are only warnings in DacFx (SQL71502); a misspelt table in a procedure is
    /// as much a defect as one in a view, so they count as errors here.
    /// </summary>
    private static readonly HashSet<string> WarningsTreatedAsErrors = new(StringComparer.Ordinal) { "SQL71502" };

    /// <summary>
    /// System stored procedures the procedures call that DacFx can resolve only through a reference to master.dacpac,
    /// which is not available here (<c>sys.sp_getapplock</c> / <c>sys.sp_releaseapplock</c>, the application locks of
    /// the load procedures). A reference to exactly one of them, or to one of its parameters, stays a warning; any other
    /// name in <c>sys</c>, a misspelt one included, is still an error.
    /// </summary>
    public static IReadOnlySet<string> SystemProcedures { get; } = new HashSet<string>(StringComparer.Ordinal) { "sp_getapplock", "sp_releaseapplock" };

    private static readonly System.Text.RegularExpressions.Regex SystemProcedureReference =
        new(@"has an unresolved reference to object \[sys\]\.\[(?<name>[^\]]+)\](?:\.\[(?<parameter>@[A-Za-z]+)\])?\.$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The documented parameters of <see cref="SystemProcedures"/>.</summary>
    private static readonly HashSet<string> SystemProcedureParameters = new(StringComparer.OrdinalIgnoreCase) { "@Resource", "@LockMode", "@LockOwner", "@LockTimeout", "@DbPrincipal" };

    private static ModelMessage Convert(DacModelMessage message, ElementLocator locator)
    {
        var code = $"{message.Prefix}{message.Number}";
        var (file, line, column) = locator.Locate(message.Message);
        return new ModelMessage(
            file,
            line,
            column,
            code,
            message.Message,
            message.MessageType == DacMessageType.Error || (WarningsTreatedAsErrors.Contains(code) && !IsSystemProcedureReference(message.Message)));
    }

    private static bool IsSystemProcedureReference(string message)
    {
        var match = SystemProcedureReference.Match(message);
        return match.Success && SystemProcedures.Contains(match.Groups["name"].Value)
            && (!match.Groups["parameter"].Success || SystemProcedureParameters.Contains(match.Groups["parameter"].Value));
    }

    /// <summary>
    /// DacFx validation messages name the element ("Error validating element [Fact].[Purchase].[X]") but not the file;
    /// the element's source information (or its nearest named parent's) gives file, line and column.
    /// </summary>
    private sealed class ElementLocator(TSqlModel model)
    {
        private static readonly System.Text.RegularExpressions.Regex ElementName =
            new(@"element (?<name>\[[^\]]*\](?:\.\[[^\]]*\])*)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private readonly Dictionary<string, (string File, int Line, int Column)> _byName = Index(model);

        public (string File, int Line, int Column) Locate(string message)
        {
            var match = ElementName.Match(message);
            if (!match.Success)
            {
                return (string.Empty, 0, 0);
            }

            var parts = match.Groups["name"].Value.Split("].[");
            for (var count = parts.Length; count > 0; count--)
            {
                var name = string.Join("].[", parts.Take(count));
                if (!name.StartsWith('['))
                {
                    name = "[" + name;
                }

                if (!name.EndsWith(']'))
                {
                    name += "]";
                }

                if (_byName.TryGetValue(name, out var where))
                {
                    return where;
                }
            }

            return (string.Empty, 0, 0);
        }

        private static Dictionary<string, (string File, int Line, int Column)> Index(TSqlModel model)
        {
            var result = new Dictionary<string, (string, int, int)>(StringComparer.OrdinalIgnoreCase);
            foreach (var element in model.GetObjects(DacQueryScopes.UserDefined))
            {
                var source = element.GetSourceInformation();
                if (source is null || element.Name is null || !element.Name.HasName)
                {
                    continue;
                }

                result.TryAdd(element.Name.ToString(), ((source.SourceName ?? string.Empty).Replace('\\', '/'), source.StartLine, source.StartColumn));
            }

            return result;
        }
    }
}

/// <summary>The outcome of <see cref="ModelBuilder.Build"/>.</summary>
/// <param name="Version">Target SQL Server version.</param>
/// <param name="Model">The loaded model; dispose it.</param>
/// <param name="Messages">Errors and warnings, each naming its file where DacFx knows it.</param>
public sealed record ModelBuildResult(SqlServerVersion Version, TSqlModel Model, IReadOnlyList<ModelMessage> Messages) : IDisposable
{
    /// <summary>The errors only.</summary>
    public IReadOnlyList<ModelMessage> Errors => Messages.Where(m => m.IsError).ToList();

    /// <summary>True when there is no error.</summary>
    public bool Succeeded => !Messages.Any(m => m.IsError);

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
