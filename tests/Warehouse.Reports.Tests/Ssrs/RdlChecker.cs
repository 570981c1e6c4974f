using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Reports.Tests.Ssrs;

/// <summary>
/// Checks one RDL document against the warehouse model: every dataset uses the shared data source, its query parses as
/// T-SQL and reads only Reports.* views that exist, every selected column and every field exists in the view, and
/// every query parameter is bound to a report parameter. Returns the problems, each naming the file and dataset.
/// </summary>
public static partial class RdlChecker
{
    public static readonly XNamespace Rdl = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition";

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"Parameters!(\w+)\.Value")]
    private static partial Regex ReportParameterPattern();

    public static List<string> Check(XDocument document, string file, IReadOnlyDictionary<string, HashSet<string>> views, string sharedDataSource)
    {
        var problems = new List<string>();
        var root = document.Root!;
        var sources = root.Descendants(Rdl + "DataSource").ToDictionary(d => (string)d.Attribute("Name")!, d => (string?)d.Element(Rdl + "DataSourceReference"));
        var reportParameters = root.Descendants(Rdl + "ReportParameter").Select(p => (string)p.Attribute("Name")!).ToHashSet();
        foreach (var dataSet in root.Descendants(Rdl + "DataSet"))
        {
            var name = $"{file}, dataset {(string)dataSet.Attribute("Name")!}";
            var query = dataSet.Element(Rdl + "Query")!;
            var sourceName = (string?)query.Element(Rdl + "DataSourceName");
            if (sourceName is null || !sources.TryGetValue(sourceName, out var reference) || reference != sharedDataSource)
            {
                problems.Add($"{name}: data source '{sourceName}' is not the shared data source {sharedDataSource}");
            }

            var sql = (string?)query.Element(Rdl + "CommandText") ?? "";
            var parser = new TSql160Parser(initialQuotedIdentifiers: true);
            var fragment = parser.Parse(new StringReader(sql), out var errors);
            if (errors.Count > 0)
            {
                problems.AddRange(errors.Select(e => $"{name}: query does not parse at line {e.Line}: {e.Message}"));
                continue;
            }

            var visitor = new QueryVisitor();
            fragment.Accept(visitor);
            var read = new List<HashSet<string>>();
            foreach (var table in visitor.Tables)
            {
                var schema = table.SchemaObject.SchemaIdentifier?.Value;
                var full = $"{schema}.{table.SchemaObject.BaseIdentifier.Value}";
                if (!string.Equals(schema, "Reports", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{name}: reads {full}; reports may read only Reports.* views");
                }
                else if (!views.TryGetValue(full, out var columns))
                {
                    problems.Add($"{name}: reads {full}, which is not a view of the database model");
                }
                else
                {
                    read.Add(columns);
                }
            }

            if (read.Count == 0)
            {
                continue;
            }

            bool Exists(string column) => read.Any(r => r.Contains(column));
            foreach (var column in visitor.Columns.Where(c => !Exists(c)))
            {
                problems.Add($"{name}: query uses column {column}, which the view does not have");
            }

            foreach (var field in dataSet.Descendants(Rdl + "Field"))
            {
                var dataField = (string?)field.Element(Rdl + "DataField");
                if (dataField is null || !Exists(dataField))
                {
                    problems.Add($"{name}: field {(string)field.Attribute("Name")!} maps to column '{dataField}', which the view does not have");
                }
                else if (!visitor.Columns.Contains(dataField))
                {
                    problems.Add($"{name}: field {(string)field.Attribute("Name")!} maps to column '{dataField}', which the query does not select");
                }
            }

            var bound = query.Descendants(Rdl + "QueryParameter").ToDictionary(p => (string)p.Attribute("Name")!, p => (string?)p.Element(Rdl + "Value") ?? "");
            foreach (var parameter in ParameterPattern().Matches(sql).Select(m => "@" + m.Groups[1].Value).Distinct())
            {
                if (!bound.TryGetValue(parameter, out var value))
                {
                    problems.Add($"{name}: query parameter {parameter} is not bound");
                }
                else if (ReportParameterPattern().Match(value) is { Success: true } match && !reportParameters.Contains(match.Groups[1].Value))
                {
                    problems.Add($"{name}: query parameter {parameter} refers to missing report parameter {match.Groups[1].Value}");
                }
            }
        }

        return problems;
    }

    private sealed class QueryVisitor : TSqlFragmentVisitor
    {
        public List<NamedTableReference> Tables { get; } = [];

        public HashSet<string> Columns { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(NamedTableReference node) => Tables.Add(node);

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier is { } identifier)
            {
                Columns.Add(identifier.Identifiers[^1].Value);
            }
        }
    }
}
