using Dapper;
using Warehouse.Data.DuckDb;

namespace Warehouse.Reports.Tests;

/// <summary>One customer of the synthetic warehouse, with the values written to Segmentation.CustomerFeature.</summary>
public sealed record SyntheticCustomer(
    int CustomerKey, int SegmentKey, string Country, int RecencyDays, int Frequency, decimal MonetaryValue,
    decimal AverageOrderValue, int TenureDays, double CancellationRate, decimal? CustomerLifetimeValue, int WebSessions,
    double WebEngagement, double WebConversionRate, int SocialComments, double SocialSentiment, int? Age, double SocialNegativeShare = 0);

/// <summary>
/// Builds a small in-memory DuckDB warehouse with planted segments: customers, one finished model run of the
/// configuration "default" with three segments, memberships, feature snapshot and purchase lines. Values are drawn
/// from a seeded generator and kept in <see cref="Customers"/> so tests can compute expectations directly.
/// </summary>
public sealed class SyntheticWarehouse : IDisposable
{
    public const string Configuration = "default";
    public const int AsOfDateKey = 20111210;
    public const int RunKey = 1;

    private SyntheticWarehouse(DuckDbWarehouse warehouse, List<SyntheticCustomer> customers)
    {
        Warehouse = warehouse;
        Customers = customers;
    }

    public DuckDbWarehouse Warehouse { get; }

    public IReadOnlyList<SyntheticCustomer> Customers { get; }

    /// <summary>Purchase lines written: customer, product key, channel key, amount (all non-cancelled).</summary>
    public List<(int CustomerKey, int ProductKey, int ChannelKey, decimal Amount)> Lines { get; } = [];

    public static readonly string[] SegmentNames = ["Segment A", "Segment B", "Segment C"];

    public static SyntheticWarehouse Create(int customersPerSegment = 60, int seed = 7, string path = ":memory:")
    {
        var random = new Random(seed);
        var warehouse = DuckDbWarehouse.Open(path);
        var db = warehouse.Connection;
        db.Execute("""
            INSERT INTO "Dimension"."Date" ("DateKey", "Date", "DayNumber", "Year", "Quarter", "Month", "MonthName", "DayOfMonth", "DayOfWeek", "DayName", "IsoWeek", "IsWeekend")
            SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER), d, 40542 + i, 2011, 1, 1, 'x', 1, 1, 'x', 1, false
            FROM (SELECT range AS i, DATE '2011-01-01' + CAST(range AS INTEGER) AS d FROM range(365))
            """);
        db.Execute("""INSERT INTO "Dimension"."Channel" VALUES (0, 'unknown', 'Unknown'), (1, 'web', 'Web shop'), (2, 'store', 'Store'), (3, 'phone', 'Phone')""");
        db.Execute("""
            INSERT INTO "Dimension"."Product" ("ProductKey", "StockCode", "Description", "Category", "LineageKey")
            SELECT range, 'P' || range, 'Product ' || range, 'Category ' || (range % 3), 1 FROM range(1, 11)
            """);
        db.Execute("""
            INSERT INTO "Segmentation"."ModelRun" ("ModelRunKey", "ConfigurationName", "Algorithm", "Parameters", "Features", "ScalingMethod", "Seed",
                "NumberOfSegments", "NumberOfCustomers", "AsOfDateKey", "ConsentBasis", "Inertia", "Silhouette", "DaviesBouldin", "CalinskiHarabasz", "Metrics", "Host", "StartedAt", "CompletedAt", "Status")
            VALUES (1, 'default', 'kmeans', '{"k":3}', 'RecencyDays,Frequency,MonetaryValue,AverageOrderValue,WebEngagement,SocialSentiment', 'standard', 42,
                3, $n, 20111210, 'profiling consent not refused', 123.5, 0.61, 0.55, 310.2,
                '{"kCurve":[{"k":2,"inertia":900.0,"bic":1200.0},{"k":3,"inertia":400.0,"bic":800.0},{"k":4,"inertia":350.0,"bic":850.0},{"k":5,"inertia":320.0,"bic":900.0}]}',
                'host-duckdb', TIMESTAMP '2011-12-10 01:00', TIMESTAMP '2011-12-10 01:01', 'succeeded')
            """, new { n = customersPerSegment * 3 });
        for (var s = 0; s < 3; s++)
        {
            db.Execute("""
                INSERT INTO "Segmentation"."Segment" ("SegmentKey", "ConfigurationName", "SegmentName", "GeneratedName", "IsRenamed", "FirstModelRunKey", "LastModelRunKey")
                VALUES ($key, 'default', $name, $name, false, 1, 1)
                """, new { key = s + 1, name = SegmentNames[s] });
            db.Execute("""
                INSERT INTO "Segmentation"."ModelRunSegment" ("ModelRunKey", "ClusterIndex", "SegmentKey", "CustomerCount", "Share")
                VALUES (1, $index, $key, $count, $share)
                """, new { index = s, key = s + 1, count = customersPerSegment, share = 1.0 / 3 });
        }

        string[] countries = ["United Kingdom", "France", "Germany", "Spain"];
        var customers = new List<SyntheticCustomer>();
        var result = new SyntheticWarehouse(warehouse, customers);
        var key = 0;
        for (var s = 0; s < 3; s++)
        {
            for (var i = 0; i < customersPerSegment; i++)
            {
                key++;
                // Segment 1: recent, frequent, high value. Segment 2: lapsed, one-off, low value. Segment 3: web-engaged middle.
                var recency = s switch { 0 => random.Next(1, 30), 1 => random.Next(150, 330), _ => random.Next(30, 120) };
                var frequency = s switch { 0 => random.Next(8, 20), 1 => random.Next(1, 3), _ => random.Next(3, 7) };
                var aov = Math.Round((decimal)(s switch { 0 => 80 + 40 * random.NextDouble(), 1 => 15 + 20 * random.NextDouble(), _ => 30 + 30 * random.NextDouble() }), 2);
                var monetary = aov * frequency;
                var web = s == 2 ? 8 + 6 * random.NextDouble() : 1 + 3 * random.NextDouble();
                var sentiment = s switch { 0 => 0.3 + 0.5 * random.NextDouble(), 1 => -0.8 + 0.6 * random.NextDouble(), _ => -0.2 + 0.5 * random.NextDouble() };
                decimal? clv = i % 5 == 0 ? null : Math.Round(monetary * 1.5m, 2);
                int? age = i % 7 == 0 ? null : random.Next(20, 70);
                var country = countries[(s + (i % 4 == 0 ? 1 : 0) + (i % 9 == 0 ? 2 : 0)) % 4];
                var customer = new SyntheticCustomer(key, s + 1, country, recency, frequency, monetary, aov, recency + random.Next(30, 300),
                    random.NextDouble() * 0.2, clv, random.Next(0, 30), web, random.NextDouble() * 0.3, random.Next(0, 5), sentiment, age);
                // Derived, not drawn, so the generator's later draws (and every other expectation) stay as they were.
                customer = customer with { SocialNegativeShare = customer.SocialComments == 0 ? 0 : Math.Clamp(0.5 - sentiment, 0, 1) };
                customers.Add(customer);
            }
        }

        using (var transaction = warehouse.BeginTransaction())
        {
            foreach (var c in customers)
            {
                db.Execute("""
                    INSERT INTO "Dimension"."Customer" ("CustomerKey", "ValidFrom", "CrmCustomerId", "Country", "GeographyKey", "LineageKey")
                    VALUES ($CustomerKey, TIMESTAMP '2010-01-01', 'C' || $CustomerKey, $Country, 0, 1)
                    """, new { c.CustomerKey, c.Country }, transaction);
                db.Execute("""
                    INSERT INTO "Segmentation"."CustomerFeature" VALUES ($CustomerKey, 20111210, $RecencyDays, $Frequency, $MonetaryValue, $AverageOrderValue, $TenureDays,
                        $CancellationRate, $CustomerLifetimeValue, $WebSessions, $WebEngagement, $WebConversionRate, $SocialComments, $SocialSentiment, $Age, $SocialNegativeShare)
                    """, c, transaction);
                db.Execute("""
                    INSERT INTO "Segmentation"."CustomerSegment" ("CustomerKey", "ConfigurationName", "ValidFrom", "SegmentKey", "ModelRunKey", "Distance")
                    VALUES ($CustomerKey, 'default', TIMESTAMP '2011-12-10 01:01', $SegmentKey, 1, 0.5)
                    """, new { c.CustomerKey, c.SegmentKey }, transaction);
                // Purchase lines: segment s favours products 3s+1..3s+3 and channel s+1; one line per order.
                for (var o = 0; o < Math.Min(c.Frequency, 4); o++)
                {
                    var product = random.NextDouble() < 0.9 ? 3 * (c.SegmentKey - 1) + 1 + random.Next(3) : 10;
                    var channel = random.NextDouble() < 0.8 ? c.SegmentKey : 1 + random.Next(3);
                    var amount = Math.Round((decimal)(5 + 50 * random.NextDouble()), 2);
                    var day = 40542 + random.Next(0, 340);
                    db.Execute("""
                        INSERT INTO "Fact"."Purchase" ("CustomerKey", "DateKey", "ProductKey", "GeographyKey", "ChannelKey", "InvoiceNo", "InvoiceLineNumber", "InvoiceDateTime", "Quantity", "UnitPrice", "Amount", "IsCancellation", "LineageKey")
                        SELECT $CustomerKey, "DateKey", $product, 0, $channel, 'I' || $CustomerKey || '-' || $o, 1, CAST("Date" AS TIMESTAMP), 1, $amount, $amount, false, 1
                        FROM "Dimension"."Date" WHERE "DayNumber" = $day
                        """, new { c.CustomerKey, product, channel, o, amount, day }, transaction);
                    result.Lines.Add((c.CustomerKey, product, channel, amount));
                }
            }

            // A cancellation and a purchase on the as-of date itself must not count towards products or channels.
            db.Execute("""
                INSERT INTO "Fact"."Purchase" ("CustomerKey", "DateKey", "ProductKey", "GeographyKey", "ChannelKey", "InvoiceNo", "InvoiceLineNumber", "InvoiceDateTime", "Quantity", "UnitPrice", "Amount", "IsCancellation", "LineageKey")
                VALUES (1, 20110301, 10, 0, 3, 'CX', 1, TIMESTAMP '2011-03-01', -1, 999, -999, true, 1),
                       (1, 20111210, 10, 0, 3, 'LATE', 1, TIMESTAMP '2011-12-10', 1, 999, 999, false, 1)
                """, transaction: transaction);
            transaction.Commit();
        }

        return result;
    }

    public void Dispose() => Warehouse.Dispose();
}
