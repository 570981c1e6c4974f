using FsCheck;
using FsCheck.Fluent;
using Warehouse.Etl.Identity;
using Xunit.Abstractions;

namespace Warehouse.Etl.Tests.Identity;

public sealed class IdentityResolverTests(ITestOutputHelper output)
{
    [Theory]
    // Winkler (1990) / Cohen, Ravikumar & Fienberg (2003) textbook pairs.
    [InlineData("MARTHA", "MARHTA", 0.944444, 0.961111)]
    [InlineData("DWAYNE", "DUANE", 0.822222, 0.840000)]
    [InlineData("DIXON", "DICKSONX", 0.766667, 0.813333)]
    [InlineData("abc", "abc", 1.0, 1.0)]
    [InlineData("abc", "xyz", 0.0, 0.0)]
    [InlineData("", "a", 0.0, 0.0)]
    public void Jaro_winkler_reference_values(string a, string b, double jaro, double jw)
    {
        Assert.Equal(jaro, JaroWinkler.Jaro(a, b), 1e-6);
        Assert.Equal(jw, JaroWinkler.Similarity(a, b), 1e-6);
        Assert.Equal(JaroWinkler.Similarity(a, b), JaroWinkler.Similarity(b, a), 1e-12);
    }

    [Fact]
    public void Names_fold_order_titles_and_nicknames()
    {
        Assert.Equal(["smith", "william"], NameNormalizer.Tokens("Smith, Bill"));
        Assert.Equal(["smith", "william"], NameNormalizer.Tokens("Mr WILLIAM J. Smith"));
        Assert.Equal(["muller", "zoe"], NameNormalizer.Tokens("Zoë Müller"));
        Assert.Equal(1.0, NameNormalizer.Similarity(NameNormalizer.Tokens("Bob Jones"), NameNormalizer.Tokens("Robert JONES")));
        Assert.True(NameNormalizer.Similarity(NameNormalizer.Tokens("Robert Jones"), NameNormalizer.Tokens("Robert Jnoes")) > 0.95);
        Assert.True(NameNormalizer.Similarity(NameNormalizer.Tokens("Robert Jones"), NameNormalizer.Tokens("Rebecca Smith")) < 0.7);
        Assert.Equal(0.0, NameNormalizer.Similarity([], ["x"]));
    }

    private static IdentityRecord R(string source, string key, string? crm = null, string? email = null, string? phone = null,
        string? name = null, string? city = null, DateOnly? birth = null) => new(source, key, crm, email, phone, name, city, birth);

    [Fact]
    public void Deterministic_rules_then_fuzzy_with_the_rule_recorded()
    {
        var rows = new[]
        {
            R("crm", "C1", crm: "C1", email: "ann@example.com", phone: "+447700900001", name: "Ann Lee", city: "Leeds"),
            R("web", "v1", crm: "c1 "),                                                      // CRM id (case and space)
            R("social", "@ann", email: "ann+shop@example.com", name: "ann lee"),             // e-mail match key
            R("loyalty", "L1", phone: "+447700900001", name: "A. Lee", city: "Leeds"),       // phone
            R("loyalty", "L2", name: "Bill Turner", city: "York", birth: new DateOnly(1970, 1, 1)),
            R("social", "@bt", name: "William Turnre", city: "YORK"),                        // fuzzy: nickname + typo
            R("social", "@bt2", name: "William Turner", city: "York", birth: new DateOnly(1980, 5, 5)), // different birth date
            R("crm", "C2", crm: "C2", email: "shared@example.com", name: "Kim Park", city: "Bath"),
            R("crm", "C3", crm: "C3", email: "shared@example.com", name: "KIM PARK", city: "Bath"), // same e-mail, other CRM id: a duplicate
        };
        var m = new IdentityResolver().Resolve(rows, firstNewCustomerKey: 100);
        foreach (var x in m)
            output.WriteLine($"{x.Record.SourceName}/{x.Record.SourceKey} → {x.CustomerKey} {x.RuleText} {x.Similarity:0.000}");
        Assert.Equal(m[0].CustomerKey, m[1].CustomerKey);
        Assert.Equal(m[0].CustomerKey, m[2].CustomerKey);
        Assert.Equal(m[0].CustomerKey, m[3].CustomerKey);
        Assert.Equal([MatchRule.CrmId, MatchRule.CrmId, MatchRule.Email, MatchRule.Phone], m.Take(4).Select(x => x.Rule));
        Assert.Equal(m[4].CustomerKey, m[5].CustomerKey);
        Assert.Equal(MatchRule.FuzzyNameCity, m[5].Rule);
        Assert.InRange(m[5].Similarity, 0.93, 1.0);
        Assert.NotEqual(m[4].CustomerKey, m[6].CustomerKey);
        Assert.Equal(m[7].CustomerKey, m[8].CustomerKey);
        Assert.Equal([MatchRule.Email, MatchRule.Email], new[] { m[7].Rule, m[8].Rule });
        Assert.Equal(4, m.Select(x => x.CustomerKey).Distinct().Count());
        Assert.Equal(Enumerable.Range(100, 4), m.Select(x => x.CustomerKey).Distinct().Order());

        // The earlier behaviour on request: one customer per CRM id.
        var apart = new IdentityResolver(options: new IdentityResolverOptions { MergeCrmDuplicates = false }).Resolve(rows, 100);
        Assert.NotEqual(apart[7].CustomerKey, apart[8].CustomerKey);
        Assert.Equal([MatchRule.None, MatchRule.None], new[] { apart[7].Rule, apart[8].Rule });
        Assert.All(m, x => Assert.True(x.IsNewCustomer));
    }

    [Fact]
    public void A_later_row_for_a_known_person_keeps_the_existing_key()
    {
        var known = new[]
        {
            new KnownCustomer(7, "C1", "ann@example.com", "+447700900001", "Ann Lee", "Leeds"),
            new KnownCustomer(9, "C2", "bo@example.com", null, "Bo Chan", "Hull"),
        };
        var rows = new[]
        {
            R("social", "@ann", email: "ANN@example.com".ToLowerInvariant(), name: "Ann"),
            R("web", "v2", crm: "C2"),
            R("social", "@bo", name: "Bo Chan", city: "Hull"),
            R("social", "@new", name: "Cy Dee", city: "Bath"),
            R("crm", "C1", crm: "C1", name: "Ann Lee-Smith", city: "York"), // a changed CRM row: same customer
        };
        var m = new IdentityResolver(known).Resolve(rows, firstNewCustomerKey: 10);
        Assert.Equal([7, 9, 9, 10, 7], m.Select(x => x.CustomerKey));
        Assert.Equal([false, false, false, true, false], m.Select(x => x.IsNewCustomer));
        Assert.Equal([MatchRule.Email, MatchRule.CrmId, MatchRule.FuzzyNameCity, MatchRule.None, MatchRule.CrmId], m.Select(x => x.Rule));
    }

    [Fact]
    public void Known_customers_are_never_merged_with_each_other()
    {
        var known = new[] { new KnownCustomer(1, "C1", "fam@example.com"), new KnownCustomer(2, "C2", "fam@example.com") };
        var m = new IdentityResolver(known).Resolve([R("web", "v", email: "fam@example.com")], 3);
        Assert.Equal(1, m[0].CustomerKey); // joins the first customer in key order, deterministically
        Assert.Throws<ArgumentException>(() => new IdentityResolver([new KnownCustomer(1), new KnownCustomer(1)]));
    }

    [Fact]
    public void Crm_duplicates_merge_only_with_similar_names_and_no_conflicting_birth_date()
    {
        var born = new DateOnly(1980, 3, 4);
        var rows = new[]
        {
            R("crm", "A1", crm: "A1", email: "home@example.com", name: "John Smith", city: "Leeds"),
            R("crm", "A2", crm: "A2", email: "home@example.com", name: "Mary Smith", city: "Leeds"),      // a couple sharing an address: name 0.5-0.7
            R("crm", "B1", crm: "B1", phone: "+447700900111", name: "Ann Lee", city: "York", birth: born),
            R("crm", "B2", crm: "B2", phone: "+447700900111", name: "Ann Lee", city: "York", birth: born.AddDays(1)), // same phone, other birth date
            R("crm", "C1", crm: "C1", email: "cy@example.com", name: "Cyril Dawson", city: "Bath", birth: born),
            R("crm", "C2", crm: "C2", email: "cy.new@example.net", name: "Cyril Dawsno", city: "Bath", birth: born),  // new address, same birth date: fuzzy
            R("crm", "D1", crm: "D1", email: "di@example.com", name: "Diane Hart", city: "Hull"),
            R("crm", "D2", crm: "D2", email: "di.new@example.net", name: "Diane Hart", city: "Hull"),  // no birth dates: no fuzzy tie between CRM ids
        };
        var m = new IdentityResolver().Resolve(rows, 1);
        Assert.NotEqual(m[0].CustomerKey, m[1].CustomerKey);
        Assert.NotEqual(m[2].CustomerKey, m[3].CustomerKey);
        Assert.Equal(m[4].CustomerKey, m[5].CustomerKey);
        Assert.Equal(MatchRule.FuzzyNameCity, m[5].Rule);
        Assert.NotEqual(m[6].CustomerKey, m[7].CustomerKey);
        Assert.Equal(7, m.Select(x => x.CustomerKey).Distinct().Count());
    }

    [Fact]
    public void A_duplicate_crm_id_joins_a_known_customer_but_two_known_customers_stay_apart()
    {
        // Customer 7 has two CRM ids already (Integration.CustomerKeyMap): each appears as a known row with the same key.
        var known = new[]
        {
            new KnownCustomer(7, "C1", "ann@example.com", null, "Ann Lee", "Leeds"),
            new KnownCustomer(7, "D1", "ann@example.com", null, "Ann Lee", "Leeds"),
            new KnownCustomer(9, "C2", "bo@example.com", "+447700900002", "Bo Chan", "Hull"),
            new KnownCustomer(11, "C3", "bo.work@example.com", "+447700900002", "Bo Chan", "Hull"), // same person, both known: never merged now
        };
        var rows = new[]
        {
            R("crm", "D1", crm: "D1", email: "ann@example.com", name: "Ann Lee", city: "Leeds"),         // the mapped duplicate again
            R("crm", "E1", crm: "E1", email: "ann+shop@example.com", name: "ANN LEE", city: "Leeds"),    // a new duplicate of a known customer
            R("crm", "C3", crm: "C3", email: "bo@example.com", name: "Bo Chan", city: "Hull"),           // known 11 now has 9's e-mail
        };
        var m = new IdentityResolver(known).Resolve(rows, firstNewCustomerKey: 12);
        Assert.Equal([7, 7, 11], m.Select(x => x.CustomerKey));
        Assert.Equal([MatchRule.CrmId, MatchRule.Email, MatchRule.CrmId], m.Select(x => x.Rule));
        Assert.All(m, x => Assert.False(x.IsNewCustomer));
        Assert.Throws<ArgumentException>(() => new IdentityResolver([new KnownCustomer(1, "X"), new KnownCustomer(1, "X")]));
    }

    [FsCheck.Xunit.Property(MaxTest = 25)]
    public bool Keys_do_not_depend_on_input_order(int seed)
    {
        var data = SyntheticIdentityData.Generate(60, seed: 11);
        var rows = data.Rows.ToList();
        var shuffled = rows.OrderBy(r => HashCode.Combine(seed, r.SourceName, r.SourceKey)).ToList();
        var a = new IdentityResolver().Resolve(rows, 1000).ToDictionary(x => (x.Record.SourceName, x.Record.SourceKey), x => (x.CustomerKey, x.Rule));
        var b = new IdentityResolver().Resolve(shuffled, 1000).ToDictionary(x => (x.Record.SourceName, x.Record.SourceKey), x => (x.CustomerKey, x.Rule));
        return a.Count == b.Count && a.All(p => b[p.Key] == p.Value);
    }

    [Fact]
    public void Match_quality_counts_pairs()
    {
        // Truth {0,1,2} {3}; predicted {0,1} {2,3}: true pairs 3, predicted 2, correct 1.
        var q = MatchQuality.Pairwise([5, 5, 6, 6], [0, 0, 0, 1]);
        Assert.Equal((3L, 2L, 1L), (q.TruePairs, q.PredictedPairs, q.CorrectPairs));
        Assert.Equal(0.5, q.Precision);
        Assert.Equal(1.0 / 3, q.Recall, 12);
    }
}

public sealed class IdentityRecordsTests
{
    [Fact]
    public void Source_records_map_to_identity_rows_and_an_email_hash_matches_the_plain_address()
    {
        var crm = new Warehouse.Etl.Sources.CrmCustomer("C1", "Ann Lee", "ann@example.com", "+447700900001", null, null, "Leeds", "UK", null, true, true, null);
        var t = new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc);
        var web = new Warehouse.Etl.Sources.WebSession("s1", "v9", null, Warehouse.Etl.Cleaning.EmailRules.Sha256Hex("ann@example.com"), t, t, 0, 1, 0, 0, 0, null, null, 1, 1, 1);
        var social = new Warehouse.Etl.Sources.SocialComment("forum", "1", "@ann", "ann+x@example.com", t, "hi", 0, null);
        var survey = new Warehouse.Etl.Sources.SurveyResponse("c1", null, null, null, null, null, null, null, null);
        var rows = new[]
        {
            IdentityRecords.From(crm, "crm.csv"), IdentityRecords.From(web, "web.jsonl"),
            IdentityRecords.From(social, "social.json"), IdentityRecords.From(survey, "survey.csv"),
        };
        Assert.Equal("forum:@ann", rows[2].SourceKey);
        var m = new IdentityResolver().Resolve(rows, 1);
        Assert.All(m, x => Assert.Equal(1, x.CustomerKey));
        Assert.Equal([MatchRule.CrmId, MatchRule.Email, MatchRule.Email, MatchRule.CrmId], m.Select(x => x.Rule));
    }
}
