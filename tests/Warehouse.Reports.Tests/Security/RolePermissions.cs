using System.Data;
using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Data;
using Warehouse.Database.Build;

namespace Warehouse.Reports.Tests.Security;

/// <summary>A permission a statement needs on SQL Server: SELECT, INSERT, UPDATE, DELETE or EXECUTE on an object, or SEE (some permission) on one of several objects.</summary>
/// <param name="Permission">The permission.</param>
/// <param name="Objects">Schema.Name of the object; for SEE, any one of these.</param>
/// <param name="Statement">The statement that needs it (for messages).</param>
public sealed record Need(string Permission, IReadOnlyList<string> Objects, string Statement)
{
    public override string ToString() => $"{Permission} on {string.Join(" or ", Objects)} for: {Statement.ReplaceLineEndings(" ")[..Math.Min(140, Statement.Length)]}";
}

/// <summary>
/// The security side of database/Warehouse.Database read with ScriptDom: which tables, views, procedures and table
/// types exist, which table types a procedure's parameters use, and what the roles grant (GRANT statements under
/// Security/). Answers whether a set of roles lets a statement run on SQL Server: schema-level grants cover the
/// schema's objects, a view needs SELECT on itself only (ownership chaining), a procedure EXECUTE on itself and on
/// the table types of its parameters, and OBJECT_ID sees only objects the login has some permission on.
/// </summary>
public sealed class RolePermissions
{
    private readonly Dictionary<string, string> _objects = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _procedureTypes = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Role, string Permission, string Securable)> _grants = [];

    private RolePermissions()
    {
    }

    /// <summary>Object name → TABLE, VIEW, PROCEDURE or TYPE.</summary>
    public IReadOnlyDictionary<string, string> Objects => _objects;

    public IReadOnlyList<(string Role, string Permission, string Securable)> Grants => _grants;

    public static RolePermissions Load()
    {
        var source = DatabaseSource.Load(RepositoryPaths.DatabaseSource(TestFiles.RepositoryRoot));
        var model = new RolePermissions();
        foreach (var file in source.ObjectFiles)
        {
            var script = Parse(file.Text, file.Name);
            foreach (var statement in script.Batches.SelectMany(b => b.Statements))
            {
                switch (statement)
                {
                    case CreateTableStatement table:
                        model._objects[Name(table.SchemaObjectName)] = "TABLE";
                        break;
                    case CreateViewStatement view:
                        model._objects[Name(view.SchemaObjectName)] = "VIEW";
                        break;
                    case CreateTypeTableStatement type:
                        model._objects[Name(type.Name)] = "TYPE";
                        break;
                    case CreateProcedureStatement procedure:
                        var name = Name(procedure.ProcedureReference.Name);
                        model._objects[name] = "PROCEDURE";
                        model._procedureTypes[name] = procedure.Parameters.Select(p => p.DataType).OfType<UserDataTypeReference>().Select(t => Name(t.Name)).ToList();
                        break;
                    case GrantStatement grant:
                        var securable = grant.SecurityTargetObject.ObjectKind == SecurityObjectKind.Schema
                            ? "SCHEMA::" + grant.SecurityTargetObject.ObjectName.MultiPartIdentifier.Identifiers[^1].Value
                            : string.Join('.', grant.SecurityTargetObject.ObjectName.MultiPartIdentifier.Identifiers.Select(i => i.Value));
                        foreach (var principal in grant.Principals)
                        {
                            foreach (var permission in grant.Permissions)
                            {
                                model._grants.Add((principal.Identifier.Value, string.Join(' ', permission.Identifiers.Select(i => i.Value.ToUpperInvariant())), securable));
                            }
                        }

                        break;
                }
            }
        }

        return model;
    }

    /// <summary>What a sent statement needs. DuckDB's stand-ins for the Segmentation procedures count as the procedure call they replace.</summary>
    /// <param name="sent">Text in either parameter style (<c>$name</c> is read as <c>@name</c>) and its command type.</param>
    public IReadOnlyList<Need> NeedsOf(SentStatement sent)
    {
        var text = sent.Text;
        if (sent.CommandType == CommandType.StoredProcedure)
        {
            return Execute(text, text);
        }

        foreach (var (standIn, procedure) in SegmentStore.ProcedureStatements)
        {
            if (text == standIn || text == SqlDialect.RewriteParameters(standIn, '$'))
            {
                return Execute(procedure, text);
            }
        }

        var visitor = new NeedVisitor(AsTransactSql(text));
        Parse(visitor.Text, "sent statement").Accept(visitor);
        var needs = visitor.Needs;
        foreach (var call in visitor.Procedures)
        {
            needs.AddRange(Execute(call, text));
        }

        return needs;
    }

    /// <summary>Whether <paramref name="roles"/> together meet <paramref name="need"/>.</summary>
    public bool Meets(IReadOnlyCollection<string> roles, Need need) => need.Permission == "SEE"
        ? need.Objects.Any(o => _grants.Any(g => roles.Contains(g.Role) && Covers(g.Securable, o)))
        : need.Objects.All(o => _grants.Any(g => roles.Contains(g.Role) && g.Permission == need.Permission && Covers(g.Securable, o)));

    /// <summary>Needs naming an object the database does not have (the check would be vacuous for them).</summary>
    public IEnumerable<string> Unknown(IEnumerable<Need> needs) =>
        needs.Where(n => n.Permission != "SEE").SelectMany(n => n.Objects).Where(o => !_objects.ContainsKey(o)).Distinct();

    private List<Need> Execute(string procedure, string statement)
    {
        var needs = new List<Need> { new("EXECUTE", [procedure], statement) };
        if (_procedureTypes.TryGetValue(procedure, out var types))
        {
            needs.AddRange(types.Select(t => new Need("EXECUTE", [t], statement)));
        }

        return needs;
    }

    private static bool Covers(string securable, string objectName) =>
        string.Equals(securable, objectName, StringComparison.OrdinalIgnoreCase) ||
        (securable.StartsWith("SCHEMA::", StringComparison.Ordinal) &&
         objectName.StartsWith(securable["SCHEMA::".Length..] + ".", StringComparison.OrdinalIgnoreCase));

    /// <summary>DuckDB's <c>$name</c> parameters back to T-SQL's <c>@name</c> (outside literals and quoted names).</summary>
    private static string AsTransactSql(string text)
    {
        var result = new StringBuilder(text.Length);
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quote is null && ch is '\'' or '"')
            {
                quote = ch;
            }
            else if (quote == ch)
            {
                quote = null;
            }

            result.Append(quote is null && ch == '$' && i + 1 < text.Length && (char.IsLetter(text[i + 1]) || text[i + 1] == '_') ? '@' : ch);
        }

        return result.ToString();
    }

    private static TSqlScript Parse(string text, string where)
    {
        using var reader = new StringReader(text);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"{where}({errors[0].Line},{errors[0].Column}): {errors[0].Message}\n{text}");
        }

        return (TSqlScript)fragment;
    }

    private static string Name(SchemaObjectName name) => string.Join('.', name.Identifiers.Select(i => i.Value));

    private sealed class ObjectIdCalls : TSqlFragmentVisitor
    {
        public List<(FunctionCall Call, string Name)> Found { get; } = [];

        public static string? Target(FunctionCall node) =>
            node.FunctionName.Value.Equals("OBJECT_ID", StringComparison.OrdinalIgnoreCase) && node.Parameters.FirstOrDefault() is StringLiteral literal
                ? literal.Value
                : null;

        public override void Visit(FunctionCall node)
        {
            if (Target(node) is { } name)
            {
                Found.Add((node, name));
            }
        }
    }

    private sealed class NeedVisitor(string text) : TSqlFragmentVisitor
    {
        public string Text => text;

        public List<Need> Needs { get; } = [];

        public List<string> Procedures { get; } = [];

        public override void Visit(NamedTableReference node)
        {
            // One-part names are common table expressions or aliases, not objects.
            if (node.SchemaObject.SchemaIdentifier is not null)
            {
                Needs.Add(new Need("SELECT", [Name(node.SchemaObject)], text));
            }
        }

        public override void Visit(UpdateSpecification node) => Target(node.Target, "UPDATE");

        public override void Visit(InsertSpecification node) => Target(node.Target, "INSERT");

        public override void Visit(DeleteSpecification node) => Target(node.Target, "DELETE");

        public override void Visit(ExecutableProcedureReference node)
        {
            if (node.ProcedureReference?.ProcedureReference?.Name is { } name)
            {
                Procedures.Add(Name(name));
            }
        }

        private readonly HashSet<FunctionCall> _grouped = [];

        public override void Visit(BooleanBinaryExpression node)
        {
            // OBJECT_ID(a) IS NOT NULL OR OBJECT_ID(b) IS NOT NULL …: one visible object is enough (the host's schema check).
            if (node.BinaryExpressionType != BooleanBinaryExpressionType.Or)
            {
                return;
            }

            var calls = new ObjectIdCalls();
            node.Accept(calls);
            var fresh = calls.Found.Where(c => _grouped.Add(c.Call)).Select(c => c.Name).ToList();
            if (fresh.Count > 0)
            {
                Needs.Add(new Need("SEE", fresh, text));
            }
        }

        public override void Visit(FunctionCall node)
        {
            if (!_grouped.Contains(node) && ObjectIdCalls.Target(node) is { } name)
            {
                Needs.Add(new Need("SEE", [name], text));
            }
        }

        private void Target(TableReference target, string permission)
        {
            if (target is NamedTableReference named)
            {
                Needs.Add(new Need(permission, [Name(named.SchemaObject)], text));
            }
        }
    }
}
