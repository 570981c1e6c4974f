using System.Globalization;
using System.Runtime.CompilerServices;
using Warehouse.Data.Loading;
using Warehouse.Etl.Cleaning;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Sources.Csv;

namespace Warehouse.Etl.Transactions;

/// <summary>
/// Turns the records of a purchase transactions CSV into staging rows, validating every value with an explicit
/// culture; a row that cannot be loaded is handed to the reject callback with the column and the reason, never
/// dropped. Rules (documented in README):
/// <list type="bullet">
/// <item>InvoiceNo, StockCode: required, trimmed, at most 20 / 50 characters. An InvoiceNo starting with C is a
/// cancellation: kept as a line with its (negative) quantity and IsCancellation = 1, so sums net it out.</item>
/// <item>CustomerID: required (a purchase without a customer cannot be segmented); trimmed; a trailing ".0" written by
/// spreadsheet exports is removed.</item>
/// <item>Quantity: integer; UnitPrice: decimal with at most 4 decimals; Quantity × UnitPrice must fit DECIMAL(18, 4). A named
/// culture's thousands separator only where the culture groups digits (<see cref="Cleaning.NumberGrouping"/>); none with the
/// invariant culture.</item>
/// <item>InvoiceDate: one of the mapping's formats (by default ISO, then a named culture's short date and time patterns,
/// <see cref="TransactionMapping.EffectiveDateFormats"/>), no time zone (source local time); outside the plausible window
/// (<see cref="PlausibleTimeWindow"/>, default 1990-01-01 to now + 1 day) the row is rejected.</item>
/// <item>Description, Country: optional, stored exactly as given (Description keeps trailing spaces); Country trimmed.</item>
/// </list>
/// InvoiceLineNumber counts every record of the invoice in file order, rejected ones included, so a line keeps its
/// number when a neighbouring line is fixed and reloaded. The engine numbers the lines when it migrates them (the parser
/// keeps nothing per invoice, so its memory does not grow with the file): besides the accepted lines, the parser yields
/// a placeholder (<see cref="PurchaseStagingRow.IsRejected"/>) for every rejected record whose invoice number could be
/// read (a record with the wrong number of fields or a missing or too long invoice number counts for no invoice).
/// </summary>
public sealed class TransactionCsvParser
{
    private const int MaxCacheEntries = 1 << 16;
    private const int MaxCachedDateChars = 32;
    private static readonly decimal MaxAmount = 99_999_999_999_999.9999m;

    private readonly TransactionMapping _mapping;
    private readonly CultureInfo _culture;
    // One cache per column: consecutive lines of an invoice repeat its number, customer, country and date, so most lookups
    // end at the column's last value without hashing; a stock code's slot remembers its last description (the same text
    // on almost every line of that product), so descriptions are compared, not hashed.
    private readonly StringCache _invoices = new();
    private readonly StringCache _customers = new();
    private readonly StringCache _stocks = new();
    private readonly StringCache _descriptions = new();
    private readonly StringCache _countries = new();
    private readonly StringCache _currencies = new();
    private readonly char[] _lastDateText = new char[MaxCachedDateChars];
    private int _lastDateLength = -1;
    private DateTime _lastDate;
    private readonly bool _invariant;
    private readonly NumberStyles _integerStyle;
    private readonly NumberStyles _decimalStyle;
    private readonly bool _spaceGroups;
    private readonly char _groupSeparator;
    private readonly bool _checkGroups;
    private readonly string _decimalSeparator;
    private readonly int[] _groupSizes;
    private readonly string[] _dateFormats;
    private readonly string _dateFormatList;
    private readonly bool _isoDate;
    private readonly bool _isoMinutes;
    private readonly bool _isoSeconds;
    private readonly bool _isoT;
    private readonly PlausibleTimeWindow _window;
    private readonly long _earliestTicks;
    private readonly long _latestTicks;

    /// <summary>Creates a parser for one file.</summary>
    /// <param name="mapping">Columns and formats.</param>
    /// <param name="window">Plausible invoice times (file local time compared as it is); null: the default window taken now
    /// (<see cref="CleaningOptions.TimeWindow"/>: 1990-01-01 to now + 1 day).</param>
    public TransactionCsvParser(TransactionMapping mapping, PlausibleTimeWindow? window = null)
    {
        _mapping = mapping ?? throw new ArgumentNullException(nameof(mapping));
        _window = window ?? CleaningOptions.Default.TimeWindow();
        _earliestTicks = _window.Earliest.Ticks;
        _latestTicks = _window.Latest.Ticks;
        _culture = mapping.CultureInfo;
        _invariant = ReferenceEquals(_culture, CultureInfo.InvariantCulture);
        var format = _culture.NumberFormat;
        var group = format.NumberGroupSeparator;
        _groupSeparator = group.Length == 1 ? group[0] : '\0';
        // A named culture's thousands separator is accepted (1.234,50 in de-DE) where that culture groups digits, checked per
        // value (NumberGrouping: .NET alone reads en-GB 1,5 as 15); the invariant culture keeps plain numbers, and so does a
        // culture whose separator is not one character (not checkable by position).
        _checkGroups = !_invariant && _groupSeparator != '\0';
        _integerStyle = _checkGroups ? NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands : NumberStyles.AllowLeadingSign;
        _decimalStyle = _integerStyle | NumberStyles.AllowDecimalPoint;
        _decimalSeparator = format.NumberDecimalSeparator;
        _groupSizes = format.NumberGroupSizes;
        // fr-FR groups with U+202F (narrow no-break space), others with U+00A0; files write either, or a plain space.
        _spaceGroups = !_invariant && _groupSeparator is ' ' or '\u00A0' or '\u202F';
        var formats = mapping.DateFormats;
        _dateFormats = mapping.EffectiveDateFormats;
        // The reason lists the formats as a reader would type them (the plain-space twin of a U+202F pattern).
        _dateFormatList = string.Join(" or ", _dateFormats.Where(f => !f.AsSpan().ContainsAny('\u202F', '\u00A0')));
        _isoDate = formats.Contains("yyyy-MM-dd");
        _isoMinutes = formats.Contains("yyyy-MM-dd HH:mm");
        _isoSeconds = formats.Contains("yyyy-MM-dd HH:mm:ss");
        _isoT = formats.Contains("yyyy-MM-dd'T'HH:mm:ss");
    }

    /// <summary>Data records read so far (the header is not counted).</summary>
    public long RowsRead { get; private set; }

    /// <summary>Rows handed to the reject callback so far.</summary>
    public long RowsRejected { get; private set; }

    /// <summary>Accepted rows yielded so far (placeholders of rejected rows not counted).</summary>
    public long RowsAccepted { get; private set; }

    /// <summary>
    /// Reads the file and yields accepted rows and, after its reject callback, the placeholder
    /// (<see cref="PurchaseStagingRow.IsRejected"/>) of every rejected row whose invoice number could be read, in file order;
    /// the same row instance is reused, consume it before moving on.
    /// </summary>
    /// <param name="reader">The CSV reader, positioned before the header.</param>
    /// <param name="sourceName">File name stored with the rows.</param>
    /// <param name="lineageKey">The load.</param>
    /// <param name="reject">Receives (line, column, reason, raw record) of every rejected row.</param>
    /// <exception cref="CsvFormatException">The file is malformed, or its header lacks a mapped column (the error names the
    /// expected column and the position of the header column that matched nothing).</exception>
    public IEnumerable<PurchaseStagingRow> Parse(CsvRecordReader reader, string sourceName, int lineageKey, Action<long, string?, string, string> reject)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(reject);
        if (!reader.Read())
        {
            throw new CsvFormatException(sourceName, 1, 0, "the file is empty (a header line is required)");
        }

        var columns = ResolveHeader(reader, sourceName);
        var row = new PurchaseStagingRow { SourceName = sourceName, LineageKey = lineageKey, CurrencyCode = _mapping.Currency };
        while (reader.Read())
        {
            RowsRead++;
            var failure = reader.RecordTooLong ? TooLong(reader) : Fill(reader, columns, row);
            if (failure is { } f)
            {
                RowsRejected++;
                reject(reader.LineNumber, f.Column, f.Reason, reader.GetRawRecord(SourceReject.MaxRawRecordChars));
                if (f.InvoiceRead)
                {
                    yield return Placeholder(row, reader.LineNumber);
                }

                continue;
            }

            RowsAccepted++;
            yield return row;
        }
    }

    /// <summary>Turns <paramref name="row"/> (its invoice number and cancellation flag already set) into a rejected line's placeholder.</summary>
    private PurchaseStagingRow Placeholder(PurchaseStagingRow row, long line)
    {
        row.IsRejected = true;
        row.SourceLineNumber = line;
        row.StockCode = string.Empty;
        row.Description = null;
        row.Quantity = 0;
        row.UnitPrice = 0;
        row.InvoiceDateTime = default;
        row.CrmCustomerId = string.Empty;
        row.Country = null;
        row.CurrencyCode = _mapping.Currency;
        return row;
    }

    /// <summary>A record over the reader's limit: no column (the record as a whole is too large), counted for no invoice.</summary>
    private static Failure TooLong(CsvRecordReader reader) =>
        new(null, string.Create(CultureInfo.InvariantCulture, $"record longer than {reader.MaxRecordChars:N0} characters (the limit per record); not read"));

    private Columns ResolveHeader(CsvRecordReader reader, string sourceName)
    {
        if (reader.RecordTooLong)
        {
            throw new CsvFormatException(sourceName, reader.LineNumber, 0,
                string.Create(CultureInfo.InvariantCulture, $"the header is longer than {reader.MaxRecordChars:N0} characters"));
        }

        var header = new List<string>(reader.FieldCount);
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var name = reader.GetString(i).Trim().TrimStart('\uFEFF');
            header.Add(name);
            if (name.Length > 0 && !names.TryAdd(name, i))
            {
                // A repeated name (e.g. Country twice): which column the mapping means is a guess, so the file is refused.
                throw new CsvFormatException(sourceName, reader.LineNumber, i + 1,
                    string.Create(CultureInfo.InvariantCulture, $"column name '{name}' appears twice in the header (columns {names[name] + 1} and {i + 1}; names compare without case)"));
            }
        }

        (string? Mapped, string Field)[] wanted =
        [
            (_mapping.InvoiceNo, nameof(_mapping.InvoiceNo)), (_mapping.StockCode, nameof(_mapping.StockCode)),
            (_mapping.Description, nameof(_mapping.Description)), (_mapping.Quantity, nameof(_mapping.Quantity)),
            (_mapping.InvoiceDate, nameof(_mapping.InvoiceDate)), (_mapping.UnitPrice, nameof(_mapping.UnitPrice)),
            (_mapping.CustomerId, nameof(_mapping.CustomerId)), (_mapping.Country, nameof(_mapping.Country)),
            (_mapping.CurrencyColumn, nameof(_mapping.CurrencyColumn)),
        ];
        var positions = new int[wanted.Length];
        var claimed = new HashSet<int>();
        for (var f = 0; f < wanted.Length; f++)
        {
            positions[f] = wanted[f].Mapped is { } mapped && names.TryGetValue(mapped, out var index) ? index : -1;
            claimed.Add(positions[f]);
        }

        for (var f = 0; f < wanted.Length; f++)
        {
            if (positions[f] < 0 && wanted[f].Mapped is { } missing)
            {
                var (position, found) = HeaderMismatch.Locate(header, claimed);
                throw new CsvFormatException(sourceName, reader.LineNumber, position,
                    $"wrong header: no column '{missing}' (mapped to {wanted[f].Field}); {found}; the header has: {HeaderMismatch.List(header)}");
            }
        }

        return new Columns(reader.FieldCount, positions[0], positions[1], positions[2], positions[3], positions[4], positions[5], positions[6],
            positions[7], positions[8], _mapping);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Failure? Fill(CsvRecordReader reader, Columns c, PurchaseStagingRow row)
    {
        if (reader.FieldCount != c.Count)
        {
            return new Failure(null, $"expected {c.Count} fields, found {reader.FieldCount}");
        }

        var invoice = reader.GetSpan(c.InvoiceNo).Trim();
        if (invoice.IsEmpty)
        {
            return new Failure(c.Names.InvoiceNo, "required value is missing");
        }

        if (invoice.Length > 20)
        {
            return new Failure(c.Names.InvoiceNo, $"longer than 20 characters ({invoice.Length})");
        }

        var invoiceNo = reader.NeedsUnescape(c.InvoiceNo) ? reader.GetString(c.InvoiceNo).Trim() : _invoices.Get(invoice).Value;
        row.InvoiceNo = invoiceNo;
        row.IsCancellation = invoiceNo[0] is 'C' or 'c';
        if (Validate(reader, c, row) is { } failure)
        {
            return failure with { InvoiceRead = true };
        }

        return null;
    }

    /// <summary>Checks and sets the fields after the invoice number; null when the row is accepted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Failure? Validate(CsvRecordReader reader, Columns c, PurchaseStagingRow row)
    {
        var customer = reader.GetSpan(c.CustomerId).Trim();
        if (customer.EndsWith(".0", StringComparison.Ordinal))
        {
            customer = customer[..^2];
        }

        if (customer.IsEmpty)
        {
            return new Failure(c.Names.CustomerId, "missing customer id");
        }

        if (customer.Length > 50)
        {
            return new Failure(c.Names.CustomerId, $"longer than 50 characters ({customer.Length})");
        }

        var stock = reader.GetSpan(c.StockCode).Trim();
        if (stock.IsEmpty)
        {
            return new Failure(c.Names.StockCode, "required value is missing");
        }

        if (stock.Length > 50)
        {
            return new Failure(c.Names.StockCode, $"longer than 50 characters ({stock.Length})");
        }

        var quantityText = reader.GetSpan(c.Quantity).Trim();
        Span<char> quantityScratch = stackalloc char[_spaceGroups ? Math.Min(quantityText.Length, 64) : 0];
        var quantitySpan = SpaceGroups(quantityText, quantityScratch);
        if (!int.TryParse(quantitySpan, _integerStyle, _culture, out var quantity))
        {
            return new Failure(c.Names.Quantity, quantityText.IsEmpty ? "required value is missing" : $"not an integer: '{Clip(quantityText)}'");
        }

        if (_checkGroups && !Cleaning.NumberGrouping.IsWellGrouped(quantitySpan, _groupSeparator, _decimalSeparator, _groupSizes))
        {
            return new Failure(c.Names.Quantity, Cleaning.NumberGrouping.Reason(Clip(quantityText), _culture));
        }

        var priceText = reader.GetSpan(c.UnitPrice).Trim();
        Span<char> priceScratch = stackalloc char[_spaceGroups ? Math.Min(priceText.Length, 64) : 0];
        if (!(_invariant && FastParse.TryDecimal(priceText, out var price)))
        {
            var priceSpan = SpaceGroups(priceText, priceScratch);
            if (!decimal.TryParse(priceSpan, _decimalStyle, _culture, out price))
            {
                return new Failure(c.Names.UnitPrice, priceText.IsEmpty ? "required value is missing" : $"not a decimal number: '{Clip(priceText)}'");
            }

            if (_checkGroups && !Cleaning.NumberGrouping.IsWellGrouped(priceSpan, _groupSeparator, _decimalSeparator, _groupSizes))
            {
                return new Failure(c.Names.UnitPrice, Cleaning.NumberGrouping.Reason(Clip(priceText), _culture));
            }
        }

        if (price.Scale > 4 && decimal.Round(price, 4) != price)
        {
            return new Failure(c.Names.UnitPrice, $"more than 4 decimal places: '{Clip(priceText)}'");
        }

        if (Math.Abs(price) > MaxAmount || Math.Abs(price * quantity) > MaxAmount)
        {
            return new Failure(c.Names.UnitPrice, "quantity × price is out of range for DECIMAL(18, 4)");
        }

        var dateText = reader.GetSpan(c.InvoiceDate).Trim();
        DateTime invoiceTime;
        if (_lastDateLength >= 0 && dateText.SequenceEqual(_lastDateText.AsSpan(0, _lastDateLength)))
        {
            invoiceTime = _lastDate;
        }
        else
        {
            if (!FastParse.TryIsoDateTime(dateText, _isoDate, _isoMinutes, _isoSeconds, _isoT, out invoiceTime)
                && !DateTime.TryParseExact(dateText, _dateFormats, _culture, DateTimeStyles.None, out invoiceTime))
            {
                return new Failure(c.Names.InvoiceDate, dateText.IsEmpty
                    ? "required value is missing"
                    : $"not a date/time in the format {_dateFormatList}: '{Clip(dateText)}'");
            }

            if (dateText.Length <= MaxCachedDateChars)
            {
                dateText.CopyTo(_lastDateText);
                _lastDateLength = dateText.Length;
                _lastDate = invoiceTime;
            }
        }

        // Implausible dates (year 1, 9999, next year) are rejected: one compare per bound on ticks.
        if (invoiceTime.Ticks < _earliestTicks || invoiceTime.Ticks > _latestTicks)
        {
            return new Failure(c.Names.InvoiceDate, _window.Reason(invoiceTime));
        }

        var stockSlot = reader.NeedsUnescape(c.StockCode) ? null : _stocks.Get(stock);
        string? description = null;
        var descriptionSpan = reader.GetSpan(c.Description);
        if (!descriptionSpan.IsEmpty)
        {
            if (descriptionSpan.Length > 400)
            {
                return new Failure(c.Names.Description, $"longer than 400 characters ({descriptionSpan.Length})");
            }

            if (reader.NeedsUnescape(c.Description))
            {
                description = reader.GetString(c.Description);
            }
            else if (stockSlot?.Companion is { } known && descriptionSpan.SequenceEqual(known))
            {
                description = known;
            }
            else
            {
                description = _descriptions.Get(descriptionSpan).Value;
                if (stockSlot is not null)
                {
                    stockSlot.Companion = description;
                }
            }
        }

        string? country = null;
        var countrySpan = reader.GetSpan(c.Country).Trim();
        if (!countrySpan.IsEmpty)
        {
            if (countrySpan.Length > 100)
            {
                return new Failure(c.Names.Country, $"longer than 100 characters ({countrySpan.Length})");
            }

            country = reader.NeedsUnescape(c.Country) ? reader.GetString(c.Country).Trim() : _countries.Get(countrySpan).Value;
        }

        if (c.Currency >= 0)
        {
            var currency = reader.GetSpan(c.Currency).Trim();
            if (currency.Length != 3 || !IsUpperAscii(currency))
            {
                return new Failure(_mapping.CurrencyColumn, $"not an ISO 4217 currency code: '{Clip(currency)}'");
            }

            if (!Cleaning.CurrencyCodes.IsActive(currency))
            {
                return new Failure(_mapping.CurrencyColumn, $"not an active ISO 4217 currency code: '{Clip(currency)}'");
            }

            row.CurrencyCode = _currencies.Get(currency).Value;
        }

        row.IsRejected = false;
        row.SourceLineNumber = reader.LineNumber;
        row.CrmCustomerId = reader.NeedsUnescape(c.CustomerId) ? reader.GetString(c.CustomerId).Trim() : _customers.Get(customer).Value;
        row.StockCode = stockSlot?.Value ?? reader.GetString(c.StockCode).Trim();
        row.Description = description;
        row.Quantity = quantity;
        row.UnitPrice = price;
        row.InvoiceDateTime = invoiceTime;
        row.Country = country;
        return null;
    }

    /// <summary>
    /// For a culture grouping digits with a space-like separator: any of space, U+00A0 and U+202F written as the culture's
    /// own (.NET accepts only the exact character). Other cultures, and values longer than the scratch, pass unchanged.
    /// </summary>
    private ReadOnlySpan<char> SpaceGroups(ReadOnlySpan<char> text, Span<char> scratch)
    {
        if (!_spaceGroups || text.Length > scratch.Length || text.IndexOfAny(' ', '\u00A0', '\u202F') < 0)
        {
            return text;
        }

        for (var i = 0; i < text.Length; i++)
        {
            scratch[i] = text[i] is ' ' or '\u00A0' or '\u202F' ? _groupSeparator : text[i];
        }

        return scratch[..text.Length];
    }

    private static bool IsUpperAscii(ReadOnlySpan<char> text)
    {
        foreach (var ch in text)
        {
            if (!char.IsAsciiLetterUpper(ch))
            {
                return false;
            }
        }

        return true;
    }

    private static string Clip(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..60], "…");

    /// <summary>Why a row is rejected; <paramref name="InvoiceRead"/>: its invoice number was read (it holds a line of the invoice).</summary>
    private readonly record struct Failure(string? Column, string Reason, bool InvoiceRead = false);

    private sealed record Columns(int Count, int InvoiceNo, int StockCode, int Description, int Quantity, int InvoiceDate, int UnitPrice,
        int CustomerId, int Country, int Currency, TransactionMapping Names);

    /// <summary>
    /// Interns one column's values without allocating on a hit: the last value is checked first (no hashing), then a
    /// dictionary of at most <see cref="MaxCacheEntries"/> values (emptied when full, so memory stays bounded whatever the file).
    /// </summary>
    private sealed class StringCache
    {
        private readonly Dictionary<string, Slot> _map = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Slot>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private Slot? _last;

        public StringCache() => _lookup = _map.GetAlternateLookup<ReadOnlySpan<char>>();

        public Slot Get(ReadOnlySpan<char> text)
        {
            if (_last is { } last && text.SequenceEqual(last.Value))
            {
                return last;
            }

            if (!_lookup.TryGetValue(text, out var slot))
            {
                if (_map.Count >= MaxCacheEntries)
                {
                    _map.Clear();
                }

                slot = new Slot(text.ToString());
                _map.Add(slot.Value, slot);
            }

            _last = slot;
            return slot;
        }
    }

    /// <summary>An interned value and, for stock codes, the last description read with it.</summary>
    private sealed class Slot(string value)
    {
        public string Value { get; } = value;

        public string? Companion { get; set; }
    }
}
