namespace Warehouse.Data.Loading;

/// <summary>
/// Rejects the repeated rows of one load's staging, set-based inside the load's transaction: among the staged rows that
/// share a natural key (e.g. CRM id + update time), the first record of the file (lowest SourceRecordNumber: several records
/// can share a line, a JSON array written on one line) is kept and every later one moves to the source's reject table with
/// the reason <c>duplicate of line N</c> (N = the line where the first record starts) and the staged values as JSON
/// in <c>RawRecord</c> (the file's raw text is not staged). Key columns compare as values (CRM ids without case), two NULLs as equal.
/// The same rule runs on SQL Server in the Integration procedures (<c>#Duplicate</c>).
/// </summary>
/// <remarks>
/// Memory: nothing per row in the host; DuckDB partitions the staged rows by the key (its memory limit applies, and it
/// spills beyond it). Cost: one window over the load's staged rows, then a delete of the repeated lines.
/// </remarks>
public static class StagingDuplicates
{
    /// <summary>The reason of a duplicate's reject, as both engines write it.</summary>
    public const string ReasonPrefix = "duplicate of line ";

    /// <summary>
    /// Moves the repeated rows of <paramref name="staging"/> into <c>Integration.<paramref name="rejectTable"/></c> and
    /// deletes them from the staging; returns the rows rejected.
    /// </summary>
    /// <param name="session">The load.</param>
    /// <param name="staging">The load's staging table (a temporary table of the session holding only this load's rows).</param>
    /// <param name="key">The natural key's staging columns, e.g. <c>["CrmCustomerId", "SourceUpdatedAt"]</c>.</param>
    /// <param name="rejectTable">Reject table in the Integration schema, e.g. RejectedCustomer.</param>
    /// <param name="columnName">Source column named in the reject (the key's leading field).</param>
    /// <param name="recordColumns">Staging columns written, as a JSON object, into the reject's RawRecord.</param>
    /// <param name="caseInsensitive">Key columns compared without case (CRM ids: <see cref="CustomerKeyMap.IdKey"/>, as SQL Server's
    /// collation compares them), or null.</param>
    public static long Reject(DuckDbLoadSession session, string staging, IReadOnlyList<string> key, string rejectTable, string columnName,
        IReadOnlyList<string> recordColumns, IReadOnlyCollection<string>? caseInsensitive = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(staging);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(recordColumns);
        if (key.Count == 0)
        {
            throw new ArgumentException("must name at least one column", nameof(key));
        }

        var k = session.LineageKey;
        var duplicates = $"staging_duplicate_{k}";
        var partition = string.Join(", ", key.Select(c => caseInsensitive?.Contains(c) == true ? CustomerKeyMap.IdKey($"s.\"{c}\"") : $"s.\"{c}\""));
        session.Execute($"""
            CREATE TEMP TABLE {duplicates} AS
            SELECT d."SourceRecordNumber", d."FirstLine"
            FROM (SELECT s."SourceRecordNumber", min(s."SourceRecordNumber") OVER (PARTITION BY {partition}) AS "FirstRecord",
                         arg_min(s."SourceLineNumber", s."SourceRecordNumber") OVER (PARTITION BY {partition}) AS "FirstLine"
                  FROM {staging} AS s) AS d
            WHERE d."SourceRecordNumber" > d."FirstRecord"
            """);
        return Move(session, staging, duplicates, rejectTable, columnName, recordColumns.Select(c => (c, $"s.\"{c}\"")).ToList(), byRecord: true);
    }

    /// <summary>
    /// The RawRecord of a staged row that a migration rejects (a duplicate, an unknown customer): the staging columns
    /// <paramref name="columns"/> of alias <c>s</c> as a JSON object (the file's raw text is not staged), as the SQL Server
    /// procedures write it with <c>FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES</c>.
    /// </summary>
    /// <param name="columns">Staging columns.</param>
    internal static string StagedRecord(IReadOnlyList<string> columns) => Json(columns.Select(c => (c, $"s.\"{c}\"")).ToList());

    private static string Json(IReadOnlyList<(string Name, string Expression)> record) =>
        $"CAST(json_object({string.Join(", ", record.Select(f => $"'{f.Name}', {f.Expression}"))}) AS VARCHAR)";

    /// <summary>
    /// The tail both this rule and the purchase migration's own duplicate search share: moves the staged rows listed in
    /// <paramref name="duplicates"/> (a temporary table of the row key, SourceRecordNumber or SourceLineNumber as <paramref name="byRecord"/>
    /// says, and FirstLine) into <c>Integration.<paramref name="rejectTable"/></c>
    /// with the reason <c>duplicate of line FirstLine</c> and a JSON object of <paramref name="record"/> as RawRecord,
    /// deletes them from the staging and drops <paramref name="duplicates"/>; returns the rows rejected.
    /// </summary>
    /// <param name="session">The load.</param>
    /// <param name="staging">The staging table, read as alias <c>s</c>.</param>
    /// <param name="duplicates">The repeated rows, read as alias <c>d</c>.</param>
    /// <param name="rejectTable">Reject table in the Integration schema.</param>
    /// <param name="columnName">Source column named in the reject, or null.</param>
    /// <param name="record">RawRecord's fields: name and SQL expression over <c>s</c> and the tables of <paramref name="joins"/>.</param>
    /// <param name="joins">Joins the expressions need (e.g. a dictionary-coded staging's text table), or empty.</param>
    /// <param name="byRecord">Rows are keyed by SourceRecordNumber (staging and reject table carry it); false: by SourceLineNumber
    /// (purchases: CSV, one record per line start).</param>
    /// <param name="reason">The reason as an SQL expression over <c>d</c>, or null for <c>duplicate of line FirstLine</c>.</param>
    internal static long Move(DuckDbLoadSession session, string staging, string duplicates, string rejectTable, string? columnName,
        IReadOnlyList<(string Name, string Expression)> record, string joins = "", bool byRecord = false, string? reason = null)
    {
        reason ??= $"'{ReasonPrefix}' || CAST(d.\"FirstLine\" AS VARCHAR)";
        var key = byRecord ? "SourceRecordNumber" : "SourceLineNumber";
        var (recordColumn, recordValue) = byRecord ? (", \"SourceRecordNumber\"", ", s.\"SourceRecordNumber\"") : ("", "");
        var rejected = session.Execute($"""
            INSERT INTO "Integration"."{rejectTable}" ("LineageKey", "SourceName", "SourceLineNumber"{recordColumn}, "ColumnName", "Reason", "RawRecord")
            SELECT {session.LineageKey}, @SourceName, s."SourceLineNumber"{recordValue}, CAST(@columnName AS VARCHAR), {reason},
                   {Json(record)}
            FROM {duplicates} AS d JOIN {staging} AS s ON s."{key}" = d."{key}"
            {joins}
            """, new { session.SourceName, columnName });
        if (rejected > 0)
        {
            session.Execute($"DELETE FROM {staging} WHERE \"{key}\" IN (SELECT \"{key}\" FROM {duplicates})");
        }

        session.Execute($"DROP TABLE {duplicates}");
        return rejected;
    }
}
