using System.Globalization;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;

namespace Warehouse.Data.Tests.Loading;

/// <summary>
/// Dictionary-coded purchase staging (<see cref="PurchaseMigration.Stage(DuckDbLoadSession, IEnumerable{PurchaseStagingRow})"/>):
/// the star schema it yields is what the lines say, and stays the same when the value → id map starts over every
/// two values (so a value has many ids), which is what bounds its memory on huge files. The lines include placeholders of
/// rejected lines (numbered, never loaded) and exact copies of earlier lines (rejected as duplicates); the expected
/// InvoiceLineNumber is computed here the way the parser numbered lines before the engine did (one counter per invoice
/// over every line in file order).
/// </summary>
public sealed class PurchaseStagingTests
{
    [Fact]
    public void Coded_lines_resolve_to_the_facts_products_and_customers_the_lines_describe()
    {
        var all = Lines(seed: 7, count: 600);
        var numbers = OldNumbers(all);
        var firsts = FirstOccurrences(all);
        var lines = all.Where(l => !l.IsRejected && firsts[l.SourceLineNumber] == l.SourceLineNumber).ToList();
        Assert.InRange(all.Count - lines.Count - all.Count(l => l.IsRejected), 20, 80); // duplicates present
        using var warehouse = Load(all, PurchaseMigration.MaxTextEntries);
        var db = warehouse.Connection;

        Assert.Equal(lines.Count, db.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(lines.Sum(l => l.Quantity * l.UnitPrice), db.ExecuteScalar<decimal>("SELECT sum(\"Amount\") FROM \"Fact\".\"Purchase\""));
        var duplicates = all.Where(l => !l.IsRejected && firsts[l.SourceLineNumber] != l.SourceLineNumber)
            .Select(l => (l.SourceLineNumber, $"duplicate of line {firsts[l.SourceLineNumber]}")).ToList();
        Assert.Equal(duplicates, db.Query<(long, string)>(
            "SELECT \"SourceLineNumber\", \"Reason\" FROM \"Integration\".\"RejectedPurchase\" WHERE \"ColumnName\" IS NULL ORDER BY 1"));
        // Keys follow file order: the facts in key order are the loaded lines in file order, with the old numbers.
        Assert.Equal(lines.Select(l => $"{l.InvoiceNo}/{numbers[l.SourceLineNumber]}"), db.Query<string>(
            "SELECT \"InvoiceNo\" || '/' || \"InvoiceLineNumber\" FROM \"Fact\".\"Purchase\" ORDER BY \"PurchaseKey\""));
        var facts = db.Query<(string InvoiceNo, int Line, string StockCode, string? Crm, string Country, string Currency, bool Cancel)>("""
            SELECT f."InvoiceNo", f."InvoiceLineNumber", p."StockCode", c."CrmCustomerId", g."Country", f."CurrencyCode", f."IsCancellation"
            FROM "Fact"."Purchase" AS f
            JOIN "Dimension"."Product" AS p ON p."ProductKey" = f."ProductKey"
            JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = f."CustomerKey"
            JOIN "Dimension"."Geography" AS g ON g."GeographyKey" = f."GeographyKey"
            """).ToDictionary(f => (f.InvoiceNo, f.Line));
        foreach (var l in lines)
        {
            var f = facts[(l.InvoiceNo, numbers[l.SourceLineNumber])];
            Assert.Equal((l.StockCode, l.CrmCustomerId, l.Country ?? "Unknown", l.CurrencyCode, l.IsCancellation), (f.StockCode, f.Crm, f.Country, f.Currency, f.Cancel));
        }

        // Type 1 products: the description of the last loaded line that has one (rejected lines and duplicates count for
        // nothing); none when no line has one.
        var expected = lines.GroupBy(l => l.StockCode).ToDictionary(g => g.Key, g => g.LastOrDefault(l => l.Description is not null)?.Description);
        var products = db.Query<(string StockCode, string? Description)>("SELECT \"StockCode\", \"Description\" FROM \"Dimension\".\"Product\" WHERE \"ProductKey\" <> 0")
            .ToDictionary(p => p.StockCode, p => p.Description);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), products.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(lines.Select(l => l.CrmCustomerId).Distinct().Count(),
            db.ExecuteScalar<long>("SELECT count(*) FROM \"Dimension\".\"Customer\" WHERE \"CustomerKey\" <> 0"));
    }

    [Fact]
    public void Lines_out_of_file_order_are_refused_and_the_load_writes_nothing()
    {
        // Fact keys are first + line - first line, so a repeated line number would give two facts one key.
        var lines = Lines(seed: 3, count: 20);
        lines[10].SourceLineNumber = lines[9].SourceLineNumber;
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        using (var session = DuckDbLoadSession.Begin(warehouse, "transactions", "lines.csv", null, "Fact.Purchase"))
        {
            var error = Assert.Throws<ArgumentException>(() => PurchaseMigration.Stage(session, lines));
            Assert.Contains($"line {lines[9].SourceLineNumber} follows line {lines[9].SourceLineNumber}", error.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => session.Complete(20, 20, 0, null, null));
        }

        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Fact\".\"Purchase\""));
        Assert.Equal(0, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"Lineage\""));
    }

    [Fact]
    public void Keeping_duplicates_loads_every_accepted_line_with_the_same_numbers()
    {
        var all = Lines(seed: 5, count: 400);
        var numbers = OldNumbers(all);
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        using (var session = DuckDbLoadSession.Begin(warehouse, "transactions", "lines.csv", null, "Fact.Purchase"))
        {
            var staged = PurchaseMigration.Stage(session, all);
            Assert.Equal(all.Count(l => !l.IsRejected), staged);
            Assert.Equal(0, PurchaseMigration.Run(session, rejectDuplicates: false).DuplicatesRejected);
            session.Complete(staged, staged, 0, null, null);
        }

        Assert.Equal(all.Where(l => !l.IsRejected).Select(l => $"{l.InvoiceNo}/{numbers[l.SourceLineNumber]}"), warehouse.Connection.Query<string>(
            "SELECT \"InvoiceNo\" || '/' || \"InvoiceLineNumber\" FROM \"Fact\".\"Purchase\" ORDER BY \"PurchaseKey\""));
    }

    [Fact]
    public void A_value_map_that_starts_over_every_two_values_gives_the_same_warehouse()
    {
        // Numbers and duplicates compare values: with the map starting over, one invoice or product has many ids.
        var lines = Lines(seed: 11, count: 900);
        using var bounded = Load(lines, maxTextEntries: 2);
        using var unbounded = Load(lines, PurchaseMigration.MaxTextEntries);
        Assert.Equal(FirstOccurrences(lines).Count(f => f.Key != f.Value && !lines.Single(l => l.SourceLineNumber == f.Key).IsRejected),
            bounded.Connection.ExecuteScalar<long>("SELECT count(*) FROM \"Integration\".\"RejectedPurchase\""));

        foreach (var query in new[]
        {
            "SELECT * EXCLUDE (\"LineageKey\") FROM \"Fact\".\"Purchase\" ORDER BY \"PurchaseKey\"",
            "SELECT * EXCLUDE (\"LineageKey\") FROM \"Dimension\".\"Product\" ORDER BY \"ProductKey\"",
            "SELECT \"CustomerKey\", \"CrmCustomerId\", \"Country\", \"GeographyKey\", \"ValidFrom\" FROM \"Dimension\".\"Customer\" ORDER BY \"CustomerKey\"",
            "SELECT \"GeographyKey\", \"Country\" FROM \"Dimension\".\"Geography\" ORDER BY \"GeographyKey\"",
            "SELECT \"SourceLineNumber\", \"Reason\" FROM \"Integration\".\"RejectedPurchase\" ORDER BY 1",
        })
        {
            Assert.Equal(Rows(unbounded, query), Rows(bounded, query));
        }
    }

    private static DuckDbWarehouse Load(IReadOnlyList<PurchaseStagingRow> lines, int maxTextEntries)
    {
        var warehouse = DuckDbWarehouse.Open(":memory:");
        using var session = DuckDbLoadSession.Begin(warehouse, "transactions", "lines.csv", null, "Fact.Purchase");
        var staged = PurchaseMigration.Stage(session, lines, maxTextEntries);
        var duplicates = PurchaseMigration.Run(session).DuplicatesRejected;
        session.Complete(staged, staged - duplicates, duplicates, null, null);
        return warehouse;
    }

    private static List<string> Rows(DuckDbWarehouse warehouse, string query) =>
        warehouse.Connection.Query(query).Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();

    /// <summary>The parser's numbering before the engine numbered lines: per invoice, one counter over every line (placeholders too) in file order.</summary>
    private static Dictionary<long, int> OldNumbers(IEnumerable<PurchaseStagingRow> lines)
    {
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var numbers = new Dictionary<long, int>();
        foreach (var l in lines)
        {
            numbers[l.SourceLineNumber] = counters[l.InvoiceNo] = counters.GetValueOrDefault(l.InvoiceNo) + 1;
        }

        return numbers;
    }

    /// <summary>Per accepted line, the first accepted line with the same values (itself when none is earlier).</summary>
    private static Dictionary<long, long> FirstOccurrences(IEnumerable<PurchaseStagingRow> lines)
    {
        var first = new Dictionary<(string, string, string?, int, DateTime, decimal, string, string?, string), long>();
        var result = new Dictionary<long, long>();
        foreach (var l in lines.Where(l => !l.IsRejected))
        {
            var key = (l.InvoiceNo, l.StockCode, l.Description, l.Quantity, l.InvoiceDateTime, l.UnitPrice, l.CrmCustomerId, l.Country, l.CurrencyCode);
            result[l.SourceLineNumber] = first.TryAdd(key, l.SourceLineNumber) ? l.SourceLineNumber : first[key];
        }

        return result;
    }

    /// <summary>
    /// Random lines with repeated invoices, products, customers and countries; every text a fresh string instance. About one
    /// line in eight is a rejected line's placeholder, one in fifteen a copy of an earlier line's values (a duplicate).
    /// </summary>
    private static List<PurchaseStagingRow> Lines(int seed, int count)
    {
        var random = new Random(seed);
        var lines = new List<PurchaseStagingRow>();
        string[] countries = ["United Kingdom", "France", "Ünïted \"Kingdom\"", "EIRE"];
        var invoice = 536000;
        for (var i = 0; i < count; i++)
        {
            if (random.Next(4) == 0)
            {
                invoice++;
            }

            var cancel = random.Next(10) == 0;
            var invoiceNo = string.Concat(cancel ? "C" : string.Empty, invoice.ToString(CultureInfo.InvariantCulture));
            var stock = random.Next(25);
            if (i > 10 && random.Next(15) == 0 && lines[random.Next(i)] is { IsRejected: false } copied)
            {
                lines.Add(new PurchaseStagingRow
                {
                    SourceName = "lines.csv", SourceLineNumber = i + 2, InvoiceNo = new string(copied.InvoiceNo.AsSpan()),
                    StockCode = new string(copied.StockCode.AsSpan()), Description = copied.Description is null ? null : new string(copied.Description.AsSpan()),
                    Quantity = copied.Quantity, InvoiceDateTime = copied.InvoiceDateTime, UnitPrice = copied.UnitPrice,
                    CrmCustomerId = new string(copied.CrmCustomerId.AsSpan()), Country = copied.Country, CurrencyCode = copied.CurrencyCode,
                    IsCancellation = copied.IsCancellation, LineageKey = 1,
                });
                continue;
            }

            lines.Add(new PurchaseStagingRow
            {
                SourceName = "lines.csv",
                SourceLineNumber = i + 2,
                InvoiceNo = invoiceNo,
                IsRejected = random.Next(8) == 0,
                StockCode = string.Concat("SKU-", stock.ToString(CultureInfo.InvariantCulture)),
                Description = random.Next(5) == 0 ? null : string.Concat("Item ", stock.ToString(CultureInfo.InvariantCulture), " v", random.Next(3).ToString(CultureInfo.InvariantCulture)),
                Quantity = cancel ? -random.Next(1, 20) : random.Next(1, 20),
                InvoiceDateTime = new DateTime(2011, 1, 1).AddMinutes(i * 97),
                UnitPrice = random.Next(1, 100_000) / 1000m,
                CrmCustomerId = string.Concat("C", random.Next(40).ToString(CultureInfo.InvariantCulture)),
                Country = random.Next(8) == 0 ? null : new string(countries[random.Next(countries.Length)].AsSpan()),
                CurrencyCode = random.Next(6) == 0 ? "EUR" : "GBP",
                IsCancellation = cancel,
                LineageKey = 1,
            });
        }

        return lines;
    }
}
