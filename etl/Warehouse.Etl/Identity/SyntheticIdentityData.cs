namespace Warehouse.Etl.Identity;

/// <summary>
/// Generated people and noisy source rows about them, with the truth (which person each row is), to measure
/// identity resolution. Each person gets a CRM row (probability 0.85) and rows in other sources: a loyalty system
/// (name with typos and nicknames, e-mail missing 40 %, phone in 70 %), social comments (name, city with typos or
/// missing, e-mail in 35 %) and web logins (CRM id or e-mail). Namesakes (same name and city, different person and
/// birth date) are planted on purpose. Deterministic for a seed.
/// </summary>
public static class SyntheticIdentityData
{
    private static readonly string[] Given =
    [
        "William", "Robert", "Richard", "James", "John", "Michael", "Thomas", "Christopher", "Daniel", "Matthew", "Anthony",
        "Joseph", "Edward", "David", "Andrew", "Benjamin", "Samuel", "Peter", "Henry", "Oliver", "George", "Harry", "Jacob",
        "Elizabeth", "Margaret", "Catherine", "Jennifer", "Rebecca", "Susan", "Deborah", "Victoria", "Jessica", "Abigail",
        "Eleanor", "Isabella", "Sophia", "Charlotte", "Amelia", "Olivia", "Emily", "Grace", "Lucy", "Hannah", "Chloe", "Ava",
        "Mia", "Ruby", "Zoë", "Siobhan", "Ingrid", "Lars", "Giulia", "Mateo", "Aisha", "Yusuf", "Priya", "Wei", "Kenji",
    ];

    private static readonly string[] Family =
    [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
        "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis",
        "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis", "Rodríguez", "Müller", "O'Neill", "Van der Berg",
        "Kowalski", "Nielsen", "Rossi", "García", "Nguyen", "Kim", "Singh", "Murphy", "Kelly", "Campbell", "Stewart",
        "Anderson", "Scott", "Morris", "Cooper", "Ward", "Turner", "Hughes", "Edwards", "Collins", "Bell", "Cook", "Baker",
    ];

    private static readonly string[] Cities =
    [
        "London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Liverpool", "Bristol", "Sheffield", "Edinburgh", "Cardiff",
        "Belfast", "Nottingham", "Southampton", "Brighton", "Oxford", "Cambridge", "York", "Norwich", "Exeter", "Aberdeen",
    ];

    private static readonly Dictionary<string, string[]> NicknamesOf = new(StringComparer.Ordinal)
    {
        ["William"] = ["Bill", "Will", "Billy"], ["Robert"] = ["Bob", "Rob"], ["Richard"] = ["Rick", "Dick"], ["James"] = ["Jim", "Jamie"],
        ["John"] = ["Jack", "Johnny"], ["Michael"] = ["Mike"], ["Thomas"] = ["Tom"], ["Christopher"] = ["Chris"], ["Daniel"] = ["Dan"],
        ["Matthew"] = ["Matt"], ["Anthony"] = ["Tony"], ["Joseph"] = ["Joe"], ["Edward"] = ["Ed", "Ted"], ["David"] = ["Dave"],
        ["Andrew"] = ["Andy"], ["Benjamin"] = ["Ben"], ["Samuel"] = ["Sam"], ["Peter"] = ["Pete"], ["Henry"] = ["Harry"],
        ["Elizabeth"] = ["Liz", "Beth"], ["Margaret"] = ["Maggie", "Peggy"], ["Catherine"] = ["Kate", "Cathy"], ["Jennifer"] = ["Jen"],
        ["Rebecca"] = ["Becky"], ["Susan"] = ["Sue"], ["Deborah"] = ["Debbie"], ["Victoria"] = ["Vicky"], ["Jessica"] = ["Jess"],
        ["Abigail"] = ["Abby"], ["Eleanor"] = ["Ellie"], ["Isabella"] = ["Bella"], ["Sophia"] = ["Sophie"], ["Charlotte"] = ["Lottie"],
    };

    /// <summary>A person behind the rows.</summary>
    /// <param name="Id">Person number (the truth).</param>
    /// <param name="Given">Given name.</param>
    /// <param name="FamilyName">Family name.</param>
    /// <param name="City">City.</param>
    /// <param name="BirthDate">Date of birth.</param>
    /// <param name="Email">Normalised e-mail.</param>
    /// <param name="Phone">E.164 phone.</param>
    /// <param name="CrmId">CRM id (also set for people without a CRM row: web logins can still carry it).</param>
    public sealed record Person(int Id, string Given, string FamilyName, string City, DateOnly BirthDate, string Email, string Phone, string CrmId);

    /// <summary>Generated data: rows, the person of each row, and the people.</summary>
    /// <param name="Rows">Source rows (sources: crm, loyalty, social, web), in generation order.</param>
    /// <param name="PersonOfRow">Truth: person id per row.</param>
    /// <param name="People">The people.</param>
    public sealed record Data(IReadOnlyList<IdentityRecord> Rows, IReadOnlyList<int> PersonOfRow, IReadOnlyList<Person> People);

    /// <summary>Generates rows about <paramref name="people"/> people.</summary>
    /// <param name="people">Number of people (≥ 1).</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="namesakeShare">Share of people who copy an earlier person's name and city (different birth date and contacts).</param>
    /// <param name="crmDuplicateShare">Share of people with a CRM row who registered a second time under another CRM id
    /// (<c>D…</c>): same birth date and city, the name as given, in capitals, with a typo or a nickname, the same e-mail, a
    /// sub-address or a new address, the phone in half the cases. These rows are appended after all others and drawn
    /// from their own random stream, so the other rows do not depend on this share.</param>
    public static Data Generate(int people, int seed, double namesakeShare = 0.05, double crmDuplicateShare = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(people, 1);
        var rng = new Random(seed);
        var persons = new List<Person>(people);
        for (var i = 0; i < people; i++)
        {
            string given, family, city;
            if (i > 10 && rng.NextDouble() < namesakeShare)
            {
                var twin = persons[rng.Next(persons.Count)];
                (given, family, city) = (twin.Given, twin.FamilyName, twin.City);
            }
            else
            {
                given = Given[rng.Next(Given.Length)];
                family = Family[rng.Next(Family.Length)];
                city = Cities[rng.Next(Cities.Length)];
            }
            var birth = new DateOnly(1940, 1, 1).AddDays(rng.Next(365 * 65));
            var local = Cleaning.TextRules.MatchKey(given + "." + family).Replace(' ', '.');
            var domain = new[] { "example.com", "mail.example.org", "gmail.com", "post.example.net" }[rng.Next(4)];
            var email = $"{local}{i}@{domain}";
            var phone = "+447" + rng.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            persons.Add(new Person(i, given, family, city, birth, email, phone, $"C{100000 + i}"));
        }

        var rows = new List<IdentityRecord>();
        var truth = new List<int>();
        void Add(IdentityRecord r, int person)
        {
            rows.Add(r);
            truth.Add(person);
        }

        var withCrmRow = new List<Person>();
        foreach (var p in persons)
        {
            if (rng.NextDouble() < 0.85)
            {
                Add(new IdentityRecord("crm", p.CrmId, p.CrmId, p.Email, p.Phone, $"{p.Given} {p.FamilyName}", p.City, p.BirthDate), p.Id);
                withCrmRow.Add(p);
            }
            if (rng.NextDouble() < 0.6)
            {
                Add(new IdentityRecord("loyalty", $"L{p.Id}", null,
                    rng.NextDouble() < 0.6 ? Noisy(p.Email, rng) : null,
                    rng.NextDouble() < 0.7 ? p.Phone : null,
                    NoisyName(p, rng), rng.NextDouble() < 0.9 ? NoisyCity(p.City, rng) : null,
                    rng.NextDouble() < 0.5 ? p.BirthDate : null), p.Id);
            }
            var comments = rng.Next(0, 3);
            for (var c = 0; c < comments; c++)
            {
                Add(new IdentityRecord("social", $"@{Cleaning.TextRules.MatchKey(p.Given).Replace(" ", "")}{p.Id}_{c}", null,
                    rng.NextDouble() < 0.35 ? Noisy(p.Email, rng) : null, null,
                    NoisyName(p, rng), rng.NextDouble() < 0.8 ? NoisyCity(p.City, rng) : null, null), p.Id);
            }
            if (rng.NextDouble() < 0.5)
            {
                var loggedIn = rng.NextDouble() < 0.6;
                Add(new IdentityRecord("web", $"v{p.Id}", loggedIn ? p.CrmId : null, loggedIn ? null : Noisy(p.Email, rng)), p.Id);
            }
        }

        var dup = new Random(unchecked(seed * 7919 + 17));
        foreach (var p in withCrmRow)
        {
            if (crmDuplicateShare <= 0 || dup.NextDouble() >= crmDuplicateShare)
                continue;
            var name = $"{p.Given} {p.FamilyName}";
            name = dup.Next(4) switch
            {
                0 => name.ToUpperInvariant(),
                1 => $"{p.Given} {Typo(p.FamilyName, dup)}",
                2 when NicknamesOf.TryGetValue(p.Given, out var nicks) => $"{nicks[dup.Next(nicks.Length)]} {p.FamilyName}",
                _ => name,
            };
            var at = p.Email.IndexOf('@', StringComparison.Ordinal);
            var email = dup.Next(3) switch
            {
                0 => p.Email,
                1 => p.Email[..at] + "+shop" + p.Email[at..],
                _ => p.Email[..at] + ".new@example.net",
            };
            var crmId = "D" + p.CrmId[1..];
            Add(new IdentityRecord("crm", crmId, crmId, email, dup.NextDouble() < 0.5 ? p.Phone : null, name, p.City, p.BirthDate), p.Id);
        }
        return new Data(rows, truth, persons);
    }

    private static string Noisy(string email, Random rng)
    {
        // Case and sub-address variations that normalisation and the e-mail match key must absorb.
        var at = email.IndexOf('@');
        return rng.Next(3) switch
        {
            0 => email.ToUpperInvariant().ToLowerInvariant(),
            1 => email[..at] + "+shop" + email[at..],
            _ => email,
        };
    }

    private static string NoisyName(Person p, Random rng)
    {
        var given = p.Given;
        if (NicknamesOf.TryGetValue(given, out var nicks) && rng.NextDouble() < 0.25)
            given = nicks[rng.Next(nicks.Length)];
        else if (rng.NextDouble() < 0.1)
            given = Typo(given, rng);
        var family = rng.NextDouble() < 0.2 ? Typo(p.FamilyName, rng) : p.FamilyName;
        var name = rng.Next(10) switch
        {
            0 => $"{family}, {given}",
            1 => $"{given.ToUpperInvariant()} {family.ToUpperInvariant()}",
            2 => $"{given.ToLowerInvariant()} {family.ToLowerInvariant()}",
            _ => $"{given} {family}",
        };
        return name;
    }

    private static string NoisyCity(string city, Random rng) => rng.NextDouble() < 0.1 ? Typo(city, rng) : rng.NextDouble() < 0.1 ? city.ToUpperInvariant() : city;

    /// <summary>One keyboard error: substitution, deletion, insertion or transposition, never in the first letter.</summary>
    internal static string Typo(string s, Random rng)
    {
        if (s.Length < 4)
            return s;
        var i = rng.Next(1, s.Length - 1);
        var c = (char)('a' + rng.Next(26));
        return rng.Next(4) switch
        {
            0 => s[..i] + c + s[(i + 1)..],
            1 => s[..i] + s[(i + 1)..],
            2 => s[..i] + c + s[i..],
            _ => s[..i] + s[i + 1] + s[i] + s[(i + 2)..],
        };
    }
}
