using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// Which source column feeds which purchase field, and how values are written. The defaults fit the Online Retail
/// layout (<c>InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country</c>). A mapping file
/// is JSON with the same property names (case-insensitive); properties left out keep their defaults, e.g.
/// <c>{ "CustomerId": "Customer Number", "DateFormats": ["dd/MM/yyyy HH:mm"], "Currency": "EUR", "Duplicates": "keep", "InvoiceUpdates": "append" }</c>.
/// </summary>
public sealed class TransactionMapping
{
    /// <summary>Header of the invoice number column.</summary>
    public string InvoiceNo { get; set; } = "InvoiceNo";

    /// <summary>Header of the product code column.</summary>
    public string StockCode { get; set; } = "StockCode";

    /// <summary>Header of the product description column (optional values).</summary>
    public string Description { get; set; } = "Description";

    /// <summary>Header of the quantity column (integer).</summary>
    public string Quantity { get; set; } = "Quantity";

    /// <summary>Header of the invoice date/time column.</summary>
    public string InvoiceDate { get; set; } = "InvoiceDate";

    /// <summary>Header of the unit price column (decimal, '.' separator in the invariant culture).</summary>
    public string UnitPrice { get; set; } = "UnitPrice";

    /// <summary>Header of the customer id column (required values).</summary>
    public string CustomerId { get; set; } = "CustomerID";

    /// <summary>Header of the country column (optional values).</summary>
    public string Country { get; set; } = "Country";

    /// <summary>Header of a per-row currency column, or null to use <see cref="Currency"/> for every row.</summary>
    public string? CurrencyColumn { get; set; }

    /// <summary>ISO 4217 currency of the file when it has no currency column.</summary>
    public string Currency { get; set; } = "GBP";

    /// <summary>
    /// Accepted date/time formats (custom .NET format strings), tried in order. Default: the ISO forms, then, with a named
    /// <see cref="Culture"/>, that culture's short date with its time patterns (<see cref="CultureDateFormats"/>); a
    /// mapping that sets this property gets exactly its own formats.
    /// </summary>
    public string[] DateFormats
    {
        get => _dateFormats;
        set
        {
            _dateFormats = value;
            DateFormatsGiven = true;
        }
    }

    private string[] _dateFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];

    /// <summary>True when <see cref="DateFormats"/> was set (by the mapping file or in code) rather than left at its default.</summary>
    [JsonIgnore]
    public bool DateFormatsGiven { get; private set; }

    /// <summary>
    /// The formats the parser tries, in order: <see cref="DateFormats"/>, then, when they were not given and the culture is
    /// a named one, <see cref="CultureDateFormats"/>. The invariant culture adds nothing (ISO only): a day-first file
    /// loaded without a culture is rejected rather than read month-first.
    /// </summary>
    [JsonIgnore]
    public string[] EffectiveDateFormats
    {
        get
        {
            var culture = CultureInfo;
            return DateFormatsGiven || culture.Name.Length == 0 ? DateFormats : [.. DateFormats.Concat(CultureDateFormats(culture)).Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// A culture's short date pattern followed by its long and short time patterns and by 24-hour <c>H:mm:ss</c> and
    /// <c>H:mm</c>, then the date alone (en-GB <c>dd/MM/yyyy HH:mm:ss</c> … <c>dd/MM/yyyy</c>, day first; en-US
    /// <c>M/d/yyyy h:mm:ss tt</c> … <c>M/d/yyyy</c>, month first). A pattern whose space is U+202F or U+00A0 (ICU writes
    /// en-US <c>h:mm\u202Ftt</c>) is also tried with a plain space, as files write it.
    /// </summary>
    public static IEnumerable<string> CultureDateFormats(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var f = culture.DateTimeFormat;
        foreach (var time in new[] { f.LongTimePattern, f.ShortTimePattern, "H:mm:ss", "H:mm" })
        {
            var format = f.ShortDatePattern + " " + time;
            yield return format;
            if (format.AsSpan().ContainsAny('\u202F', '\u00A0'))
            {
                yield return format.Replace('\u202F', ' ').Replace('\u00A0', ' ');
            }
        }

        yield return f.ShortDatePattern;
    }

    /// <summary>Culture name for numbers and dates; empty for the invariant culture.</summary>
    public string Culture { get; set; } = string.Empty;

    /// <summary>Field delimiter (one character).</summary>
    public string Delimiter { get; set; } = ",";

    /// <summary>
    /// What happens to a line whose every mapped value (after trimming and parsing) equals an earlier line's of the same file:
    /// <c>reject</c> (the default: rejected with the reason "duplicate of line N") or <c>keep</c> (loaded as a line of its own).
    /// </summary>
    public string Duplicates { get; set; } = "reject";

    /// <summary>True when <see cref="Duplicates"/> is <c>reject</c>.</summary>
    [JsonIgnore]
    public bool RejectDuplicates => string.Equals(Duplicates, "reject", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What a file's lines of an invoice that earlier loads stored do: <c>replace</c> (the default: the file's lines replace all
    /// stored lines of the invoice, so a corrected re-export with fewer lines leaves no stale line) or <c>append</c> (for
    /// sources that split an invoice across files: they are added after the stored lines, numbered on from the highest, and a
    /// line whose values equal a stored line's of the invoice is rejected as <c>duplicate of invoice line N of load L</c>).
    /// </summary>
    public string InvoiceUpdates { get; set; } = "replace";

    /// <summary>True when <see cref="InvoiceUpdates"/> is <c>append</c>.</summary>
    [JsonIgnore]
    public bool AppendInvoiceLines => string.Equals(InvoiceUpdates, "append", StringComparison.OrdinalIgnoreCase);

    /// <summary>The culture to parse with.</summary>
    [JsonIgnore]
    public CultureInfo CultureInfo => string.IsNullOrEmpty(Culture) ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(Culture);

    /// <summary>Reads a mapping file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid mapping JSON.</exception>
    public static TransactionMapping Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        TransactionMapping? mapping;
        try
        {
            using var stream = File.OpenRead(path);
            mapping = JsonSerializer.Deserialize<TransactionMapping>(stream, new JsonSerializerOptions
            {
                PropertyNameCaseInsensitive = true,
                ReadCommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: not a valid column mapping: {e.Message}", e);
        }

        if (mapping is null)
        {
            throw new InvalidDataException($"{path}: the column mapping is empty.");
        }

        mapping.Validate(path);
        return mapping;
    }

    /// <summary>Checks the mapping's own values.</summary>
    /// <exception cref="InvalidDataException">A value is not usable.</exception>
    public void Validate(string where)
    {
        if (Delimiter.Length != 1 || Delimiter[0] is '"' or '\r' or '\n')
        {
            throw new InvalidDataException($"{where}: Delimiter must be one character other than a quote or a line break, not '{Delimiter}'.");
        }

        if (Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
        {
            throw new InvalidDataException($"{where}: Currency must be an ISO 4217 code of three capital letters, not '{Currency}'.");
        }

        if (!Cleaning.CurrencyCodes.IsActive(Currency))
        {
            throw new InvalidDataException($"{where}: Currency '{Currency}' is not an active ISO 4217 currency code.");
        }

        if (!string.Equals(Duplicates, "reject", StringComparison.OrdinalIgnoreCase) && !string.Equals(Duplicates, "keep", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{where}: Duplicates must be 'reject' or 'keep', not '{Duplicates}'.");
        }

        if (!string.Equals(InvoiceUpdates, "replace", StringComparison.OrdinalIgnoreCase) && !string.Equals(InvoiceUpdates, "append", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{where}: InvoiceUpdates must be 'replace' or 'append', not '{InvoiceUpdates}'.");
        }

        if (DateFormats is null || DateFormats.Length == 0)
        {
            throw new InvalidDataException($"{where}: DateFormats must list at least one format.");
        }

        if (DateFormats.FirstOrDefault(f => string.IsNullOrWhiteSpace(f) || !Cleaning.DateTimeRules.IsUsableFormat(f)) is { } bad)
        {
            throw new InvalidDataException($"{where}: DateFormats: '{bad}' is not a valid .NET date format (a single letter must be a standard format such as d; quotes must be closed).");
        }

        try
        {
            _ = CultureInfo;
        }
        catch (CultureNotFoundException e)
        {
            throw new InvalidDataException($"{where}: unknown Culture '{Culture}'.", e);
        }
    }
}
