using Warehouse.Data.DuckDb;

namespace Warehouse.Data.Loading;

/// <summary>One survey answer on its way into <c>Integration.Demographics_Staging</c>.</summary>
public sealed class DemographicsStagingRow
{
    /// <summary>File name of the source.</summary>
    public string SourceName { get; set; } = string.Empty;

    /// <summary>Line of the record.</summary>
    public long SourceLineNumber { get; set; }

    /// <summary>1-based ordinal of the record in the source (the row's key with the lineage: several records can share a line).</summary>
    public long SourceRecordNumber { get; set; }

    /// <summary>CRM id of the customer.</summary>
    public string CrmCustomerId { get; set; } = string.Empty;

    /// <summary>Survey date.</summary>
    public DateOnly? SurveyDate { get; set; }

    /// <summary>Household size.</summary>
    public int? HouseholdSize { get; set; }

    /// <summary>Children.</summary>
    public int? Children { get; set; }

    /// <summary>Income band.</summary>
    public string? IncomeBand { get; set; }

    /// <summary>Education.</summary>
    public string? Education { get; set; }

    /// <summary>Occupation.</summary>
    public string? Occupation { get; set; }

    /// <summary>Marital status.</summary>
    public string? MaritalStatus { get; set; }

    /// <summary>Satisfaction 1–5.</summary>
    public int? Satisfaction { get; set; }

    /// <summary>The load.</summary>
    public int LineageKey { get; set; }
}

/// <summary>Appender map of <see cref="DemographicsStagingRow"/>.</summary>
public sealed class DemographicsStagingRowMap : StagingMap<DemographicsStagingRow>
{
    /// <summary>Declares the columns in table order.</summary>
    public DemographicsStagingRowMap()
    {
        Map(r => r.SourceName);
        Map(r => r.SourceLineNumber);
        Map(r => r.SourceRecordNumber);
        Map(r => r.CrmCustomerId);
        Map(r => r.SurveyDate);
        Map(r => r.HouseholdSize);
        Map(r => r.Children);
        Map(r => r.IncomeBand);
        Map(r => r.Education);
        Map(r => r.Occupation);
        Map(r => r.MaritalStatus);
        Map(r => r.Satisfaction);
        Map(r => r.LineageKey);
    }
}

/// <summary>
/// Joins staged survey answers to customers by CRM id (current version) into <c>Fact.SurveyResponse</c>, one row per
/// customer and survey date (a stored answer is replaced only when it changed). The natural key of an answer is
/// (CRM id, survey date): a line repeating an earlier line's key (NULL date = NULL date) is rejected into
/// <c>Integration.RejectedCustomer</c> as a duplicate of that line, which wins (<see cref="StagingDuplicates"/>); two CRM
/// ids of one customer answering on one date: the later line wins. An answer for a CRM id the warehouse does not know is
/// moved to <c>Integration.RejectedCustomer</c> with the reason and its staged values as JSON (as a duplicate's).
/// <para>On DuckDB the answers of a load are staged in a temporary table of the load's transaction (<see cref="Stage"/>,
/// the columns of <c>Integration.Demographics_Staging</c>, no key or index), dropped once migrated.</para>
/// </summary>
public static class DemographicsMigration
{
    private static readonly string[] RecordColumns =
        ["CrmCustomerId", "SurveyDate", "HouseholdSize", "Children", "IncomeBand", "Education", "Occupation", "MaritalStatus", "Satisfaction"];

    /// <summary>Name of the session's temporary staging table of survey answers (catalog temp, schema main).</summary>
    public static string StagingTable(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"survey_staging_{session.LineageKey}";
    }

    /// <summary>
    /// Stages survey answers into the session's temporary table <see cref="StagingTable"/> (created on first use with the
    /// columns of <c>Integration.Demographics_Staging</c>) through the column-wise appender (<see cref="Warehouse.Data.DuckDb.StagingMap{T}"/>: text kept exactly, U+0000 included), streaming; returns the rows staged.
    /// </summary>
    public static long Stage(DuckDbLoadSession session, IEnumerable<DemographicsStagingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(session);
        var table = StagingTable(session);
        session.CreateTemporaryStaging(table, "Demographics_Staging");
        return session.AppendTemporary<DemographicsStagingRow, DemographicsStagingRowMap>(table, rows);
    }

    /// <summary>Runs the migration; returns (rows written, rows rejected for an unknown customer, rows rejected as duplicates).</summary>
    public static (long Written, long UnknownCustomer, long Duplicates) Run(DuckDbLoadSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var k = session.LineageKey;
        var staging = StagingTable(session);
        session.CreateTemporaryStaging(staging, "Demographics_Staging");
        DimensionMaintenance.EnsureUnknownMembers(session);
        // CRM ids compare without case (CustomerKeyMap.IdKey), as the resolver and SQL Server's collation compare them.
        var duplicates = StagingDuplicates.Reject(session, staging, ["CrmCustomerId", "SurveyDate"], "RejectedCustomer", "crm_customer_id", RecordColumns,
            caseInsensitive: ["CrmCustomerId"]);
        const string CurrentById = CustomerKeyMap.ByCrmIdKey;
        var unknown = session.Execute($"""
            INSERT INTO "Integration"."RejectedCustomer" ("LineageKey", "SourceName", "SourceLineNumber", "SourceRecordNumber", "ColumnName", "Reason", "RawRecord")
            SELECT s."LineageKey", s."SourceName", s."SourceLineNumber", s."SourceRecordNumber", 'crm_customer_id', 'unknown customer: no customer with this CRM id (load the CRM file first)',
                   {StagingDuplicates.StagedRecord(RecordColumns)}
            FROM {staging} AS s
            WHERE NOT EXISTS (SELECT 1 FROM {CurrentById} AS c WHERE c."CrmIdKey" = upper(s."CrmCustomerId"))
            """);
        var dates = session.Query<(DateTime? First, DateTime? Last)>($"""
            SELECT CAST(min("SurveyDate") AS TIMESTAMP), CAST(max("SurveyDate") AS TIMESTAMP) FROM {staging}
            """)[0];
        if (dates.First is { } first && dates.Last is { } last)
        {
            DimensionMaintenance.EnsureDates(session, DateOnly.FromDateTime(first), DateOnly.FromDateTime(last));
        }

        // Two CRM ids of one customer (a duplicate registration tied by the CRM load) answering on the same day are two answer
        // sets for the fact's one (customer, day): the later record is rejected naming the first one's line and id, as a
        // repeat of one id is; before, it silently replaced the first and both were counted as loaded (issue 6 audit).
        var sameCustomer = session.Execute($"""
            INSERT INTO "Integration"."RejectedCustomer" ("LineageKey", "SourceName", "SourceLineNumber", "SourceRecordNumber", "ColumnName", "Reason", "RawRecord")
            SELECT d."LineageKey", d."SourceName", d."SourceLineNumber", d."SourceRecordNumber", 'crm_customer_id',
                   'duplicate of line ' || d."FirstLine" || ' (CRM id ' || d."FirstId" || ' is the same customer, same survey date)', d."Record"
            FROM (
                SELECT s."LineageKey", s."SourceName", s."SourceLineNumber", s."SourceRecordNumber", {StagingDuplicates.StagedRecord(RecordColumns)} AS "Record",
                       min(s."SourceRecordNumber") OVER w AS "FirstRecord", first_value(s."SourceLineNumber") OVER w AS "FirstLine",
                       first_value(s."CrmCustomerId") OVER w AS "FirstId"
                FROM {staging} AS s
                JOIN {CurrentById} AS c ON c."CrmIdKey" = upper(s."CrmCustomerId")
                WINDOW w AS (PARTITION BY c."CustomerKey", s."SurveyDate" ORDER BY s."SourceRecordNumber" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS d
            WHERE d."SourceRecordNumber" > d."FirstRecord"
            """);
        if (sameCustomer > 0)
        {
            session.Execute($"""
                DELETE FROM {staging} AS s WHERE EXISTS (
                    SELECT 1 FROM "Integration"."RejectedCustomer" AS r
                    WHERE r."LineageKey" = s."LineageKey" AND r."SourceRecordNumber" = s."SourceRecordNumber" AND starts_with(r."Reason", 'duplicate of line '))
                """);
        }

        session.Execute($"""
            CREATE TEMP TABLE survey_latest_{k} AS
            SELECT c."CustomerKey", COALESCE(CAST(strftime(s."SurveyDate", '%Y%m%d') AS INTEGER), 0) AS "DateKey",
                   s."HouseholdSize", s."Children", s."IncomeBand", s."Education", s."Occupation", s."MaritalStatus", s."Satisfaction"
            FROM {staging} AS s
            JOIN {CurrentById} AS c ON c."CrmIdKey" = upper(s."CrmCustomerId")
            QUALIFY row_number() OVER (PARTITION BY c."CustomerKey", "DateKey" ORDER BY s."SourceRecordNumber" DESC) = 1
            """);
        session.Execute($"""
            DELETE FROM "Fact"."SurveyResponse" AS f USING survey_latest_{k} AS n
            WHERE f."CustomerKey" = n."CustomerKey" AND f."DateKey" = n."DateKey"
              AND (f."HouseholdSize" IS DISTINCT FROM n."HouseholdSize" OR f."Children" IS DISTINCT FROM n."Children"
                   OR f."IncomeBand" IS DISTINCT FROM n."IncomeBand" OR f."Education" IS DISTINCT FROM n."Education" OR f."Occupation" IS DISTINCT FROM n."Occupation"
                   OR f."MaritalStatus" IS DISTINCT FROM n."MaritalStatus" OR f."Satisfaction" IS DISTINCT FROM n."Satisfaction")
            """);
        var written = session.Execute($"""
            INSERT INTO "Fact"."SurveyResponse" ("CustomerKey", "DateKey", "HouseholdSize", "Children", "IncomeBand", "Education", "Occupation",
                "MaritalStatus", "Satisfaction", "LineageKey")
            SELECT n.*, {k} FROM survey_latest_{k} AS n
            WHERE NOT EXISTS (SELECT 1 FROM "Fact"."SurveyResponse" AS f WHERE f."CustomerKey" = n."CustomerKey" AND f."DateKey" = n."DateKey")
            ORDER BY n."CustomerKey", n."DateKey"
            """);
        session.Checkpoint("demographics");
        session.Execute($"DROP TABLE survey_latest_{k}");
        session.Execute($"DROP TABLE {staging}");
        return (written, unknown, duplicates + sameCustomer);
    }
}
