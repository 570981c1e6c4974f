namespace Warehouse.Etl.Identity;

/// <summary>
/// Person-name keys for matching: <see cref="Cleaning.TextRules.MatchKey"/> (case, accents, punctuation), initials
/// and titles dropped, common English nicknames mapped to the formal given name (Bill → William, Peggy → Margaret),
/// tokens sorted so "Smith, John" equals "John Smith". The nickname table is written for this project.
/// </summary>
public static class NameNormalizer
{
    private static readonly Dictionary<string, string> Nicknames = BuildNicknames();

    private static readonly HashSet<string> Titles = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "jr", "sr", "ii", "iii",
    };

    /// <summary>Name tokens for matching (sorted, nicknames resolved); empty for a missing name.</summary>
    public static string[] Tokens(string? name)
    {
        var key = Cleaning.TextRules.MatchKey(name);
        if (key.Length == 0)
            return [];
        return key.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(t => t.Length > 1 && !Titles.Contains(t))
            .Select(t => Nicknames.GetValueOrDefault(t, t))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The formal given name for a nickname, or the input when it is not a known nickname.</summary>
    public static string Canonical(string token) => Nicknames.GetValueOrDefault(token, token);

    /// <summary>
    /// Symmetric Monge–Elkan similarity with Jaro–Winkler inside: each token takes its best match in the other
    /// name; the two directions are averaged. Tolerates swapped order, a missing middle name and typos. 0 when
    /// either name has no tokens.
    /// </summary>
    public static double Similarity(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
            return 0.0;
        return (MongeElkan(a, b) + MongeElkan(b, a)) / 2.0;
    }

    private static double MongeElkan(string[] a, string[] b)
    {
        var sum = 0.0;
        foreach (var s in a)
        {
            var best = 0.0;
            foreach (var t in b)
                best = Math.Max(best, JaroWinkler.Similarity(s, t));
            sum += best;
        }
        return sum / a.Length;
    }

    private static Dictionary<string, string> BuildNicknames()
    {
        (string Formal, string[] Short)[] table =
        [
            ("william", ["bill", "billy", "will", "willy", "liam"]), ("robert", ["bob", "bobby", "rob", "robbie", "bert"]),
            ("richard", ["dick", "rick", "ricky", "rich"]), ("james", ["jim", "jimmy", "jamie"]), ("john", ["jack", "johnny", "jon"]),
            ("michael", ["mike", "mikey", "mick"]), ("thomas", ["tom", "tommy"]), ("christopher", ["chris", "kit"]),
            ("daniel", ["dan", "danny"]), ("matthew", ["matt"]), ("anthony", ["tony"]), ("joseph", ["joe", "joey"]),
            ("charles", ["charlie", "chuck"]), ("edward", ["ed", "eddie", "ted", "ned"]), ("david", ["dave", "davy"]),
            ("steven", ["steve"]), ("stephen", ["steve"]), ("andrew", ["andy", "drew"]), ("alexander", ["alex", "sandy"]),
            ("benjamin", ["ben", "benny"]), ("samuel", ["sam", "sammy"]), ("nicholas", ["nick", "nicky"]),
            ("jonathan", ["jonny"]), ("timothy", ["tim", "timmy"]), ("patrick", ["pat", "paddy"]), ("peter", ["pete"]),
            ("henry", ["harry", "hank"]), ("frederick", ["fred", "freddie"]), ("lawrence", ["larry"]), ("gregory", ["greg"]),
            ("elizabeth", ["liz", "lizzie", "beth", "betty", "eliza", "libby"]), ("margaret", ["maggie", "meg", "peggy", "margo"]),
            ("catherine", ["cathy", "kate", "katie", "kat"]), ("katherine", ["kathy", "kate", "katie"]), ("jennifer", ["jen", "jenny"]),
            ("rebecca", ["becky", "becca"]), ("susan", ["sue", "susie"]), ("deborah", ["debbie", "deb"]), ("patricia", ["patty", "trish"]),
            ("victoria", ["vicky", "tori"]), ("alexandra", ["alex", "sasha"]), ("christine", ["chris", "chrissy"]),
            ("jessica", ["jess", "jessie"]), ("samantha", ["sam"]), ("abigail", ["abby"]), ("dorothy", ["dot", "dolly"]),
            ("eleanor", ["ellie", "nell"]), ("josephine", ["jo", "josie"]), ("isabella", ["bella", "izzy"]),
            ("barbara", ["barb", "babs"]), ("theresa", ["tess", "terry"]), ("amanda", ["mandy"]), ("pamela", ["pam"]),
            ("sophia", ["sophie"]), ("charlotte", ["lottie", "charlie"]), ("natalie", ["nat"]),
        ];
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (formal, nicks) in table)
        {
            foreach (var n in nicks)
                map.TryAdd(n, formal); // first formal name wins for shared nicknames (alex, sam, chris, kate, charlie)
        }
        return map;
    }
}
