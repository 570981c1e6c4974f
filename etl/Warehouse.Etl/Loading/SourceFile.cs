using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Warehouse.Data;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Identity;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Loading;

/// <summary>
/// The start every file load shares: the file must exist, its content hash and the options it is read with identify the
/// load, and a file whose content was already loaded successfully into the same target with the same options is not
/// loaded again. The options are part of the identity because they change what the content means: a day-first file
/// loaded without <c>--culture</c> has its dates rejected (the reason says to use a culture such as en-GB), and the same
/// file again with <c>--culture en-GB</c> must be read, not skipped as "already loaded" (an audit found it skipped, so
/// the rejected rows could never be loaded from that file). CRM, transactions and social pass their options: reading
/// the content again with others is safe there (CRM rows of known ids not newer than their id's stored version are skipped, purchase
/// lines replace the stored line of their invoice and line number, comments the stored comment of their id). Web and
/// survey files keep the content alone as identity: another time zone or culture moves accepted events and answers to
/// other times or days, which would make second sessions and answer sets beside the stored ones (README, "Loading rules").
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
    /// <param name="reading">The options the file is read with (<see cref="Reading(CleaningOptions?, IdentityResolverOptions?)"/>,
    /// <see cref="Reading(TransactionMapping, PlausibleTimeWindow?)"/>); null for the defaults.</param>
    internal static (Stopwatch Clock, string SourceName, string Hash, int? Done) Prepare(
        IWarehouse warehouse, string path, string description, string system, StagingTarget target, string? reading = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {description} file {path} does not exist.", path);
        }

        var clock = Stopwatch.StartNew();
        var hash = LoadHash(TransactionLoader.HashFile(path), reading);
        return (clock, Path.GetFileName(path), hash, SourceLoad.FindSuccessfulLoad(warehouse, system, target, hash));
    }

    /// <summary>
    /// The lineage's <c>SourceHash</c> of a load: the content's SHA-256 when the file is read with the default options (so
    /// warehouses loaded before options counted keep skipping their files), else the SHA-256 (lower-case hex) of the
    /// content hash, a line feed and <paramref name="reading"/>.
    /// </summary>
    internal static string LoadHash(string contentHash, string? reading) =>
        reading is null ? contentHash : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(contentHash + "\n" + reading)));

    /// <summary>The cleaning (and, for CRM, identity) options as text, or null when they are the defaults. <see cref="CleaningOptions.Today"/> is left out (it moves every day).</summary>
    internal static string? Reading(CleaningOptions? options, IdentityResolverOptions? identity = null)
    {
        var text = Describe(options ?? CleaningOptions.Default) + JsonSerializer.Serialize(identity ?? IdentityResolverOptions.Default);
        return text == Describe(CleaningOptions.Default) + JsonSerializer.Serialize(IdentityResolverOptions.Default) ? null : text;

        static string Describe(CleaningOptions o) => string.Join('\u001f',
            "culture=" + o.Culture.Name, "time-zone=" + o.TimeZone.Id, "phone-region=" + o.PhoneRegion, "currency=" + o.Currency,
            "date-formats=" + string.Join('\u001e', o.DateFormats),
            Plausible(o.EarliestPlausibleTime, o.LatestPlausibleAfterNow),
            "missing=" + string.Join('\u001e', o.MissingPolicies.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + p.Value.ToString())));
    }

    /// <summary>
    /// The transactions mapping as text (its JSON and whether its date formats were given) and, when <paramref name="window"/>
    /// has another earliest time or distance after now than the default, the window as the CRM reading writes it
    /// (<c>plausible=</c> earliest + distance); null when both are the defaults. The window's latest time is the load's start
    /// + the distance and, like <see cref="CleaningOptions.Now"/>, not part of the reading (it moves with every load).
    /// A mapping option added after readings were first recorded (<see cref="TransactionMapping.InvoiceUpdates"/>) enters the
    /// JSON only when it is not its default (<see cref="AddedOptions"/>), so a file loaded before with any other mapping keeps
    /// its SourceHash and is still skipped as loaded after an upgrade (it was read again, in a new lineage, once).
    /// </summary>
    internal static string? Reading(TransactionMapping mapping, PlausibleTimeWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var text = Describe(mapping);
        var plausible = window is { } w && (w.Earliest != CleaningOptions.DefaultEarliestPlausibleTime || w.AfterNow != CleaningOptions.DefaultLatestPlausibleAfterNow)
            ? "\u001f" + Plausible(w.Earliest, w.AfterNow)
            : string.Empty;
        return text == Describe(new TransactionMapping()) && plausible.Length == 0 ? null : text + plausible;

        static string Describe(TransactionMapping m) =>
            JsonSerializer.Serialize(m, MappingJson) + "\u001fdate-formats-given=" + m.DateFormatsGiven.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A plausible-time window in a reading (CRM and transactions write it alike): earliest time + distance after now.</summary>
    private static string Plausible(DateTime earliest, TimeSpan afterNow) =>
        "plausible=" + earliest.ToString("O", CultureInfo.InvariantCulture) + "+" + afterNow.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>
    /// Mapping options added after loads recorded their reading, with the test for "default" (the value that reads files as
    /// before the option existed): left out of <see cref="Reading(TransactionMapping, PlausibleTimeWindow?)"/> when default.
    /// A new option goes here, or every file loaded with a non-default mapping is read again after the upgrade.
    /// </summary>
    internal static IReadOnlyDictionary<string, Func<TransactionMapping, bool>> AddedOptions { get; } =
        new Dictionary<string, Func<TransactionMapping, bool>>(StringComparer.Ordinal)
        {
            [nameof(TransactionMapping.InvoiceUpdates)] = m => !m.AppendInvoiceLines,
        };

    private static readonly JsonSerializerOptions MappingJson = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (info.Type != typeof(TransactionMapping))
                    {
                        return;
                    }

                    foreach (var property in info.Properties)
                    {
                        if (AddedOptions.TryGetValue(property.Name, out var isDefault))
                        {
                            property.ShouldSerialize = (mapping, _) => !isDefault((TransactionMapping)mapping);
                        }
                    }
                },
            },
        },
    };

    /// <summary>Opens the file for one sequential, streaming read.</summary>
    internal static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
}
