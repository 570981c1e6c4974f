using System.Reflection.PortableExecutable;
using Warehouse.Etl.Tests.Support;

namespace Warehouse.Etl.Tests.Build;

/// <summary>
/// eng/ReadyToRunOnBuild.targets: a Release build of the host precompiles warehouse.dll and the libraries every command runs
/// (crossgen2 through the SDK's ReadyToRun targets), so that `dotnet run -c Release` and the built exe start from native
/// code; a Debug build stays IL. Checked on the files the build wrote: a ReadyToRun image has a managed native header in
/// its CLI header, an IL-only assembly has none (the framework's own System.Linq.dll is a ReadyToRun image, this test
/// assembly is IL).
/// </summary>
public sealed class ReadyToRunBuildTests
{
    private static bool IsReadyToRun(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    [Fact]
    public void The_header_check_tells_a_ReadyToRun_image_from_IL()
    {
        Assert.True(IsReadyToRun(typeof(Enumerable).Assembly.Location));
        Assert.False(IsReadyToRun(typeof(ReadyToRunBuildTests).Assembly.Location));
    }

#if RELEASE
    private const string Configuration = "Release";
    private const bool Precompiled = true;
#else
    private const string Configuration = "Debug";
    private const bool Precompiled = false;
#endif

    private static string HostOutput(string file) =>
        Path.Combine(TestPaths.RepositoryRoot, "etl", "Warehouse.Etl", "bin", Configuration, "net10.0", file);

    [Theory]
    [InlineData("warehouse.dll")]
    [InlineData("Warehouse.Data.dll")]
    [InlineData("DuckDB.NET.Data.dll")]
    [InlineData("Dapper.dll")]
    [InlineData("Microsoft.SqlServer.TransactSql.ScriptDom.dll")]
    public void The_host_output_is_precompiled_in_Release_only(string file)
    {
        var path = HostOutput(file);
        Assert.True(File.Exists(path), $"{path} is missing: the host's output folder keeps its RID-less path");
        Assert.Equal(Precompiled, IsReadyToRun(path));
    }

    [Fact]
    public void Assemblies_outside_the_list_stay_IL()
    {
        // SQL Server's client is used by the SQL Server engine only: not worth its crossgen2 time.
        var path = HostOutput("Microsoft.Data.SqlClient.dll");
        Assert.True(File.Exists(path), $"{path} is missing");
        Assert.False(IsReadyToRun(path));
    }
}
