namespace Warehouse.Data.SqlServer;

/// <summary>
/// One load path: the staging table the rows go into, the reject table, the table the load fills (recorded in the
/// lineage) and, on SQL Server, the Integration procedure that migrates the staged rows. Names are constants (never
/// built from input).
/// </summary>
/// <param name="Entity">Entity name, e.g. Purchase.</param>
/// <param name="StagingTable">Two-part staging table name.</param>
/// <param name="RejectTable">Two-part reject table name.</param>
/// <param name="MigrateProcedure">Two-part name of the Integration procedure.</param>
/// <param name="FactTable">The table the load fills (Integration.Lineage.TableName).</param>
/// <param name="ResolutionTable">On SQL Server, where the host stages the identities it resolved (CRM loads), or null.</param>
public sealed record StagingTarget(string Entity, string StagingTable, string RejectTable, string MigrateProcedure, string FactTable, string? ResolutionTable = null)
{
    /// <summary>Invoice lines into Fact.Purchase.</summary>
    public static StagingTarget Purchase { get; } = new("Purchase", "Integration.Purchase_Staging", "Integration.RejectedPurchase", "Integration.MigrateStagedPurchaseData", "Fact.Purchase");

    /// <summary>CRM customers into Dimension.Customer.</summary>
    public static StagingTarget Customer { get; } = new("Customer", "Integration.Customer_Staging", "Integration.RejectedCustomer", "Integration.MigrateStagedCustomerData", "Dimension.Customer",
        "Integration.CustomerMatch_Staging");

    /// <summary>Survey answers joined to customers by CRM id into Fact.SurveyResponse (unknown customers rejected into Integration.RejectedCustomer).</summary>
    public static StagingTarget Demographics { get; } = new("SurveyResponse", "Integration.Demographics_Staging", "Integration.RejectedCustomer", "Integration.MigrateStagedDemographicsData", "Fact.SurveyResponse");

    /// <summary>Web sessions into Fact.WebSession.</summary>
    public static StagingTarget WebSession { get; } = new("WebSession", "Integration.WebSession_Staging", "Integration.RejectedWebEvent", "Integration.MigrateStagedWebSessionData", "Fact.WebSession");

    /// <summary>Social comments into Fact.SocialInteraction.</summary>
    public static StagingTarget SocialInteraction { get; } = new("SocialInteraction", "Integration.SocialInteraction_Staging", "Integration.RejectedSocialInteraction", "Integration.MigrateStagedSocialInteractionData", "Fact.SocialInteraction");

    /// <summary>Every target.</summary>
    public static IReadOnlyList<StagingTarget> All { get; } = [Purchase, Customer, Demographics, WebSession, SocialInteraction];

    /// <summary>
    /// Where the host bulk-copies a load's rejected rows on SQL Server: the target's Integration procedure moves them into
    /// <see cref="RejectTable"/> in the migration's transaction, so a failed load leaves none behind (the loader role may
    /// write staging tables only).
    /// </summary>
    public const string RejectStagingTable = "Integration.Reject_Staging";

    /// <summary>Removes a failed load's staged rows (the loader may only delete from staging).</summary>
    public string DeleteStagedSql => $"DELETE FROM {Bracket(StagingTable)} WHERE [LineageKey] = @LineageKey;";

    /// <summary>Removes a failed load's staged rejected rows from <see cref="RejectStagingTable"/>.</summary>
    public static string DeleteStagedRejectsSql => $"DELETE FROM {Bracket(RejectStagingTable)} WHERE [LineageKey] = @LineageKey;";

    /// <summary>
    /// What a failed load runs before its lineage is marked failed: every table the host writes before the migration
    /// (<see cref="StagingTable"/>, <see cref="ResolutionTable"/> when there is one, and <see cref="RejectStagingTable"/>)
    /// is emptied of the load's rows.
    /// </summary>
    public IReadOnlyList<string> FailedLoadCleanupSql => ResolutionTable is null
        ? [DeleteStagedSql, DeleteStagedRejectsSql]
        : [DeleteStagedSql, $"DELETE FROM {Bracket(ResolutionTable)} WHERE [LineageKey] = @LineageKey;", DeleteStagedRejectsSql];

    /// <summary>Bracketed two-part name for T-SQL.</summary>
    /// <param name="twoPartName">schema.name.</param>
    public static string Bracket(string twoPartName) => string.Join('.', twoPartName.Split('.').Select(p => "[" + p.Replace("]", "]]", StringComparison.Ordinal) + "]"));
}
