using System.Text;

namespace Warehouse.Etl.Tests.Support;

/// <summary>Base of tests that write source files: a new temporary folder per test, deleted on dispose.</summary>
public abstract class TempFolderTests : IDisposable
{
    /// <summary>The temporary folder.</summary>
    protected string Folder { get; } = TestPaths.NewTempFolder();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>Writes a source file (UTF-8 without BOM) into the folder and returns its path.</summary>
    protected string Write(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}
