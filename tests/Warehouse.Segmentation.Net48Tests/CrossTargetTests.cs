using System;
using System.Linq;
using Warehouse.Segmentation.Tests.CrossTarget;
using Xunit;

namespace Warehouse.Segmentation.Net48Tests;

public class CrossTargetTests
{
    [Fact]
    public void Runs_on_the_net_framework_build()
    {
        // The referenced assembly must be the net48 build (this test project targets net48 only).
        var framework = typeof(FeatureMatrix).Assembly.GetCustomAttributes(typeof(System.Runtime.Versioning.TargetFrameworkAttribute), false)
            .Cast<System.Runtime.Versioning.TargetFrameworkAttribute>().Single().FrameworkName;
        Assert.Equal(".NETFramework,Version=v4.8", framework);
    }

    [Fact]
    public void Net48_gives_the_same_results_as_net10()
    {
        Assert.Equal(CrossTargetCases.Golden, CrossTargetCases.Fingerprints());
    }
}
