using Xunit.Abstractions;

namespace Warehouse.Segmentation.Tests.CrossTarget;

public class CrossTargetTests
{
    private readonly ITestOutputHelper _output;

    public CrossTargetTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Net10_gives_the_golden_fingerprints_shared_with_net48()
    {
        var actual = CrossTargetCases.Fingerprints();
        foreach (var f in actual) _output.WriteLine("\"" + f + "\",");
        Assert.Equal(CrossTargetCases.Golden, actual);
    }
}
