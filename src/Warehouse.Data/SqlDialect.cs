using System.Text;

namespace Warehouse.Data;

/// <summary>Rewrites the parameter prefix of SQL text, leaving string literals, quoted names and comments alone.</summary>
public static class SqlDialect
{
    /// <summary>
    /// Replaces every <c>@name</c> parameter outside literals, quoted identifiers and comments by
    /// <paramref name="prefix"/><c>name</c>. <c>@@</c> system functions are left unchanged.
    /// </summary>
    /// <param name="sql">SQL text with T-SQL style parameters.</param>
    /// <param name="prefix">The engine's parameter prefix, such as <c>$</c> for DuckDB.</param>
    public static string RewriteParameters(string sql, char prefix)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (prefix == '@' || sql.IndexOf('@') < 0)
        {
            return sql;
        }

        var result = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var ch = sql[i];
            switch (ch)
            {
                case '\'':
                case '"':
                case '[':
                    i = CopyQuoted(sql, i, ch == '[' ? ']' : ch, result);
                    continue;
                case '-' when i + 1 < sql.Length && sql[i + 1] == '-':
                    i = CopyUntil(sql, i, "\n", result);
                    continue;
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                    i = CopyUntil(sql, i, "*/", result);
                    continue;
                case '@' when i + 1 < sql.Length && sql[i + 1] == '@':
                    result.Append("@@");
                    i += 2;
                    continue;
                case '@' when i + 1 < sql.Length && (char.IsLetter(sql[i + 1]) || sql[i + 1] == '_'):
                    result.Append(prefix);
                    i++;
                    continue;
                default:
                    result.Append(ch);
                    i++;
                    continue;
            }
        }

        return result.ToString();
    }

    private static int CopyQuoted(string sql, int start, char close, StringBuilder result)
    {
        result.Append(sql[start]);
        var i = start + 1;
        while (i < sql.Length)
        {
            result.Append(sql[i]);
            if (sql[i] == close)
            {
                // A doubled closing quote is an escaped quote inside the literal.
                if (i + 1 < sql.Length && sql[i + 1] == close)
                {
                    result.Append(sql[i + 1]);
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return i;
    }

    private static int CopyUntil(string sql, int start, string terminator, StringBuilder result)
    {
        var end = sql.IndexOf(terminator, start + 2, StringComparison.Ordinal);
        end = end < 0 ? sql.Length : end + terminator.Length;
        result.Append(sql, start, end - start);
        return end;
    }
}
