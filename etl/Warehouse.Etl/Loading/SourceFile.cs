using System.Diagnostics;
using Warehouse.Data;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Loading;

/// <summary>
/// The start every file load shares: the file must exist, its content hash identifies the load, and a file whose content
/// was already loaded successfully into the same target is not loaded again.
/// </summary>
internal static class SourceFile
{
    /// <summary>Checks the file, starts the load clock, hashes the content and looks for an earlier successful load.</summary>
    /// <param name="warehouse">The warehouse loaded into.</param>
    /// <param name="path">The source file.</param>
    /// <param name="description">What the file holds, for the error message ("CRM", "web", …).</param>
    /// <param name="system">Source system name in lineage.</param>
    /// <param name="target">Load target (its table is recorded in lineage).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    internal static (Stopwatch Clock, string SourceName, string Hash, int? Done) Prepare(
        IWarehouse warehouse, string path, string description, string system, StagingTarget target)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {description} file {path} does not exist.", path);
        }

        var clock = Stopwatch.StartNew();
        var hash = TransactionLoader.HashFile(path);
        return (clock, Path.GetFileName(path), hash, SourceLoad.FindSuccessfulLoad(warehouse, system, target, hash));
    }

    /// <summary>Opens the file for one sequential, streaming read.</summary>
    internal static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
}
