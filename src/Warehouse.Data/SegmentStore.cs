using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Warehouse.Data;

/// <summary>One learned segment rule as stored in Segmentation.SegmentRule (a row of the table type Segmentation.SegmentRuleList).</summary>
/// <param name="SegmentKey">Segment the rule describes (a segment of the run).</param>
/// <param name="Predicate">Boolean SQL expression on Reports.CustomerFeature / Segmentation.CustomerFeature column names.</param>
/// <param name="TreeDepth">Depth limit of the surrogate tree.</param>
/// <param name="ConditionCount">Comparisons in the predicate.</param>
/// <param name="SegmentCustomerCount">Members of the segment.</param>
/// <param name="MatchedCustomerCount">Customers of the run the predicate selects.</param>
/// <param name="TruePositiveCount">Selected customers that are members.</param>
/// <param name="MeasuredPrecision">TruePositiveCount / MatchedCustomerCount (0 when nothing matches).</param>
/// <param name="MeasuredCoverage">TruePositiveCount / SegmentCustomerCount.</param>
public sealed record SegmentRuleRow(
    int SegmentKey, string Predicate, int TreeDepth, int ConditionCount, int SegmentCustomerCount,
    int MatchedCustomerCount, int TruePositiveCount, double MeasuredPrecision, double MeasuredCoverage);

/// <summary>
/// The host's writes to segments, on either engine: renaming a segment and replacing the SQL rules of a run. On SQL
/// Server they are the procedures <see cref="RenameProcedure"/> and <see cref="ReplaceRulesProcedure"/> (EXECUTE on
/// the Segmentation schema, role SegmentationOperator; no table rights); DuckDB has no procedures, so the host runs
/// the procedures' statements itself (<see cref="ProcedureStatements"/>: the same UPDATE and DELETE text, and an
/// INSERT per rule instead of the table-valued parameter), with the same checks and messages, in one transaction.
/// </summary>
public static class SegmentStore
{
    /// <summary>Renames a segment or restores its generated name.</summary>
    public const string RenameProcedure = "Segmentation.RenameSegment";

    /// <summary>Replaces the rules of a run.</summary>
    public const string ReplaceRulesProcedure = "Segmentation.ReplaceSegmentRules";

    /// <summary>Table type of the rules parameter of <see cref="ReplaceRulesProcedure"/>.</summary>
    public const string RuleListType = "Segmentation.SegmentRuleList";

    /// <summary>Length of Segmentation.Segment.SegmentName.</summary>
    public const int SegmentNameLength = 100;

    /// <summary>NVARCHAR length of @SegmentName of <see cref="RenameProcedure"/> (wider than a name, so the procedure sees an overlong one).</summary>
    public const int SegmentNameParameterLength = 4000;

    /// <summary>The UPDATE of <see cref="RenameProcedure"/> (a test compares the two); DuckDB runs it.</summary>
    public const string RenameSql =
        "UPDATE Segmentation.Segment SET SegmentName = COALESCE(@Name, GeneratedName), IsRenamed = CASE WHEN @Name IS NULL THEN 0 ELSE 1 END WHERE SegmentKey = @SegmentKey";

    /// <summary>The run check of <see cref="ReplaceRulesProcedure"/> (DuckDB).</summary>
    public const string SucceededRunSql =
        "SELECT COUNT(*) FROM Segmentation.ModelRun WHERE ModelRunKey = @ModelRunKey AND Status = 'succeeded'";

    /// <summary>The segments of the run, for the segment check of <see cref="ReplaceRulesProcedure"/> (DuckDB).</summary>
    public const string RunSegmentsSql = "SELECT SegmentKey FROM Segmentation.ModelRunSegment WHERE ModelRunKey = @ModelRunKey";

    /// <summary>The DELETE of <see cref="ReplaceRulesProcedure"/> (a test compares the two); DuckDB runs it.</summary>
    public const string DeleteRulesSql = "DELETE FROM Segmentation.SegmentRule WHERE ModelRunKey = @ModelRunKey";

    /// <summary>One rule of <see cref="ReplaceRulesProcedure"/>'s INSERT (DuckDB; the procedure inserts the table-valued parameter).</summary>
    public const string InsertRuleSql = """
        INSERT INTO Segmentation.SegmentRule (ModelRunKey, SegmentKey, Predicate, TreeDepth, ConditionCount, SegmentCustomerCount,
            MatchedCustomerCount, TruePositiveCount, MeasuredPrecision, MeasuredCoverage, CreatedAt)
        VALUES (@ModelRunKey, @SegmentKey, @Predicate, @TreeDepth, @ConditionCount, @SegmentCustomerCount,
            @MatchedCustomerCount, @TruePositiveCount, @MeasuredPrecision, @MeasuredCoverage, @CreatedAt)
        """;

    /// <summary>The statements DuckDB runs in place of each procedure, by procedure (for the role checks of the tests).</summary>
    public static IReadOnlyDictionary<string, string> ProcedureStatements { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [RenameSql] = RenameProcedure,
        [SucceededRunSql] = ReplaceRulesProcedure,
        [RunSegmentsSql] = ReplaceRulesProcedure,
        [DeleteRulesSql] = ReplaceRulesProcedure,
        [InsertRuleSql] = ReplaceRulesProcedure,
    };

    /// <summary>
    /// Sets a user's name for a segment (it then survives new runs); a null or blank name restores the generated one.
    /// The name is trimmed.
    /// </summary>
    /// <param name="warehouse">Either engine.</param>
    /// <param name="segmentKey">The segment.</param>
    /// <param name="name">New name, at most 100 characters; null or blank for the generated name.</param>
    /// <exception cref="ArgumentException">The name is longer than 100 characters.</exception>
    /// <exception cref="InvalidOperationException">No segment has the key.</exception>
    /// <exception cref="UnauthorizedAccessException">SQL Server refused the call (the login lacks SegmentationOperator).</exception>
    public static void Rename(IWarehouse warehouse, int segmentKey, string? name)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            trimmed = null;
        }

        if (trimmed is { Length: > SegmentNameLength })
        {
            throw new ArgumentException($"Segment name is {trimmed.Length} characters long; at most {SegmentNameLength} fit Segmentation.Segment.SegmentName.", nameof(name));
        }

        if (warehouse.Engine == WarehouseEngine.SqlServer)
        {
            var parameters = new DynamicParameters();
            parameters.Add("@SegmentKey", segmentKey, DbType.Int32);
            parameters.Add("@SegmentName", trimmed, DbType.String, size: SegmentNameParameterLength);
            OnServer(() => warehouse.Connection.Execute(RenameProcedure, parameters, commandType: CommandType.StoredProcedure));
            return;
        }

        if (warehouse.Connection.Execute(warehouse.Sql(RenameSql), new { Name = trimmed, SegmentKey = segmentKey }) == 0)
        {
            throw new InvalidOperationException($"Segmentation.RenameSegment: no segment with SegmentKey {segmentKey} in Segmentation.Segment.");
        }
    }

    /// <summary>
    /// Replaces every rule of run <paramref name="modelRunKey"/> by <paramref name="rules"/> in one transaction (an
    /// empty list removes them). The run must have succeeded and every rule must name one of its segments, once.
    /// </summary>
    /// <param name="warehouse">Either engine.</param>
    /// <param name="modelRunKey">The run the rules explain.</param>
    /// <param name="rules">One rule per segment.</param>
    /// <exception cref="ArgumentException">A segment has two rules, or a predicate is empty.</exception>
    /// <exception cref="InvalidOperationException">The run did not succeed, or a rule names a segment outside the run; nothing changed.</exception>
    /// <exception cref="UnauthorizedAccessException">SQL Server refused the call (the login lacks SegmentationOperator).</exception>
    public static void ReplaceRules(IWarehouse warehouse, int modelRunKey, IReadOnlyList<SegmentRuleRow> rules)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(rules);
        var twice = rules.GroupBy(r => r.SegmentKey).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException($"Segment {twice.Key} has {twice.Count()} rules; a run has at most one per segment.", nameof(rules));
        }

        if (rules.FirstOrDefault(r => string.IsNullOrWhiteSpace(r.Predicate)) is { } empty)
        {
            throw new ArgumentException($"The rule of segment {empty.SegmentKey} has no predicate.", nameof(rules));
        }

        if (warehouse.Engine == WarehouseEngine.SqlServer)
        {
            using var command = CreateReplaceRulesCommand(warehouse.Connection, modelRunKey, rules);
            OnServer(() => command.ExecuteNonQuery());
            return;
        }

        var db = warehouse.Connection;
        using var transaction = warehouse.BeginTransaction();
        if (db.QuerySingle<long>(warehouse.Sql(SucceededRunSql), new { ModelRunKey = modelRunKey }, transaction) == 0)
        {
            throw new InvalidOperationException($"Segmentation.ReplaceSegmentRules: no succeeded run {modelRunKey} in Segmentation.ModelRun.");
        }

        var segments = db.Query<int>(warehouse.Sql(RunSegmentsSql), new { ModelRunKey = modelRunKey }, transaction).ToHashSet();
        var stranger = rules.Select(r => r.SegmentKey).Where(k => !segments.Contains(k)).Order().FirstOrDefault(int.MinValue);
        if (stranger != int.MinValue)
        {
            throw new InvalidOperationException($"Segmentation.ReplaceSegmentRules: segment {stranger} is not a segment of run {modelRunKey} (Segmentation.ModelRunSegment).");
        }

        var createdAt = DateTime.UtcNow;
        db.Execute(warehouse.Sql(DeleteRulesSql), new { ModelRunKey = modelRunKey }, transaction);
        foreach (var rule in rules)
        {
            db.Execute(warehouse.Sql(InsertRuleSql), new
            {
                ModelRunKey = modelRunKey, rule.SegmentKey, rule.Predicate, rule.TreeDepth, rule.ConditionCount, rule.SegmentCustomerCount,
                rule.MatchedCustomerCount, rule.TruePositiveCount, rule.MeasuredPrecision, rule.MeasuredCoverage, CreatedAt = createdAt,
            }, transaction);
        }

        transaction.Commit();
    }

    /// <summary>
    /// The SQL Server call of <see cref="ReplaceRulesProcedure"/>: @ModelRunKey and @Rules as a table-valued parameter of
    /// type <see cref="RuleListType"/> whose columns follow the type's order (tests compare them with the DacFx model).
    /// </summary>
    /// <param name="connection">A SQL Server connection (the command is created on it, not executed).</param>
    /// <param name="modelRunKey">The run.</param>
    /// <param name="rules">The rules.</param>
    public static DbCommand CreateReplaceRulesCommand(DbConnection connection, int modelRunKey, IReadOnlyList<SegmentRuleRow> rules)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(rules);
        var table = new DataTable(RuleListType);
        table.Columns.Add(nameof(SegmentRuleRow.SegmentKey), typeof(int));
        table.Columns.Add(nameof(SegmentRuleRow.Predicate), typeof(string));
        table.Columns.Add(nameof(SegmentRuleRow.TreeDepth), typeof(int));
        table.Columns.Add(nameof(SegmentRuleRow.ConditionCount), typeof(int));
        table.Columns.Add(nameof(SegmentRuleRow.SegmentCustomerCount), typeof(int));
        table.Columns.Add(nameof(SegmentRuleRow.MatchedCustomerCount), typeof(int));
        table.Columns.Add(nameof(SegmentRuleRow.TruePositiveCount), typeof(int));
        table.Columns.Add(nameof(SegmentRuleRow.MeasuredPrecision), typeof(double));
        table.Columns.Add(nameof(SegmentRuleRow.MeasuredCoverage), typeof(double));
        foreach (var r in rules)
        {
            table.Rows.Add(r.SegmentKey, r.Predicate, r.TreeDepth, r.ConditionCount, r.SegmentCustomerCount, r.MatchedCustomerCount,
                r.TruePositiveCount, r.MeasuredPrecision, r.MeasuredCoverage);
        }

        var command = connection.CreateCommand();
        command.CommandText = ReplaceRulesProcedure;
        command.CommandType = CommandType.StoredProcedure;
        command.CommandTimeout = 0;
        command.Parameters.Add(new SqlParameter("@ModelRunKey", SqlDbType.Int) { Value = modelRunKey });
        command.Parameters.Add(new SqlParameter("@Rules", SqlDbType.Structured) { TypeName = RuleListType, Value = table });
        return command;
    }

    /// <summary>SQL Server error numbers of the procedures and of a refused permission, as the host's exceptions.</summary>
    private static void OnServer(Action call)
    {
        try
        {
            call();
        }
        catch (SqlException e) when (FromServerError(e.Number, e.Message, e) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>
    /// The host's exception for a SQL Server error met by <c>segment rename</c> or the rule store: a refused permission
    /// (229 object, 230 column, 262 statement, 300 server permission) names the role the login needs,
    /// SegmentationOperator; the procedures' own errors become an argument error (50071, a bad name) or an invalid
    /// operation (50070, 50080, 50081). Null for any other error, which stays a <see cref="SqlException"/>.
    /// </summary>
    /// <param name="number">SqlException.Number.</param>
    /// <param name="message">The server's message, kept in the host's.</param>
    /// <param name="inner">The original exception.</param>
    public static Exception? FromServerError(int number, string message, Exception? inner) => number switch
    {
        229 or 230 or 262 or 300 => new UnauthorizedAccessException($"SQL Server refused the call ({message}); the login needs the role SegmentationOperator.", inner),
        50071 => new ArgumentException(message, "name", inner),
        50070 or 50080 or 50081 => new InvalidOperationException(message, inner),
        _ => null,
    };
}
