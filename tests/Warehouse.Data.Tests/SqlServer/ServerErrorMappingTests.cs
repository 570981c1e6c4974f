using Warehouse.Data.SqlServer;

namespace Warehouse.Data.Tests.SqlServer;

/// <summary>
/// How SQL Server errors reach the user. Error numbers from the SQL Server documentation ("Database engine events and
/// errors"): 229 "The %ls permission was denied on the object", 230 "… denied on the column", 262 "… permission denied in
/// database", 300 "… permission was denied on object … database" (server-level); 50070–50091 are the warehouse's own THROWs
/// (Segmentation.RenameSegment / ReplaceSegmentRules, Integration.AcquireCrmIdentityLock / MigrateStagedCustomerData).
/// </summary>
public sealed class ServerErrorMappingTests
{
    [Theory]
    [InlineData(229, "The EXECUTE permission was denied on the object 'RenameSegment', database 'Warehouse', schema 'Segmentation'.")]
    [InlineData(230, "The SELECT permission was denied on the column 'SegmentName' of the object 'Segment', database 'Warehouse', schema 'Segmentation'.")]
    [InlineData(262, "CREATE TABLE permission denied in database 'Warehouse'.")]
    [InlineData(300, "VIEW SERVER STATE permission was denied on object 'server', database 'master'.")]
    public void A_refused_permission_names_the_role_the_login_needs(int number, string message)
    {
        var inner = new InvalidOperationException("server");

        var mapped = SegmentStore.FromServerError(number, message, inner);

        var refused = Assert.IsType<UnauthorizedAccessException>(mapped);
        Assert.Contains("the login needs the role SegmentationOperator", refused.Message, StringComparison.Ordinal);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        Assert.Same(inner, refused.InnerException);
    }

    [Fact]
    public void The_procedures_own_errors_become_argument_and_state_errors()
    {
        var name = Assert.IsType<ArgumentException>(SegmentStore.FromServerError(50071, "Segment names are at most 100 characters.", null));
        Assert.Equal("name", name.ParamName);
        Assert.StartsWith("Segment names are at most 100 characters.", name.Message, StringComparison.Ordinal);
        foreach (var number in new[] { 50070, 50080, 50081 })
        {
            Assert.Equal("no such segment", Assert.IsType<InvalidOperationException>(SegmentStore.FromServerError(number, "no such segment", null)).Message);
        }
    }

    [Theory]
    [InlineData(208)]   // invalid object name: a deployment problem, not a permission
    [InlineData(2627)]  // duplicate key
    [InlineData(50090)] // the CRM lock's error is not the segment store's
    [InlineData(0)]
    public void Other_errors_stay_sql_errors(int number) => Assert.Null(SegmentStore.FromServerError(number, "m", null));

    [Fact]
    public void The_crm_identity_lock_errors_ask_to_retry_and_keep_the_server_message()
    {
        const string busy = "Another CRM or purchase load holds the CRM identity lock (Warehouse.CrmIdentity) after waiting 600 s (sp_getapplock returned -1); retry the load when it has finished.";
        Assert.StartsWith(busy, CrmIdentityLock.Describe(50090, busy), StringComparison.Ordinal);
        Assert.Contains("one at a time", CrmIdentityLock.Describe(50090, busy), StringComparison.Ordinal);
        Assert.Contains("must too", CrmIdentityLock.Describe(50091, "no lock"), StringComparison.Ordinal);
        Assert.Null(CrmIdentityLock.Describe(229, "denied"));
    }
}
