using System.Data;
using Warehouse.Data;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Reports.Explanation;
using Warehouse.Reports.Naming;

namespace Warehouse.Reports.Tests.Security;

/// <summary>
/// The roles per verb of README ("The host against SQL Server") as a tested fact: every table, view, procedure and
/// table type a verb sends to SQL Server must be granted to the verb's roles by the GRANT statements under
/// database/Warehouse.Database/Security, and each of those roles must be needed. What the engine-neutral code sends
/// (report, rule learning, segment list and rename) is recorded from a real run on the DuckDB warehouse, where the
/// host's stand-ins for the Segmentation procedures count as the procedure calls they replace; the SQL Server-only
/// steps (loads, the in-database segment run, the schema check on connecting) are the host's statement constants.
/// </summary>
public sealed class VerbPermissionTests
{
    private const string Reader = "SegmentReader";
    private const string Operator = "SegmentationOperator";
    private const string Loader = "EtlLoader";

    private static readonly Lazy<RolePermissions> Permissions = new(RolePermissions.Load);

    /// <summary>The verbs and the roles README gives them.</summary>
    public static TheoryData<string, string[]> Verbs() => new()
    {
        { "load", [Loader] },
        { "segment run", [Operator, Reader] },
        { "segment run --no-explain", [Operator, Reader] },
        { "segment list", [Reader] },
        { "segment rename", [Operator] },
        { "report", [Reader] },
        { "report (learns rules the run lacks)", [Reader, Operator] },
        { "demo", [Loader, Operator, Reader] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Every_object_a_verb_sends_is_granted_to_its_roles_and_every_role_is_needed(string verb, string[] roles)
    {
        var permissions = Permissions.Value;
        var needs = Sent(verb).SelectMany(permissions.NeedsOf).ToList();

        Assert.True(needs.Count >= 2, $"{verb}: only {needs.Count} needs recorded");
        Expect(permissions.Unknown(needs), $"{verb}: every object it names exists in the database");
        Expect(needs.Where(n => !permissions.Meets(roles, n)).Select(n => n.ToString()), $"{verb} runs with {string.Join(" + ", roles)}");
        foreach (var role in roles)
        {
            var fewer = roles.Where(r => r != role).ToArray();
            Assert.True(needs.Any(n => !permissions.Meets(fewer, n)), $"{verb} would run without {role}: README gives it more than it needs");
        }
    }

    [Fact]
    public void The_recording_sees_the_procedure_calls_that_replace_table_writes()
    {
        var permissions = Permissions.Value;
        string[] Executed(string verb) => Sent(verb).SelectMany(permissions.NeedsOf).Where(n => n.Permission == "EXECUTE").SelectMany(n => n.Objects).Distinct().Order().ToArray();

        Assert.Equal([SegmentStore.RenameProcedure], Executed("segment rename"));
        Assert.Equal([SegmentStore.ReplaceRulesProcedure, SegmentStore.RuleListType], Executed("report (learns rules the run lacks)"));
        Assert.Empty(Executed("report"));
        Assert.Equal("TYPE", permissions.Objects[SegmentStore.RuleListType]);
    }

    [Fact]
    public void The_check_catches_what_the_roles_do_not_grant()
    {
        var permissions = Permissions.Value;
        bool Runs(string sql, params string[] roles) => new SentStatement(sql, CommandType.Text) is var sent && permissions.NeedsOf(sent).All(n => permissions.Meets(roles, n));

        // What the host sent before the procedures and views existed.
        Assert.False(Runs("UPDATE Segmentation.Segment SET SegmentName = @trimmed, IsRenamed = 1 WHERE SegmentKey = @segmentKey", Operator, Reader));
        Assert.False(Runs("DELETE FROM Segmentation.SegmentRule WHERE ModelRunKey = @modelRunKey", Operator, Reader));
        Assert.False(Runs("SELECT SegmentKey, SegmentName FROM Segmentation.Segment WHERE ConfigurationName = @configurationName", Reader));
        Assert.False(Runs("SELECT CustomerKey FROM Segmentation.CustomerFeature WHERE AsOfDateKey = $asOfDateKey", Reader));
        Assert.False(Runs("SELECT CASE WHEN OBJECT_ID(N'Integration.GetLineageKey', N'P') IS NOT NULL AND OBJECT_ID(N'Integration.MigrateStagedPurchaseData', N'P') IS NOT NULL THEN 1 ELSE 0 END", Reader));
        Assert.False(Runs("EXEC Segmentation.ReplaceSegmentRules @ModelRunKey = 1", Reader));
        Assert.False(Runs("SELECT * FROM Reports.SegmentProfile", Operator));

        // And lets through what they grant.
        Assert.True(Runs("SELECT SegmentKey, SegmentName FROM Reports.Segment WHERE ConfigurationName = @configurationName", Reader));
        Assert.True(Runs("EXEC Segmentation.ReplaceSegmentRules @ModelRunKey = 1", Operator));
        Assert.True(Runs(SqlServerWarehouse.SchemaCheckSql, Reader));
    }

    /// <summary>What the verb sends on SQL Server (recorded on DuckDB where the code is the same on both engines).</summary>
    private static List<SentStatement> Sent(string verb)
    {
        var sent = new List<SentStatement> { Text(SqlServerWarehouse.SchemaCheckSql) };
        using var data = SyntheticWarehouse.Create(customersPerSegment: 30);
        var recording = new RecordingWarehouse(data.Warehouse);
        switch (verb)
        {
            case "load":
                sent.AddRange(Load());
                break;
            case "segment run":
                sent.AddRange(RunInDatabase());
                SegmentProfiles.Read(recording, SyntheticWarehouse.Configuration);
                SegmentExplainer.Explain(recording, SyntheticWarehouse.Configuration);
                break;
            case "segment run --no-explain":
                sent.AddRange(RunInDatabase());
                SegmentProfiles.Read(recording, SyntheticWarehouse.Configuration);
                break;
            case "segment list":
                SegmentProfiles.Read(recording);
                break;
            case "segment rename":
                SegmentNaming.Rename(recording, 1, "VIP");
                SegmentNaming.Rename(recording, 1, null);
                break;
            case "report":
                SegmentExplainer.Explain(data.Warehouse, SyntheticWarehouse.Configuration); // the run has its rules (segment run stored them)
                WriteReport(recording);
                break;
            case "report (learns rules the run lacks)":
                WriteReport(recording);
                break;
            case "demo":
                // Loads, runs and prints the segments; it learns no rules.
                sent.AddRange(Load());
                sent.AddRange(RunInDatabase());
                SegmentProfiles.Read(recording, SyntheticWarehouse.Configuration);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(verb), verb, "unknown verb");
        }

        sent.AddRange(recording.Sent);
        return sent;
    }

    private static void WriteReport(IWarehouse warehouse)
    {
        var folder = Directory.CreateTempSubdirectory("verb-permissions-");
        try
        {
            SegmentReport.Write(warehouse, folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>segment run --connection: the procedures of SqlServerSegmentation and the run read back from Reports.</summary>
    private static IEnumerable<SentStatement> RunInDatabase() =>
    [
        Procedure(SqlServerSegmentation.RunProcedure), Procedure(SqlServerSegmentation.QualityProcedure), Procedure(SqlServerSegmentation.PublishProcedure),
        Text(SqlServerSegmentation.RunSummarySql),
    ];

    /// <summary>Every load --connection: SqlServerLoadSession's statements and bulk copies for each target.</summary>
    private static IEnumerable<SentStatement> Load()
    {
        yield return Text(SqlServerLoadSession.FindSuccessfulLoadSql);
        yield return Procedure(SqlServerLoadSession.CleanupAbandonedLoadsProcedure);
        yield return Procedure(SqlServerLoadSession.GetLineageKeyProcedure);
        yield return Procedure(SqlServerLoadSession.ReleaseLoadLockProcedure);
        // CRM loads hold the CRM identity lock from reading the known customers to the end of their migration.
        yield return Procedure(CrmIdentityLock.AcquireProcedure);
        yield return Procedure(CrmIdentityLock.ReleaseProcedure);
        yield return Text(SqlServerLoadSession.LineageCountsSql);
        // The load summary's outlier line (transactions, web, social).
        yield return Text(OutlierFlagging.ReadSql);
        yield return Procedure(SqlServerLoadSession.FailLineageProcedure);
        // CRM loads resolve identities in the host from what the loader may read.
        yield return Text(CustomerIdentitySql.Cutoff);
        yield return Text(CustomerIdentitySql.Identities);
        foreach (var target in StagingTarget.All)
        {
            // SqlBulkCopy reads the table's metadata (SELECT) and inserts.
            foreach (var table in new[] { target.StagingTable, target.ResolutionTable, StagingTarget.RejectStagingTable }.OfType<string>())
            {
                yield return Text($"INSERT INTO {StagingTarget.Bracket(table)} SELECT * FROM {StagingTarget.Bracket(table)}");
            }

            yield return Procedure(target.MigrateProcedure);
            foreach (var cleanup in target.FailedLoadCleanupSql)
            {
                yield return Text(cleanup);
            }
        }
    }

    private static SentStatement Text(string sql) => new(sql, CommandType.Text);

    private static SentStatement Procedure(string name) => new(name, CommandType.StoredProcedure);

    private static void Expect(IEnumerable<string> offenders, string rule)
    {
        var list = offenders.Distinct().ToList();
        Assert.True(list.Count == 0, $"{list.Count} violation(s) of '{rule}':\n  " + string.Join("\n  ", list));
    }
}

/// <summary>The verbs run as a login with only the README's roles would (permissions played by <see cref="RecordingWarehouse"/>).</summary>
public sealed class RoleLimitedVerbTests
{
    private static readonly Lazy<RolePermissions> Permissions = new(RolePermissions.Load);

    private static RecordingWarehouse As(SyntheticWarehouse data, params string[] roles) => new(data.Warehouse, sent =>
        Permissions.Value.NeedsOf(sent).FirstOrDefault(n => !Permissions.Value.Meets(roles, n)) is { } need ? $"refused: {need}" : null);

    private static long StoredRules(SyntheticWarehouse data) =>
        Dapper.SqlMapper.QuerySingle<long>(data.Warehouse.Connection, "SELECT COUNT(*) FROM Segmentation.SegmentRule");

    [Fact]
    public void A_reader_gets_the_report_with_rules_learned_but_not_stored()
    {
        using var data = SyntheticWarehouse.Create(customersPerSegment: 30);
        var folder = Directory.CreateTempSubdirectory("reader-report-");
        try
        {
            var result = SegmentReport.Write(As(data, "SegmentReader"), folder.FullName);
            var html = File.ReadAllText(result.Path);
            Assert.Contains("learned for this report but not stored", html, StringComparison.Ordinal);
            Assert.Equal(0, StoredRules(data));
            var learned = SegmentExplainer.Learn(data.Warehouse, RunData.Load(data.Warehouse, SyntheticWarehouse.Configuration));
            Assert.All(learned, r => Assert.Contains(System.Net.WebUtility.HtmlEncode(r.Predicate), html, StringComparison.Ordinal));

            // With the operator role too the same report stores them, and the note is gone.
            result = SegmentReport.Write(As(data, "SegmentReader", "SegmentationOperator"), folder.FullName);
            Assert.Equal(3, StoredRules(data));
            Assert.DoesNotContain("not stored", File.ReadAllText(result.Path), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Rename_needs_the_operator_role_and_a_refused_rename_changes_nothing()
    {
        using var data = SyntheticWarehouse.Create(customersPerSegment: 30);
        Assert.Throws<UnauthorizedAccessException>(() => SegmentNaming.Rename(As(data, "SegmentReader"), 1, "VIP"));
        Assert.Throws<UnauthorizedAccessException>(() => SegmentExplainer.Explain(As(data, "SegmentReader"), SyntheticWarehouse.Configuration));
        Assert.Equal(0, StoredRules(data));
        Assert.Equal("Segment A", Dapper.SqlMapper.QuerySingle<string>(data.Warehouse.Connection, "SELECT SegmentName FROM Reports.Segment WHERE SegmentKey = 1"));
        SegmentNaming.Rename(As(data, "SegmentationOperator"), 1, "VIP");
        Assert.Equal("VIP", Dapper.SqlMapper.QuerySingle<string>(data.Warehouse.Connection, "SELECT SegmentName FROM Reports.Segment WHERE SegmentKey = 1"));
    }
}
