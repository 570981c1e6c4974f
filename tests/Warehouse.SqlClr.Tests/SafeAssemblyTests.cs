using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Warehouse.SqlClr.Tests;

/// <summary>The deployed net48 assembly obeys SQL Server's SAFE rules (checked on the binary), and the check can fail.</summary>
public class SafeAssemblyTests
{
    [Fact]
    public void Net48AssemblyHasNoSafeViolation()
    {
        Expect.None(SafeAssemblyScanner.Scan(ClrPaths.Net48Assembly), "SAFE rules for Warehouse.SqlClr (net48)");
    }

    [Fact]
    public void Net48AssemblyContainsTheCoreLibraryAndIsSigned()
    {
        using var stream = File.OpenRead(ClrPaths.Net48Assembly);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var types = md.TypeDefinitions.Select(h => md.GetTypeDefinition(h)).Select(t => md.GetString(t.Namespace) + "." + md.GetString(t.Name)).ToHashSet();

        Assert.Contains("Warehouse.SqlClr.SegmentationProcedures", types);
        Assert.Contains("Warehouse.Segmentation.KMeans.KMeansTrainer", types);
        Assert.Contains("Warehouse.Segmentation.Scaling.FeatureScaler", types);
        Assert.DoesNotContain(md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)), n => n.StartsWith("Warehouse.", StringComparison.Ordinal));
        var definition = md.GetAssemblyDefinition();
        Assert.False(definition.PublicKey.IsNil, "the net48 assembly must be strong-name signed");
        Assert.True(md.GetBlobBytes(definition.PublicKey).Length >= 160);
        Assert.True((pe.PEHeaders.CorHeader!.Flags & CorFlags.StrongNameSigned) != 0, "strong-name signature present");
        Assert.Equal(".NETFramework,Version=v4.8", TargetFramework(md));
    }

    [Fact]
    public void ScannerFindsEveryPlantedViolation()
    {
        var found = SafeAssemblyScanner.Scan(typeof(SafeAssemblyTests).Assembly.Location, "Warehouse.SqlClr.Tests.Planted");

        Assert.Contains(found, v => v.Contains("PlantedViolations._counter: static field not readonly", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("PlantedViolations.Next: stores to static field", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("PlantedViolations.CachedLambda: stores to static field", StringComparison.Ordinal) && v.Contains("<>9__", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("PlantedViolations.GetProcessId: P/Invoke", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("PlantedViolations.StartThread: calls System.Threading.Thread", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("PlantedViolations.Unsafe: unverifiable instruction localloc", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("PlantedViolations.Load: calls System.Reflection.Assembly.Load", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("PlantedFinalizer.Finalize: finalizer", StringComparison.Ordinal));
        // The readonly delegate field is allowed: only its initialisation in the type initializer stores to it.
        Assert.DoesNotContain(found, v => v.Contains("Doubler", StringComparison.Ordinal));
    }

    [Fact]
    public void ScannerRejectsAssembliesOutsideTheSupportedList()
    {
        // The test assembly references xunit and System.Runtime: neither is on SQL Server's list.
        var found = SafeAssemblyScanner.Scan(typeof(SafeAssemblyTests).Assembly.Location);
        Assert.Contains(found, v => v == "references assembly xunit.core, which is not in SQL Server's supported list");
        Assert.Contains(found, v => v == "references assembly System.Runtime, which is not in SQL Server's supported list");
    }

    private static string TargetFramework(MetadataReader md)
    {
        foreach (var handle in md.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = md.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var parent = md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind == HandleKind.TypeReference && md.GetString(md.GetTypeReference((TypeReferenceHandle)parent).Name) == "TargetFrameworkAttribute")
            {
                var blob = md.GetBlobReader(attribute.Value);
                blob.ReadUInt16();
                return blob.ReadSerializedString() ?? string.Empty;
            }
        }

        return string.Empty;
    }
}

/// <summary>Assertions that list every offender in the failure message.</summary>
public static class Expect
{
    public static void None(IEnumerable<string> offenders, string rule)
    {
        var list = offenders.ToList();
        Assert.True(list.Count == 0, $"{list.Count} violation(s) of '{rule}':\n  " + string.Join("\n  ", list));
    }
}
