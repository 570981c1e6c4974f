using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Warehouse.Etl.Tests.Support;

/// <summary>
/// Runs statements of a T-SQL procedure on DuckDB: the <c>SELECT … INTO #Name</c> statements of a procedure file, picked
/// by their temporary table, translated token by token into <c>CREATE TEMP TABLE "#Name" AS SELECT …</c>. The procedure
/// writes those statements in the SQL both engines accept; this translation maps only what cannot be common:
/// <c>[name]</c> → <c>"name"</c>, <c>N'…'</c> → <c>'…'</c>, <c>@name</c> → <c>$name</c>, <c>#Temp</c> → <c>"#Temp"</c>,
/// <c>DATEADD(MINUTE, n, t)</c> → <c>(t + to_minutes(n))</c>, <c>LEN(s)</c> → <c>length(s)</c>, <c>DATALENGTH(s)</c> →
/// <c>strlen(s)</c> (bytes in both, trailing spaces included), <c>s COLLATE Latin1_General_100_BIN2</c> → <c>s</c> (DuckDB
/// compares text by code point, as that collation does; any other collation is refused),
/// <c>CONVERT(NCHAR(8), t, 112 | 108)</c> → <c>strftime(t, '%Y%m%d' | '%H:%M:%S')</c>, and
/// <c>PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY e) OVER (…)</c> → <c>quantile_cont(e, p) OVER (…)</c> (SQL Server has the
/// percentile only as a window function, DuckDB's <c>percentile_cont</c> only as an aggregate), and <c>CROSS APPLY
/// STRING_SPLIT(s, sep) AS k</c> → <c>CROSS JOIN LATERAL (SELECT unnest(string_split(s, sep)) AS value) AS k</c>, <c>CROSS APPLY
/// (SELECT …) AS k</c> → <c>CROSS JOIN LATERAL (SELECT …) AS k</c>, <c>CHARINDEX(a, s)</c> → <c>strpos(s, a)</c>, <c>+</c> between
/// text (a string literal or a concatenation of one) → <c>||</c>, and the e-mail hash <c>LOWER(CONVERT(NCHAR(64),
/// HASHBYTES('SHA2_256', CAST(e COLLATE …_UTF8 AS VARCHAR(n))), 2))</c> → <c>sha256(e)</c> (both the lower-case hex SHA-256 of
/// the UTF-8 bytes). Anything else a statement uses
/// is sent as written, so a construct outside the common subset fails on DuckDB instead of being silently changed.
/// </summary>
internal static class ProcedureOnDuckDb
{
    /// <summary>The translated statements that fill <paramref name="tempTables"/>, in the order given.</summary>
    /// <param name="procedureText">The procedure's file.</param>
    /// <param name="tempTables">Temporary tables, e.g. #Staged.</param>
    public static IReadOnlyList<string> SelectIntoStatements(string procedureText, params string[] tempTables)
    {
        using var reader = new StringReader(procedureText);
        var script = new TSql160Parser(true).Parse(reader, out var errors);
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"line {errors[0].Line}: {errors[0].Message}");
        }

        var collector = new SelectIntoCollector();
        script.Accept(collector);
        return tempTables.Select(t =>
        {
            var statement = collector.Statements.SingleOrDefault(s => s.Into.BaseIdentifier.Value == t)
                ?? throw new InvalidDataException($"The procedure has no single SELECT … INTO {t}.");
            return Translate(statement, script.ScriptTokenStream);
        }).ToList();
    }

    /// <summary>
    /// The query of the procedure's single <c>INSERT … SELECT</c> into <paramref name="table"/>, translated (the rows the
    /// INSERT would insert, e.g. to count them as its @@ROWCOUNT), and the variable the statement right after the INSERT sets
    /// to <c>@@ROWCOUNT</c> (null when that statement is anything else).
    /// </summary>
    /// <param name="procedureText">The procedure's file.</param>
    /// <param name="table">Target table as written, brackets left out, e.g. Fact.Purchase.</param>
    public static (string Select, string? RowCountVariable) InsertSelect(string procedureText, string table)
    {
        using var reader = new StringReader(procedureText);
        var script = new TSql160Parser(true).Parse(reader, out var errors);
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"line {errors[0].Line}: {errors[0].Message}");
        }

        var collector = new InsertCollector(table);
        script.Accept(collector);
        var (insert, next) = collector.Inserts.Count == 1 ? collector.Inserts[0] : throw new InvalidDataException($"The procedure has no single INSERT … SELECT into {table}.");
        var query = insert.InsertSpecification.InsertSource is SelectInsertSource { Select: { } select } ? select
            : throw new InvalidDataException($"The INSERT into {table} is not an INSERT … SELECT.");
        var rowCount = next is SetVariableStatement { Variable.Name: var variable, Expression: GlobalVariableExpression { Name: var global } }
            && global.Equals("@@ROWCOUNT", StringComparison.OrdinalIgnoreCase) ? variable : null;
        return (Translate(query, script.ScriptTokenStream, null), rowCount);
    }

    private static string Translate(SelectStatement statement, IList<TSqlParserToken> tokens) => Translate(statement, tokens, statement.Into);

    private static string Translate(TSqlFragment statement, IList<TSqlParserToken> tokens, SchemaObjectName? into)
    {
        var replacements = new SortedDictionary<int, (int Last, Func<string> Text)>();
        if (into is not null)
        {
            // INTO #Name: the keyword and the name leave the query; the statement becomes CREATE TEMP TABLE … AS.
            var intoKeyword = into.FirstTokenIndex - 1;
            while (tokens[intoKeyword].TokenType == TSqlTokenType.WhiteSpace)
            {
                intoKeyword--;
            }

            if (tokens[intoKeyword].TokenType != TSqlTokenType.Into)
            {
                throw new InvalidDataException("INTO expected before the temporary table's name.");
            }

            replacements[intoKeyword] = (into.LastTokenIndex, () => string.Empty);
        }

        var functions = new FunctionCollector();
        statement.Accept(functions);

        // LOWER(CONVERT(NCHAR(64), HASHBYTES('SHA2_256', CAST(e COLLATE …_UTF8 AS VARCHAR(n))), 2)): the lower-case hex SHA-256 of
        // the UTF-8 bytes of e, which is DuckDB's sha256(e). Its collation and CONVERT style belong to the pattern.
        var hashes = new List<(int First, int Last)>();
        foreach (var call in functions.Calls)
        {
            if (call is FunctionCall { FunctionName.Value: var lower, Parameters: [ConvertCall { Style: IntegerLiteral { Value: "2" }, Parameter: FunctionCall { FunctionName.Value: var hashBytes, Parameters: [StringLiteral { Value: "SHA2_256" }, CastCall { Parameter: ColumnReferenceExpression { Collation: { } collation } column }] } }] }
                && lower.Equals("LOWER", StringComparison.OrdinalIgnoreCase) && hashBytes.Equals("HASHBYTES", StringComparison.OrdinalIgnoreCase)
                && collation.Value.EndsWith("_UTF8", StringComparison.OrdinalIgnoreCase))
            {
                hashes.Add((call.FirstTokenIndex, call.LastTokenIndex));
                replacements[call.FirstTokenIndex] = (call.LastTokenIndex, () => $"sha256({Range(column.MultiPartIdentifier, tokens, replacements)})");
            }
        }

        bool InHash(int token) => hashes.Any(h => h.First <= token && token <= h.Last);

        for (var i = statement.FirstTokenIndex; i <= statement.LastTokenIndex; i++)
        {
            if (tokens[i].TokenType != TSqlTokenType.Collate || InHash(i))
            {
                continue;
            }

            var name = i + 1;
            while (tokens[name].TokenType == TSqlTokenType.WhiteSpace)
            {
                name++;
            }

            if (tokens[name].Text != "Latin1_General_100_BIN2")
            {
                throw new InvalidDataException($"COLLATE {tokens[name].Text} has no mapping here.");
            }

            replacements[i] = (name, () => string.Empty);
        }

        foreach (var apply in functions.Applies)
        {
            // CROSS APPLY STRING_SPLIT(s, sep) AS k: a lateral join on the split parts, named value as SQL Server names them.
            if (apply.UnqualifiedJoinType is not (UnqualifiedJoinType.CrossApply or UnqualifiedJoinType.OuterApply))
            {
                continue;
            }

            if (apply is { UnqualifiedJoinType: UnqualifiedJoinType.CrossApply, SecondTableReference: QueryDerivedTable })
            {
                // CROSS APPLY (SELECT …) AS k: the same lateral subquery, one row per row of the left side.
                var crossToken = NextToken(tokens, apply.FirstTableReference.LastTokenIndex + 1);
                replacements[crossToken] = (NextToken(tokens, crossToken + 1), () => "CROSS JOIN LATERAL");
                continue;
            }

            if (apply is not { UnqualifiedJoinType: UnqualifiedJoinType.CrossApply, SecondTableReference: GlobalFunctionTableReference { Name.Value: var function, Parameters: [var text, var separator], Alias: { } alias } split }
                || !function.Equals("STRING_SPLIT", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException("Only CROSS APPLY STRING_SPLIT(s, separator) AS alias and CROSS APPLY (SELECT …) AS alias have a mapping here.");
            }

            var cross = apply.FirstTableReference.LastTokenIndex + 1;
            while (tokens[cross].TokenType == TSqlTokenType.WhiteSpace)
            {
                cross++;
            }

            replacements[cross] = (split.LastTokenIndex,
                () => $"CROSS JOIN LATERAL (SELECT unnest(string_split({Range(text, tokens, replacements)}, {Range(separator, tokens, replacements)})) AS value) AS {Quote(alias.Value)}");
        }

        foreach (var concatenation in functions.Additions.Where(IsText))
        {
            // s + t on text: DuckDB's || (its + adds numbers only).
            var plus = NextToken(tokens, concatenation.FirstExpression.LastTokenIndex + 1);
            if (tokens[plus].TokenType != TSqlTokenType.Plus)
            {
                throw new InvalidDataException("+ expected between the operands of a concatenation.");
            }

            replacements[plus] = (plus, () => "||");
        }

        foreach (var call in functions.Calls.Where(c => !InHash(c.FirstTokenIndex)))
        {
            switch (call)
            {
                case FunctionCall { FunctionName.Value: var name, Parameters: [var find, var within] }
                    when name.Equals("CHARINDEX", StringComparison.OrdinalIgnoreCase):
                    // Position of the first occurrence, 1-based, 0 when absent: DuckDB's strpos, arguments the other way round.
                    replacements[call.FirstTokenIndex] = (call.LastTokenIndex, () => $"strpos({Range(within, tokens, replacements)}, {Range(find, tokens, replacements)})");
                    break;
                case FunctionCall { FunctionName.Value: var name, Parameters: [var part, var amount, var time] }
                    when name.Equals("DATEADD", StringComparison.OrdinalIgnoreCase):
                    var unit = string.Concat(Enumerable.Range(part.FirstTokenIndex, part.LastTokenIndex - part.FirstTokenIndex + 1).Select(i => tokens[i].Text));
                    if (!unit.Equals("MINUTE", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new InvalidDataException($"DATEADD({unit}, …) has no mapping here.");
                    }

                    replacements[call.FirstTokenIndex] = (call.LastTokenIndex, () => $"({Range(time, tokens, replacements)} + to_minutes(CAST({Range(amount, tokens, replacements)} AS BIGINT)))");
                    break;
                case FunctionCall { FunctionName.Value: var name, Parameters: [var fraction], WithinGroupClause.OrderByClause.OrderByElements: [var order], OverClause: { } over }
                    when name.Equals("PERCENTILE_CONT", StringComparison.OrdinalIgnoreCase):
                    // The continuous percentile of the partition: DuckDB's quantile_cont as a window function.
                    replacements[call.FirstTokenIndex] = (call.LastTokenIndex,
                        () => $"quantile_cont({Range(order.Expression, tokens, replacements)}, {Range(fraction, tokens, replacements)}) {Range(over, tokens, replacements)}");
                    break;
                case FunctionCall { FunctionName: var name }
                    when name.Value.Equals("LEN", StringComparison.OrdinalIgnoreCase):
                    replacements[name.FirstTokenIndex] = (name.LastTokenIndex, () => "length");
                    break;
                case FunctionCall { FunctionName: var name }
                    when name.Value.Equals("DATALENGTH", StringComparison.OrdinalIgnoreCase):
                    replacements[name.FirstTokenIndex] = (name.LastTokenIndex, () => "strlen");
                    break;
                case ConvertCall { Style: IntegerLiteral { Value: var style }, Parameter: var value }:
                    var format = style switch
                    {
                        "112" => "%Y%m%d",
                        "108" => "%H:%M:%S",
                        _ => throw new InvalidDataException($"CONVERT style {style} has no mapping here."),
                    };
                    replacements[call.FirstTokenIndex] = (call.LastTokenIndex, () => $"strftime({Range(value, tokens, replacements)}, '{format}')");
                    break;
            }
        }

        var sql = Emit(statement.FirstTokenIndex, statement.LastTokenIndex, tokens, replacements);
        return into is null ? sql : "CREATE TEMP TABLE " + Quote(into.BaseIdentifier.Value) + " AS " + sql;
    }

    /// <summary>The first token at or after <paramref name="index"/> that is not white space.</summary>
    private static int NextToken(IList<TSqlParserToken> tokens, int index)
    {
        while (tokens[index].TokenType == TSqlTokenType.WhiteSpace)
        {
            index++;
        }

        return index;
    }

    /// <summary>A + whose operands are text: a string literal, or a concatenation of one (u.Local + N'@' + p.Domain).</summary>
    private static bool IsText(ScalarExpression expression) => expression switch
    {
        StringLiteral => true,
        ParenthesisExpression p => IsText(p.Expression),
        BinaryExpression { BinaryExpressionType: BinaryExpressionType.Add } b => IsText(b.FirstExpression) || IsText(b.SecondExpression),
        _ => false,
    };

    private static string Range(TSqlFragment fragment, IList<TSqlParserToken> tokens, SortedDictionary<int, (int Last, Func<string> Text)> replacements) =>
        Emit(fragment.FirstTokenIndex, fragment.LastTokenIndex, tokens, replacements);

    private static string Emit(int first, int last, IList<TSqlParserToken> tokens, SortedDictionary<int, (int Last, Func<string> Text)> replacements)
    {
        var sql = new StringBuilder();
        for (var i = first; i <= last; i++)
        {
            if (replacements.TryGetValue(i, out var replacement) && replacement.Last <= last)
            {
                sql.Append(replacement.Text());
                i = replacement.Last;
                continue;
            }

            var token = tokens[i];
            sql.Append(token.TokenType switch
            {
                TSqlTokenType.QuotedIdentifier => Quote(token.Text[1..^1].Replace("]]", "]", StringComparison.Ordinal)),
                TSqlTokenType.UnicodeStringLiteral => token.Text[1..],
                TSqlTokenType.Variable => "$" + token.Text[1..],
                TSqlTokenType.Identifier when token.Text.StartsWith('#') => Quote(token.Text),
                TSqlTokenType.Semicolon => string.Empty,
                _ => token.Text,
            });
        }

        return sql.ToString();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed class SelectIntoCollector : TSqlFragmentVisitor
    {
        public List<SelectStatement> Statements { get; } = [];

        public override void Visit(SelectStatement node)
        {
            if (node.Into is not null)
            {
                Statements.Add(node);
            }
        }
    }

    private sealed class InsertCollector(string table) : TSqlFragmentVisitor
    {
        /// <summary>Each INSERT into the table with the statement after it in its statement list (null: the last one).</summary>
        public List<(InsertStatement Insert, TSqlStatement? Next)> Inserts { get; } = [];

        public override void Visit(StatementList node)
        {
            for (var i = 0; i < node.Statements.Count; i++)
            {
                if (node.Statements[i] is InsertStatement { InsertSpecification.Target: NamedTableReference { SchemaObject: var name } } insert
                    && string.Join('.', name.Identifiers.Select(part => part.Value)).Equals(table, StringComparison.OrdinalIgnoreCase))
                {
                    Inserts.Add((insert, i + 1 < node.Statements.Count ? node.Statements[i + 1] : null));
                }
            }
        }
    }

    private sealed class FunctionCollector : TSqlFragmentVisitor
    {
        public List<TSqlFragment> Calls { get; } = [];

        public List<UnqualifiedJoin> Applies { get; } = [];

        public List<BinaryExpression> Additions { get; } = [];

        public override void Visit(UnqualifiedJoin node) => Applies.Add(node);

        public override void Visit(BinaryExpression node)
        {
            if (node.BinaryExpressionType == BinaryExpressionType.Add)
            {
                Additions.Add(node);
            }
        }

        public override void Visit(FunctionCall node) => Calls.Add(node);

        public override void Visit(ConvertCall node) => Calls.Add(node);
    }
}
