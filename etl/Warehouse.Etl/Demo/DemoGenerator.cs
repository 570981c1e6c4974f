using System.Globalization;
using System.Text;

namespace Warehouse.Etl.Demo;

/// <summary>
/// Generates the demo's multi-source sample with planted customer behaviours, deterministically from a seed.
/// Each customer gets one <see cref="DemoArchetype"/>; its purchase history follows the archetype's rhythm and
/// spend, so a segmentation on recency, frequency, monetary value, order value and tenure should find them again
/// (the truth is returned and written to <c>truth.csv</c>, which is never loaded). The customer behind every CRM row,
/// web session and social comment is returned too and written to <c>identity_truth.csv</c> (never loaded), to measure
/// identity resolution end to end.
/// </summary>
/// <remarks>
/// The data window is the calendar year 2024 (source local time). Archetypes and shares:
/// loyal high spenders 15 % (about 24 orders, high order value, bought in the last two weeks), bargain hunters 25 %
/// (about 12 orders of cheap items, more cancellations), lapsed 20 % (a few orders in the first months, none for 200+
/// days), new 15 % (first order in the last 40 days), occasional 25 % (2–5 orders, last one 30–120 days ago).
/// Purchase lines are scaled to the requested total by the number of lines per order.
/// </remarks>
public sealed class DemoGenerator
{
    /// <summary>First day of the data window.</summary>
    public static readonly DateTime WindowStart = new(2024, 1, 1);

    /// <summary>Last day of the data window.</summary>
    public static readonly DateTime WindowEnd = new(2024, 12, 31);

    private static readonly (DemoArchetype Kind, double Share)[] Shares =
    [
        (DemoArchetype.LoyalHighSpender, 0.15),
        (DemoArchetype.BargainHunter, 0.25),
        (DemoArchetype.Lapsed, 0.20),
        (DemoArchetype.New, 0.15),
        (DemoArchetype.Occasional, 0.25),
    ];

    private static readonly string[] FirstNames =
    [
        "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace", "Freya", "Florence", "Willow",
        "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie", "Henry", "Theodore", "Freddie", "Jack",
        "Charlie", "Aisha", "Priya", "Zofia", "Chiara", "Sean", "Siobhan", "Dafydd", "Eilidh", "Kwame", "Chen", "Yusuf", "Marta",
    ];

    private static readonly string[] LastNames =
    [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright", "Thompson",
        "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson", "Wood", "Harris", "Edwards", "Turner",
        "Martin", "Cooper", "Hill", "Ward", "Hughes", "Moore", "Clark", "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Khan", "O'Brien",
    ];

    private static readonly (string City, string Country, double Weight)[] Places =
    [
        ("London", "United Kingdom", 30), ("Manchester", "United Kingdom", 10), ("Birmingham", "United Kingdom", 10),
        ("Leeds", "United Kingdom", 6), ("Glasgow", "United Kingdom", 6), ("Bristol", "United Kingdom", 5), ("Cardiff", "United Kingdom", 4),
        ("Edinburgh", "United Kingdom", 4), ("Belfast", "United Kingdom", 3), ("Norwich", "United Kingdom", 3),
        ("Dublin", "Ireland", 5), ("Paris", "France", 4), ("Berlin", "Germany", 4), ("Amsterdam", "Netherlands", 3), ("Madrid", "Spain", 3),
    ];

    private static readonly string[] ProductWords =
    [
        "HEART", "LANTERN", "MUG", "TEA SET", "CANDLE", "BUNTING", "CUSHION", "NOTEBOOK", "TIN", "BAG", "FRAME", "CLOCK", "VASE",
        "COASTER", "APRON", "JAR", "BOWL", "GARLAND", "DOORSTOP", "TRAY",
    ];

    private static readonly string[] ProductColours = ["RED", "PINK", "BLUE", "IVORY", "GREEN", "VINTAGE", "SPOTTY", "STRIPED", "GOLD", "WHITE"];

    private readonly DemoOptions _options;

    /// <summary>Creates a generator.</summary>
    public DemoGenerator(DemoOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>Writes the sample files into <see cref="DemoOptions.OutputFolder"/> and returns what was planted.</summary>
    public DemoDataset Generate()
    {
        var folder = Directory.CreateDirectory(_options.OutputFolder).FullName;
        var random = new Random(_options.Seed);
        var products = BuildCatalogue(random);
        var customers = BuildCustomers(random);
        var orders = PlanOrders(random, customers);
        var files = new DemoFiles(
            Path.Combine(folder, "customers.csv"),
            Path.Combine(folder, "transactions.csv"),
            Path.Combine(folder, "truth.csv"),
            Path.Combine(folder, "web_events.jsonl"),
            Path.Combine(folder, "social_comments.json"),
            Path.Combine(folder, "demographics.csv"),
            Path.Combine(folder, "identity_truth.csv"),
            Path.Combine(folder, "customers.json"),
            Path.Combine(folder, "transactions_mapping.json"));
        var identity = new List<DemoIdentityTruth>();
        WriteCustomers(files.Customers, files.CustomersJson, customers, new Random(_options.Seed + 4), _options.CrmDuplicateRate, identity);
        var lines = WriteTransactions(files.Transactions, random, orders, products);
        WriteMapping(files.TransactionMapping);
        WriteTruth(files.Truth, customers);
        // Separate streams so the purchase data stays the same whatever is added to the other sources.
        DemoInteractions.WriteWebEvents(files.WebEvents, new Random(_options.Seed + 1), customers, identity);
        DemoInteractions.WriteSocialComments(files.SocialComments, new Random(_options.Seed + 2), customers, identity);
        WriteDemographics(files.Demographics, new Random(_options.Seed + 3), customers);
        WriteIdentityTruth(files.IdentityTruth, identity);
        return new DemoDataset(files, customers.ToDictionary(c => c.CustomerId, c => c.Archetype, StringComparer.Ordinal), customers, lines, identity);
    }

    private List<DemoCustomer> BuildCustomers(Random random)
    {
        var list = new List<DemoCustomer>(_options.Customers);
        var placeTotal = Places.Sum(p => p.Weight);
        for (var i = 0; i < _options.Customers; i++)
        {
            var archetype = PickArchetype(random.NextDouble());
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var place = PickPlace(random.NextDouble() * placeTotal);
            var id = (100001 + i).ToString(CultureInfo.InvariantCulture);
            var birth = new DateTime(1950, 1, 1).AddDays(random.Next(0, 365 * 55));
            var email = $"{first}.{last}{i}@example.com".Replace("'", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
            var phone = $"+44 7700 {900000 + random.Next(0, 99999):000000}";
            var gender = random.NextDouble() switch { < 0.48 => "female", < 0.96 => "male", < 0.98 => "other", _ => "unknown" };
            list.Add(new DemoCustomer(id, archetype, $"{first} {last}", email, phone, DateOnly.FromDateTime(birth), gender, place.City, place.Country,
                ConsentMarketing: random.NextDouble() < 0.7, ConsentProfiling: random.NextDouble() >= _options.ProfilingRefusalRate));
        }

        return list;
    }

    private static DemoArchetype PickArchetype(double u)
    {
        var cumulative = 0.0;
        foreach (var (kind, share) in Shares)
        {
            cumulative += share;
            if (u < cumulative)
            {
                return kind;
            }
        }

        return Shares[^1].Kind;
    }

    private static (string City, string Country) PickPlace(double u)
    {
        foreach (var place in Places)
        {
            if (u < place.Weight)
            {
                return (place.City, place.Country);
            }

            u -= place.Weight;
        }

        return (Places[0].City, Places[0].Country);
    }

    private static List<Product> BuildCatalogue(Random random)
    {
        var products = new List<Product>();
        var code = 20000;
        foreach (var tier in new[] { PriceTier.Cheap, PriceTier.Mid, PriceTier.Premium })
        {
            for (var i = 0; i < 150; i++)
            {
                var price = tier switch
                {
                    PriceTier.Cheap => 0.39m + (random.Next(0, 260) / 100m),
                    PriceTier.Mid => 3.5m + (random.Next(0, 1500) / 100m),
                    _ => 24.95m + random.Next(0, 56),
                };
                var name = $"{ProductColours[random.Next(ProductColours.Length)]} {ProductWords[random.Next(ProductWords.Length)]}";
                if (tier == PriceTier.Premium)
                {
                    name = "LUXURY " + name;
                }

                products.Add(new Product($"{code++}{(char)('A' + random.Next(0, 3))}", name, price, tier));
            }
        }

        return products;
    }

    private List<Order> PlanOrders(Random random, List<DemoCustomer> customers)
    {
        var days = (int)(WindowEnd - WindowStart).TotalDays;
        var orders = new List<Order>();
        foreach (var customer in customers)
        {
            int count, firstDay, lastDay;
            switch (customer.Archetype)
            {
                case DemoArchetype.LoyalHighSpender:
                    count = random.Next(18, 31);
                    firstDay = random.Next(0, 60);
                    lastDay = days - random.Next(0, 12);
                    break;
                case DemoArchetype.BargainHunter:
                    count = random.Next(8, 17);
                    firstDay = random.Next(0, 90);
                    lastDay = days - random.Next(0, 30);
                    break;
                case DemoArchetype.Lapsed:
                    count = random.Next(3, 8);
                    firstDay = random.Next(0, 45);
                    lastDay = firstDay + random.Next(50, 110);
                    break;
                case DemoArchetype.New:
                    count = random.Next(1, 4);
                    firstDay = days - random.Next(5, 40);
                    lastDay = Math.Min(days, firstDay + random.Next(0, 30));
                    break;
                default:
                    count = random.Next(2, 6);
                    firstDay = random.Next(0, 120);
                    lastDay = days - random.Next(30, 121);
                    break;
            }

            for (var o = 0; o < count; o++)
            {
                var day = count == 1 ? firstDay : firstDay + (int)Math.Round((lastDay - firstDay) * (double)o / (count - 1));
                var time = WindowStart.AddDays(day).AddMinutes(random.Next(8 * 60, 21 * 60));
                orders.Add(new Order(customer, time));
            }
        }

        orders.Sort((a, b) => a.Time.CompareTo(b.Time) is var c && c != 0 ? c : string.CompareOrdinal(a.Customer.CustomerId, b.Customer.CustomerId));
        return orders;
    }

    private static double BaseLines(DemoArchetype archetype) => archetype switch
    {
        DemoArchetype.LoyalHighSpender => 4.0,
        DemoArchetype.BargainHunter => 2.5,
        _ => 2.0,
    };

    private long WriteTransactions(string path, Random random, List<Order> orders, List<Product> products)
    {
        var expected = orders.Sum(o => BaseLines(o.Customer.Archetype));
        var scale = _options.Lines / Math.Max(1.0, expected);
        var byTier = products.GroupBy(p => p.Tier).ToDictionary(g => g.Key, g => g.ToArray());
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        writer.WriteLine("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
        var invoice = 500000;
        long written = 0;
        var pendingCancellations = new List<(Order Order, Product Product, int Quantity)>();
        foreach (var order in orders)
        {
            var kind = order.Customer.Archetype;
            var mean = BaseLines(kind) * scale;
            var lines = Math.Max(1, (int)Math.Floor(mean) + (random.NextDouble() < mean - Math.Floor(mean) ? 1 : 0));
            var invoiceNo = (invoice++).ToString(CultureInfo.InvariantCulture);
            var time = order.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            // Order value per archetype is held roughly constant whatever the line count, so the planted spend survives --lines.
            for (var l = 0; l < lines; l++)
            {
                var (tier, quantity) = kind switch
                {
                    DemoArchetype.LoyalHighSpender => (PriceTier.Premium, Math.Max(1, (int)Math.Round(4.0 / Math.Max(1.0, mean / 2.0) * (0.5 + random.NextDouble())))),
                    DemoArchetype.BargainHunter => (PriceTier.Cheap, Math.Max(1, (int)Math.Round(16.0 / mean * (0.5 + random.NextDouble())))),
                    _ => (PriceTier.Mid, Math.Max(1, (int)Math.Round(5.0 / mean * (0.5 + random.NextDouble())))),
                };
                var catalogue = byTier[tier];
                var product = catalogue[random.Next(catalogue.Length)];
                WriteLine(writer, invoiceNo, product, quantity, time, order.Customer);
                written++;
                var cancelRate = kind == DemoArchetype.BargainHunter ? 0.08 : 0.01;
                if (random.NextDouble() < cancelRate / Math.Max(1.0, mean))
                {
                    pendingCancellations.Add((order, product, quantity));
                }
            }

            // Cancellations follow their order within the same day.
            foreach (var (cancelled, product, quantity) in pendingCancellations)
            {
                var cancelTime = cancelled.Time.AddMinutes(30).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                WriteLine(writer, "C" + (invoice++).ToString(CultureInfo.InvariantCulture), product, -quantity, cancelTime, cancelled.Customer);
                written++;
            }

            pendingCancellations.Clear();
        }

        return written;
    }

    private static void WriteLine(StreamWriter writer, string invoiceNo, Product product, int quantity, string time, DemoCustomer customer)
    {
        writer.Write(invoiceNo);
        writer.Write(',');
        writer.Write(product.StockCode);
        writer.Write(',');
        writer.Write(product.Description);
        writer.Write(',');
        writer.Write(quantity.ToString(CultureInfo.InvariantCulture));
        writer.Write(',');
        writer.Write(time);
        writer.Write(',');
        writer.Write(product.Price.ToString(CultureInfo.InvariantCulture));
        writer.Write(',');
        writer.Write(customer.CustomerId);
        writer.Write(',');
        writer.Write(customer.Country);
        writer.Write('\n');
    }

    /// <summary>The mapping of the demo's transactions file: the Online Retail layout, invariant culture, GBP (the defaults, written out).</summary>
    private static void WriteMapping(string path)
    {
        var mapping = new Transactions.TransactionMapping();
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(mapping, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n",
            new UTF8Encoding(false));
    }

    private static void WriteCustomers(string path, string jsonPath, List<DemoCustomer> customers, Random random, double duplicateRate, List<DemoIdentityTruth> identity)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        using var jsonStream = new FileStream(jsonPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var json = new System.Text.Json.Utf8JsonWriter(jsonStream, new System.Text.Json.JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartArray();
        writer.WriteLine("crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at");
        foreach (var c in customers)
        {
            Write(c, c.CustomerId, c.FullName, c.Email, c.Phone, WindowStart.AddDays(-30), "2024-01-01T00:00:00Z");
        }

        // Planted duplicates: the same person registered again later under another id (the "D" prefix is only for
        // readers of the file; no identity rule looks at it).
        foreach (var c in customers)
        {
            if (duplicateRate == 0 || random.NextDouble() >= duplicateRate)
            {
                continue;
            }

            var name = random.Next(3) switch
            {
                0 => c.FullName.ToUpperInvariant(),
                1 => Identity.SyntheticIdentityData.Typo(c.FullName, random),
                _ => c.FullName,
            };
            var at = c.Email.IndexOf('@', StringComparison.Ordinal);
            var email = random.Next(3) switch
            {
                0 => c.Email,
                1 => c.Email[..at] + "+shop" + c.Email[at..],
                _ => c.Email[..at] + ".new@example.net",
            };
            Write(c, "D" + c.CustomerId, name, email, random.NextDouble() < 0.5 ? c.Phone : string.Empty, WindowStart.AddDays(random.Next(0, 300)), "2024-01-02T00:00:00Z");
        }

        json.WriteEndArray();

        void Write(DemoCustomer c, string id, string name, string email, string phone, DateTime signup, string updated)
        {
            writer.WriteLine(string.Join(',',
                id, Csv(name), email, phone, c.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Gender,
                Csv(c.City), Csv(c.Country), signup.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                c.ConsentMarketing ? "true" : "false", c.ConsentProfiling ? "true" : "false", updated));
            identity.Add(new DemoIdentityTruth("crm", id, c.CustomerId));

            // The same row in the JSON format: an empty CSV field is a JSON null, flags are JSON booleans.
            json.WriteStartObject();
            json.WriteString("crm_customer_id", id);
            WriteText("full_name", name);
            WriteText("email", email);
            WriteText("phone", phone);
            json.WriteString("birth_date", c.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            WriteText("gender", c.Gender);
            WriteText("city", c.City);
            WriteText("country", c.Country);
            json.WriteString("signup_date", signup.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteBoolean("consent_marketing", c.ConsentMarketing);
            json.WriteBoolean("consent_profiling", c.ConsentProfiling);
            json.WriteString("updated_at", updated);
            json.WriteEndObject();
            // One element per line, so a reject's line number points at its customer.
            json.Flush();
            jsonStream.WriteByte((byte)'\n');
        }

        void WriteText(string name, string value)
        {
            if (value.Length == 0)
                json.WriteNull(name);
            else
                json.WriteString(name, value);
        }
    }

    private static void WriteIdentityTruth(string path, List<DemoIdentityTruth> identity)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine("source,source_key,customer_id");
        foreach (var t in identity)
        {
            writer.WriteLine($"{t.Source},{Csv(t.SourceKey)},{t.CustomerId}");
        }
    }

    private static void WriteDemographics(string path, Random random, List<DemoCustomer> customers)
    {
        string[] incomes = ["<20k", "20-30k", "30-50k", "50-80k", "80k+"];
        string[] education = ["Secondary", "Vocational", "Bachelor", "Master", "Doctorate"];
        string[] occupation = ["Engineer", "Teacher", "Nurse", "Retail", "Student", "Retired", "Manager", "Self-employed"];
        string[] marital = ["single", "married", "partner", "divorced", "widowed"];
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine("crm_customer_id,survey_date,household_size,children,income_band,education,occupation,marital_status,satisfaction");
        foreach (var c in customers)
        {
            if (random.NextDouble() >= 0.6)
            {
                continue;
            }

            var household = random.Next(1, 6);
            var children = household == 1 ? 0 : random.Next(0, household);
            var satisfaction = c.Archetype switch
            {
                DemoArchetype.LoyalHighSpender => random.Next(4, 6),
                DemoArchetype.Lapsed => random.Next(1, 3),
                _ => random.Next(2, 6),
            };
            var income = c.Archetype == DemoArchetype.LoyalHighSpender ? incomes[random.Next(3, 5)] : incomes[random.Next(incomes.Length)];
            var date = WindowStart.AddDays(random.Next(0, 300)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            writer.WriteLine(string.Join(',', c.CustomerId, date, household.ToString(CultureInfo.InvariantCulture), children.ToString(CultureInfo.InvariantCulture),
                income, education[random.Next(education.Length)], occupation[random.Next(occupation.Length)], marital[random.Next(marital.Length)],
                satisfaction.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static void WriteTruth(string path, List<DemoCustomer> customers)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine("customer_id,archetype");
        foreach (var c in customers)
        {
            writer.WriteLine($"{c.CustomerId},{c.Archetype}");
        }
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private enum PriceTier
    {
        Cheap,
        Mid,
        Premium,
    }

    private sealed record Product(string StockCode, string Description, decimal Price, PriceTier Tier);

    private sealed record Order(DemoCustomer Customer, DateTime Time);
}
