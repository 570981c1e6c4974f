using DuckDB.NET.Data;
using FsCheck.Xunit;
using Warehouse.Etl.Identity;

namespace Warehouse.Etl.Tests.Identity;

/// <summary>
/// The engine-backed resolver (strings in DuckDB, integer arrays in the host) against the reference
/// <see cref="IdentityResolver"/>: the same key, rule, similarity (bit for bit) and new-customer flag for every row.
/// Data: <see cref="SyntheticIdentityData"/> (generated noisy duplicates with planted CRM duplicates and namesakes), and
/// random small inputs with non-ASCII names.
/// </summary>
public sealed class EngineIdentityResolverTests
{
    private static List<(int Key, MatchRule Rule, double Similarity, bool IsNew)> Engine(
        IReadOnlyList<IdentityRecord> rows, IReadOnlyList<KnownCustomer> known, int firstNew, IdentityResolverOptions? options = null,
        bool uniqueSourceKeys = false)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var resolver = new EngineIdentityResolver(connection, "t", options);
        resolver.AddKnown(known);
        // Two calls, as a caller streaming batches makes them.
        resolver.AddRecords(rows.Take(rows.Count / 2), uniqueSourceKeys);
        resolver.AddRecords(rows.Skip(rows.Count / 2), uniqueSourceKeys);
        // The raw fields (tie-breakers of the canonical order) are stored only when the source keys may repeat.
        Assert.Equal(uniqueSourceKeys ? 0 : rows.Count, Count(connection, "t_raw"));
        resolver.Resolve(firstNew);
        var results = resolver.Results().ToList();
        Assert.Equal(Enumerable.Range(0, rows.Count).Select(i => (long)i), results.Select(r => r.Seq));
        return results.Select(r => (r.CustomerKey, r.Rule, r.Similarity, r.IsNewCustomer)).ToList();
    }

    private static long Count(DuckDBConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The rows whose source name and key were not seen before (a CRM file's one row per id).</summary>
    private static List<IdentityRecord> FirstPerSourceKey(IEnumerable<IdentityRecord> rows) =>
        rows.Where(r => r.SourceKey is not null).GroupBy(r => (r.SourceName, r.SourceKey)).Select(g => g.First()).ToList();

    private static List<(int Key, MatchRule Rule, double Similarity, bool IsNew)> Reference(
        IReadOnlyList<IdentityRecord> rows, IReadOnlyList<KnownCustomer> known, int firstNew, IdentityResolverOptions? options = null) =>
        new IdentityResolver(known, options).Resolve(rows, firstNew).Select(m => (m.CustomerKey, m.Rule, m.Similarity, m.IsNewCustomer)).ToList();

    private static void AssertSame(List<(int Key, MatchRule Rule, double Similarity, bool IsNew)> expected,
        List<(int Key, MatchRule Rule, double Similarity, bool IsNew)> actual, IReadOnlyList<IdentityRecord> rows)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.True(e.Key == a.Key && e.Rule == a.Rule && e.IsNew == a.IsNew && BitConverter.DoubleToInt64Bits(e.Similarity) == BitConverter.DoubleToInt64Bits(a.Similarity),
                $"row {i} ({rows[i]}): reference {e}, engine {a}");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(9)]
    public void Gives_the_reference_keys_and_rules_on_synthetic_data_with_crm_duplicates(int seed)
    {
        var data = SyntheticIdentityData.Generate(1500, seed, crmDuplicateShare: 0.05);

        var expected = Reference(data.Rows, [], 1);
        AssertSame(expected, Engine(data.Rows, [], 1), data.Rows);

        // The comparison covers every rule, CRM ids merged by e-mail/phone/fuzzy and new customers of several rows.
        Assert.All(Enum.GetValues<MatchRule>(), rule => Assert.Contains(expected, x => x.Rule == rule));
        Assert.True(expected.Where(x => x.IsNew).GroupBy(x => x.Key).Count(g => g.Count() > 1) > 100);
        var crmKeys = data.Rows.Select((r, i) => (r, i)).Where(x => x.r.SourceName == "crm").GroupBy(x => expected[x.i].Key);
        Assert.Contains(crmKeys, g => g.Select(x => x.r.CrmCustomerId).Distinct().Count() > 1);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Gives_the_reference_keys_and_rules_with_known_customers_over_two_runs(int seed)
    {
        // CRM rows first (as a first load crm), then the other sources against the customers of the first run, each known
        // customer once per CRM id it got (a merged duplicate appears under both ids, as Integration.CustomerIdentity gives).
        var data = SyntheticIdentityData.Generate(1500, seed, crmDuplicateShare: 0.05);
        var crm = data.Rows.Where(r => r.SourceName == "crm").ToList();
        var rest = data.Rows.Where(r => r.SourceName != "crm").ToList();

        var first = Reference(crm, [], 100);
        AssertSame(first, Engine(crm, [], 100), crm);

        var known = crm.Select((r, i) => (r, first[i].Key)).GroupBy(x => (x.Key, x.r.CrmCustomerId)).Select(g => g.First())
            .Select(x => new KnownCustomer(x.Key, x.r.CrmCustomerId, x.r.Email, x.r.Phone, x.r.FullName, x.r.City, x.r.BirthDate)).ToList();
        Assert.Contains(known.GroupBy(k => k.CustomerKey), g => g.Count() > 1);
        var firstNew = known.Max(k => k.CustomerKey) + 1;
        var second = Reference(rest, known, firstNew);
        AssertSame(second, Engine(rest, known, firstNew), rest);
        Assert.Contains(second, x => !x.IsNew);
        Assert.Contains(second, x => x.IsNew);

        // The same file again against its own customers: every row finds its known customer.
        var again = Reference(crm, known, firstNew);
        AssertSame(again, Engine(crm, known, firstNew), crm);
        Assert.All(again, x => Assert.False(x.IsNew));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Gives_the_reference_keys_and_rules_with_rules_switched_off(bool mergeCrmDuplicates, bool matchFuzzy)
    {
        var options = new IdentityResolverOptions { MergeCrmDuplicates = mergeCrmDuplicates, MatchFuzzy = matchFuzzy, MatchPhone = matchFuzzy };
        var data = SyntheticIdentityData.Generate(800, 6, crmDuplicateShare: 0.05);

        AssertSame(Reference(data.Rows, [], 1, options), Engine(data.Rows, [], 1, options), data.Rows);
    }

    [Fact]
    public void Rejects_a_known_key_listed_twice_without_two_distinct_crm_ids_like_the_reference()
    {
        KnownCustomer[] known = [new(5, "A"), new(5, null)];

        Assert.Throws<ArgumentException>(() => new IdentityResolver(known));
        Assert.Throws<ArgumentException>(() => Engine([new IdentityRecord("crm", "X", "X")], known, 6));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(9)]
    public void Gives_the_reference_keys_and_rules_with_unique_source_keys_and_no_raw_fields(int seed)
    {
        // The CRM path's case: one row per CRM id, added with uniqueSourceKeys (only the match keys are stored). All sources'
        // rows whose (source, key) is unique, then the CRM rows again against the customers of the first run.
        var data = SyntheticIdentityData.Generate(1500, seed, crmDuplicateShare: 0.05);
        var rows = FirstPerSourceKey(data.Rows);
        Assert.True(rows.Count > 3000);

        var first = Reference(rows, [], 1);
        AssertSame(first, Engine(rows, [], 1, uniqueSourceKeys: true), rows);
        Assert.All(Enum.GetValues<MatchRule>(), rule => Assert.Contains(first, x => x.Rule == rule));

        var crm = rows.Where(r => r.SourceName == "crm").ToList();
        var known = rows.Select((r, i) => (r, first[i].Key)).Where(x => x.r.SourceName == "crm").GroupBy(x => (x.Key, x.r.CrmCustomerId)).Select(g => g.First())
            .Select(x => new KnownCustomer(x.Key, x.r.CrmCustomerId, x.r.Email, x.r.Phone, x.r.FullName, x.r.City, x.r.BirthDate)).ToList();
        var firstNew = known.Max(k => k.CustomerKey) + 1;
        var again = Reference(crm, known, firstNew);
        AssertSame(again, Engine(crm, known, firstNew, uniqueSourceKeys: true), crm);
        Assert.All(again, x => Assert.False(x.IsNew));
    }

    [Fact]
    public void Rejects_a_repeated_or_missing_source_key_when_told_the_keys_are_unique()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using (var resolver = new EngineIdentityResolver(connection, "r"))
        {
            resolver.AddRecords([new IdentityRecord("crm", "C7", "C7"), new IdentityRecord("web", "C7", "C7"), new IdentityRecord("crm", "C7", "C7", "a@b.org")],
                uniqueSourceKeys: true);
            var e = Assert.Throws<ArgumentException>(() => resolver.Resolve(1));
            Assert.Contains("'C7' appears twice", e.Message, StringComparison.Ordinal);
        }

        using (var resolver = new EngineIdentityResolver(connection, "n"))
        {
            var e = Assert.Throws<ArgumentException>(() => resolver.AddRecords([new IdentityRecord("crm", null!, "C8")], uniqueSourceKeys: true));
            Assert.Contains("record 0 has no source key", e.Message, StringComparison.Ordinal);
        }

        using (var resolver = new EngineIdentityResolver(connection, "m"))
        {
            resolver.AddRecords([new IdentityRecord("crm", "C9", "C9")], uniqueSourceKeys: true);
            Assert.Throws<InvalidOperationException>(() => resolver.AddRecords([new IdentityRecord("crm", "C10", "C10")]));
        }
    }

    private static readonly string[] Given = ["Anna", "ANNA", "Ana", "José", "Jose", "Zoë", "Zoe", "Łukasz", "Lukasz", "Bill", "William", "Søren", "Sören", "Dr Ünal", "李 伟", "Ægir", "Mary-Jane", ""];
    private static readonly string[] Family = ["Smith", "Smyth", "Müller", "Mueller", "Ørsted", "O'Neil", "Nuñez", "Núñez", "Kowalski", "Kowalsky", "王", "Smith, Anna"];
    private static readonly string[] Cities = ["Kraków", "Krakow", "Zürich", "Zurich", "Malmö", "São Paulo", "Sao Paulo", "York", "", "İzmir"];
    private static readonly string[] Emails = ["anna@example.com", "anna+shop@example.com", "a.n.n.a@gmail.com", "anna@gmail.com", "jose@example.es", "zoë@example.de", "bill@example.com"];
    private static readonly string[] Phones = ["+441632960001", "+441632960002", "+48221234567", "+4930123456"];

    /// <summary>Random small inputs from pools chosen to collide (shared e-mails, phones, name variants, accented and CJK
    /// names, equal records); some known customers, one with two CRM ids.</summary>
    [Property(MaxTest = 60)]
    public bool Equals_the_reference_on_random_small_inputs(int seed)
    {
        var random = new Random(seed);
        T? Maybe<T>(T[] pool, double present) where T : class => random.NextDouble() < present ? pool[random.Next(pool.Length)] : null;
        DateOnly? Birth() => random.NextDouble() < 0.6 ? new DateOnly(1980, 1, 1).AddDays(random.Next(3)) : null;
        string Name() => (Given[random.Next(Given.Length)] + " " + Family[random.Next(Family.Length)]).Trim();
        string? Crm() => random.NextDouble() < 0.6 ? "C" + random.Next(12) + (random.NextDouble() < 0.2 ? " " : "") : null;

        var rows = new List<IdentityRecord>();
        var count = random.Next(1, 40);
        for (var i = 0; i < count; i++)
        {
            var source = random.NextDouble() < 0.7 ? "crm" : "web";
            var crm = Crm();
            var row = new IdentityRecord(source, crm ?? "k" + random.Next(30), crm, Maybe(Emails, 0.5), Maybe(Phones, 0.4), random.NextDouble() < 0.9 ? Name() : null,
                Maybe(Cities, 0.8), Birth(), random.NextDouble() < 0.1 ? "  ABCDEF  " : null);
            rows.Add(row);
            if (random.NextDouble() < 0.15)
                rows.Add(row); // an equal record: ties keep input order
        }

        var known = new List<KnownCustomer>();
        if (random.NextDouble() < 0.5)
        {
            known.Add(new KnownCustomer(7, "C1", Maybe(Emails, 0.5), Maybe(Phones, 0.5), Name(), Maybe(Cities, 0.8), Birth()));
            known.Add(new KnownCustomer(7, "c2", Maybe(Emails, 0.5), null, Name(), Maybe(Cities, 0.8), Birth()));
            known.Add(new KnownCustomer(3, null, Maybe(Emails, 0.7), Maybe(Phones, 0.5), Name(), Maybe(Cities, 0.8), Birth()));
            known.Add(new KnownCustomer(11, "C5", null, null, Name(), Maybe(Cities, 0.8), Birth()));
        }

        var firstNew = known.Count == 0 ? 1 : 12;
        var expected = Reference(rows, known, firstNew);
        var actual = Engine(rows, known, firstNew);
        AssertSame(expected, actual, rows);

        // The same rows without repeated (source, key), as unique source keys: the order is decided by the key alone.
        var unique = FirstPerSourceKey(rows);
        AssertSame(Reference(unique, known, firstNew), Engine(unique, known, firstNew, uniqueSourceKeys: true), unique);
        return true;
    }
}
