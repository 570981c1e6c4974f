using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Identity;

/// <summary>
/// Resolves source rows to one customer key across sources. Deterministic rules first, in priority order: same CRM
/// id (trimmed, case-insensitive), same e-mail match key or e-mail SHA-256, same phone. Then, for rows not yet tied to a CRM customer, a fuzzy rule: name
/// similarity (nickname-aware Monge–Elkan over Jaro–Winkler) combined with city similarity, compared only within
/// blocks (two-letter city prefix × three-letter name-token prefix), above <see cref="IdentityResolverOptions.FuzzyThreshold"/>. A fuzzy link
/// never joins customers with different e-mails, phones or birth dates, and a row that matches two CRM customers
/// about equally well (namesakes) is left unlinked. Links are unions in a union–find that never merges two existing
/// customers (history is never re-keyed). Two CRM ids (a duplicate registration) are tied only under
/// <see cref="IdentityResolverOptions.MergeCrmDuplicates"/>: by e-mail or phone with similar names and no conflicting
/// birth dates, or by name + city with the same birth date and no conflicting phone.
/// </summary>
/// <remarks>
/// <para>Determinism: rows are put in a canonical order by content before anything else, links are applied in a
/// fixed order (rule, then similarity, then canonical position), and new keys are numbered by the canonical position
/// of each new customer's first row. The same rows therefore get the same keys in any input order.</para>
/// <para>Known customers (current <c>Dimension.Customer</c> rows) keep their keys: a later row for a known person
/// joins the existing key and never creates a new customer.</para>
/// <para>Cost: O(n log n) for the deterministic rules; the fuzzy rule compares pairs within blocks, O(Σ b²) for block
/// sizes b (blocks above <see cref="IdentityResolverOptions.MaxBlockSize"/> are skipped), memory O(n): each pair is scored once
/// without being remembered.</para>
/// </remarks>
public sealed class IdentityResolver
{
    private readonly KnownCustomer[] _known;
    private readonly IdentityResolverOptions _options;

    /// <summary>Creates a resolver.</summary>
    /// <param name="known">Existing customers (their keys must be distinct).</param>
    /// <param name="options">Settings; <see cref="IdentityResolverOptions.Default"/> when null.</param>
    public IdentityResolver(IEnumerable<KnownCustomer>? known = null, IdentityResolverOptions? options = null)
    {
        _known = (known ?? []).OrderBy(k => k.CustomerKey).ThenBy(k => k.CrmCustomerId, StringComparer.Ordinal).ToArray();
        for (var i = 1; i < _known.Length; i++)
        {
            // A customer with several CRM ids (Integration.CustomerKeyMap) appears once per id; anything else is a caller error.
            if (_known[i].CustomerKey == _known[i - 1].CustomerKey
                && (_known[i].CrmCustomerId is null || _known[i - 1].CrmCustomerId is null
                    || string.Equals(_known[i].CrmCustomerId, _known[i - 1].CrmCustomerId, StringComparison.Ordinal)))
                throw new ArgumentException($"customer key {_known[i].CustomerKey} appears twice without two distinct CRM ids", nameof(known));
        }
        _options = options ?? IdentityResolverOptions.Default;
        if (_options.FuzzyThreshold is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(options), _options.FuzzyThreshold, "FuzzyThreshold must be in (0, 1]");
    }

    /// <summary>The match keys of one row (shared with <see cref="EngineIdentityResolver"/>).</summary>
    internal sealed class Node
    {
        public int? KnownKey;
        public int RecordIndex = -1;
        public string? Crm;
        public string? EmailKey;
        public string? EmailHash;
        public string? Phone;
        public string[] Name = [];
        public string City = "";
        public DateOnly? BirthDate;
    }

    /// <summary>Resolves <paramref name="records"/>; results are in input order.</summary>
    /// <param name="records">Rows to resolve.</param>
    /// <param name="firstNewCustomerKey">Key of the first new customer; the others follow without gaps.</param>
    public IReadOnlyList<IdentityMatch> Resolve(IEnumerable<IdentityRecord> records, int firstNewCustomerKey)
    {
        ArgumentNullException.ThrowIfNull(records);
        var input = records.ToList();
        var canonical = Enumerable.Range(0, input.Count).OrderBy(i => input[i], RecordComparer.Instance).ToArray();

        var nodes = new Node[_known.Length + input.Count];
        for (var i = 0; i < _known.Length; i++)
        {
            var k = _known[i];
            nodes[i] = Describe(k.CrmCustomerId, k.Email, k.Phone, k.FullName, k.City, k.BirthDate);
            nodes[i].KnownKey = k.CustomerKey;
        }
        for (var c = 0; c < canonical.Length; c++)
        {
            var r = input[canonical[c]];
            var node = Describe(r.CrmCustomerId, r.Email, r.Phone, r.FullName, r.City, r.BirthDate);
            node.RecordIndex = canonical[c];
            if (node.EmailHash is null && !string.IsNullOrWhiteSpace(r.EmailHash))
                node.EmailHash = r.EmailHash.Trim().ToLowerInvariant();
            nodes[_known.Length + c] = node;
        }

        var sets = new DisjointSets(nodes, _options);
        // Several CRM ids of one known customer are one customer before any rule runs.
        for (var i = 1; i < _known.Length; i++)
        {
            if (_known[i].CustomerKey == _known[i - 1].CustomerKey)
                sets.ForceUnion(i - 1, i);
        }
        var bestRule = new MatchRule[nodes.Length];
        var bestSimilarity = new double[nodes.Length];

        var groups = new List<(MatchRule Rule, List<int> Members)>();
        groups.AddRange(Group(nodes, n => n.Crm).Select(g => (MatchRule.CrmId, g)));
        if (_options.MatchEmail)
        {
            groups.AddRange(Group(nodes, n => n.EmailKey).Select(g => (MatchRule.Email, g)));
            groups.AddRange(Group(nodes, n => n.EmailHash).Select(g => (MatchRule.Email, g)));
        }
        if (_options.MatchPhone)
            groups.AddRange(Group(nodes, n => n.Phone).Select(g => (MatchRule.Phone, g)));
        foreach (var (_, members) in groups)
        {
            // Each member tries every distinct customer formed so far in its group (several only when anchors conflict).
            var roots = new List<int> { members[0] };
            for (var m = 1; m < members.Count; m++)
            {
                foreach (var r in roots)
                    sets.TryUnion(r, members[m]);
                roots.Add(members[m]);
                roots = roots.Select(sets.Find).Distinct().ToList();
            }
        }

        var fuzzyEdges = new List<(double Score, int A, int B)>();
        if (_options.MatchFuzzy)
        {
            fuzzyEdges = FuzzyEdges(nodes, sets);
            foreach (var (_, a, b) in fuzzyEdges)
            {
                if (!sets.Contradict(a, b))
                    sets.TryUnion(a, b, fuzzy: true);
            }
        }

        // Rule per row: the strongest rule linking it to another member of its final customer.
        foreach (var (rule, members) in groups)
        {
            var perRoot = members.GroupBy(sets.Find).Where(g => g.Count() > 1).SelectMany(g => g);
            foreach (var n in perRoot)
            {
                if (bestRule[n] == MatchRule.None || rule < bestRule[n])
                {
                    bestRule[n] = rule;
                    bestSimilarity[n] = 1.0;
                }
            }
        }
        foreach (var (score, a, b) in fuzzyEdges)
        {
            if (sets.Find(a) != sets.Find(b))
                continue;
            foreach (var n in new[] { a, b })
            {
                if (bestRule[n] == MatchRule.None || (bestRule[n] == MatchRule.FuzzyNameCity && score > bestSimilarity[n]))
                {
                    bestRule[n] = MatchRule.FuzzyNameCity;
                    bestSimilarity[n] = score;
                }
            }
        }

        // Keys: existing key of the customer, or new keys numbered by the canonical position of the first row.
        var keyOfRoot = new Dictionary<int, (int Key, bool IsNew)>();
        var next = firstNewCustomerKey;
        for (var n = 0; n < nodes.Length; n++)
        {
            var root = sets.Find(n);
            if (keyOfRoot.ContainsKey(root))
                continue;
            if (sets.KnownKey(root) is { } known)
                keyOfRoot[root] = (known, false);
            else
                keyOfRoot[root] = (checked(next++), true);
        }

        var result = new IdentityMatch[input.Count];
        for (var n = _known.Length; n < nodes.Length; n++)
        {
            var (key, isNew) = keyOfRoot[sets.Find(n)];
            var index = nodes[n].RecordIndex;
            result[index] = new IdentityMatch(input[index], key, bestRule[n], bestSimilarity[n], isNew);
        }
        return result;
    }

    /// <summary>The match keys of a row: the functions both resolvers use.</summary>
    internal static Node Describe(string? crm, string? email, string? phone, string? name, string? city, DateOnly? birth) => new()
    {
        Crm = string.IsNullOrWhiteSpace(crm) ? null : crm.Trim().ToUpperInvariant(),
        EmailKey = string.IsNullOrWhiteSpace(email) ? null : EmailRules.MatchKey(email.Trim().ToLowerInvariant()),
        EmailHash = string.IsNullOrWhiteSpace(email) ? null : EmailRules.Sha256Hex(email.Trim().ToLowerInvariant()),
        Phone = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim(),
        Name = NameNormalizer.Tokens(name),
        City = TextRules.MatchKey(city),
        BirthDate = birth,
    };

    private static IEnumerable<List<int>> Group(Node[] nodes, Func<Node, string?> key)
    {
        var groups = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var n = 0; n < nodes.Length; n++)
        {
            var k = key(nodes[n]);
            if (k is null)
                continue;
            if (!groups.TryGetValue(k, out var list))
                groups[k] = list = [];
            list.Add(n);
        }
        return groups.Values.Where(g => g.Count > 1);
    }

    private List<(double Score, int A, int B)> FuzzyEdges(Node[] nodes, DisjointSets sets)
    {
        // Blocks by key (two-letter city prefix | three-letter name-token prefix), numbered in order of creation; a row is
        // listed once per token, so a row whose two tokens share a prefix appears twice in a row (adjacent) in one block.
        var blockIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var blocks = new List<List<int>>();
        var rowBlocks = new List<int>?[nodes.Length];
        for (var n = 0; n < nodes.Length; n++)
        {
            var node = nodes[n];
            if (node.Name.Length == 0 || node.City.Length == 0)
                continue;
            var city = node.City.Length <= 2 ? node.City : node.City[..2];
            foreach (var token in node.Name.Distinct())
            {
                var key = city + "|" + (token.Length <= 3 ? token : token[..3]);
                if (!blockIds.TryGetValue(key, out var id))
                {
                    blockIds[key] = id = blocks.Count;
                    blocks.Add([]);
                }
                blocks[id].Add(n);
                var mine = rowBlocks[n] ??= new List<int>(2);
                if (!mine.Contains(id))
                    mine.Add(id);
            }
        }
        var compared = new bool[blocks.Count];
        for (var id = 0; id < blocks.Count; id++)
            compared[id] = blocks[id].Count >= 2 && blocks[id].Count <= _options.MaxBlockSize;

        // A pair is scored once: in the first compared block the two rows share, and from the lower row's side when both
        // rows may look for the other (the checks after that are symmetric). Nothing is kept per pair, so memory stays
        // O(rows) however large the blocks are (a set of the pairs seen took 2.3 GB for 100,000 CRM rows).
        int FirstSharedBlock(int a, int b)
        {
            var first = int.MaxValue;
            foreach (var id in rowBlocks[a]!)
            {
                if (id < first && compared[id] && rowBlocks[b]!.Contains(id))
                    first = id;
            }
            return first;
        }

        var edges = new List<(double Score, int A, int B)>();
        for (var blockId = 0; blockId < blocks.Count; blockId++)
        {
            if (!compared[blockId])
                continue;
            var block = blocks[blockId];
            for (var i = 0; i < block.Count; i++)
            {
                var a = block[i];
                if (i > 0 && block[i - 1] == a)
                    continue;
                if (!MayLook(a))
                    continue;
                var na = nodes[a];
                for (var j = 0; j < block.Count; j++)
                {
                    var b = block[j];
                    if (j > 0 && block[j - 1] == b)
                        continue;
                    if (!LooksAt(a, b))
                        continue;
                    if (b < a && MayLook(b) && LooksAt(b, a))
                        continue; // scored from b's side
                    if (FirstSharedBlock(a, b) != blockId)
                        continue; // scored in an earlier block
                    var nb = nodes[b];
                    if (na.BirthDate is { } da && nb.BirthDate is { } db && da != db)
                        continue;
                    var city = JaroWinkler.Similarity(na.City, nb.City);
                    if (city < _options.MinCitySimilarity)
                        continue;
                    var score = _options.NameWeight * NameNormalizer.Similarity(na.Name, nb.Name) + (1 - _options.NameWeight) * city;
                    if (score >= _options.FuzzyThreshold)
                        edges.Add((score, Math.Min(a, b), Math.Max(a, b)));
                }
            }
        }

        // Rows of known customers never look for partners (their key is settled); rows tied to a new CRM id look only
        // when CRM duplicates may be merged.
        bool MayLook(int x)
        {
            var root = sets.Find(x);
            return nodes[x].KnownKey is null && sets.KnownKey(root) is null && (sets.Crm(root) is null || _options.MergeCrmDuplicates);
        }

        // A row tied to a CRM id looks only for other CRM ids (a duplicate registration), which need the same known birth
        // date on both rows; its pairs with rows without a CRM id are found from their side.
        bool LooksAt(int x, int y)
        {
            var rootX = sets.Find(x);
            var rootY = sets.Find(y);
            if (x == y || rootX == rootY)
                return false;
            return sets.Crm(rootX) is null || (sets.Crm(rootY) is not null && nodes[x].BirthDate is not null && nodes[y].BirthDate is not null);
        }

        DropAmbiguousAndSort(edges, _options, sets.Find, row => nodes[row].KnownKey is null && sets.KnownKey(sets.Find(row)) is null, sets.IsAnchored);
        return edges;
    }

    /// <summary>
    /// The last step of the fuzzy rule, shared with <see cref="EngineIdentityResolver"/>: a row whose best partners belong to
    /// two different CRM customers with nearly the same score (namesakes in one city) loses all its fuzzy edges (linking
    /// it to either would be a guess); the rest are sorted by score descending, then rows (the order links are applied in).
    /// </summary>
    /// <param name="edges">Fuzzy edges (changed in place).</param>
    /// <param name="options">Settings (margin, CRM-duplicate merging).</param>
    /// <param name="find">The union–find's root of a row.</param>
    /// <param name="unsettled">Whether a row may still take a partner (neither it nor its set is a known customer).</param>
    /// <param name="isAnchored">Whether a root's set has a known key or a CRM id.</param>
    internal static void DropAmbiguousAndSort(List<(double Score, int A, int B)> edges, IdentityResolverOptions options, Func<int, int> find,
        Func<int, bool> unsettled, Func<int, bool> isAnchored)
    {
        var ambiguous = new HashSet<int>();
        foreach (var byRow in edges.SelectMany(e => new[] { (Row: e.A, Other: e.B, e.Score), (Row: e.B, Other: e.A, e.Score) })
                     .Where(x => unsettled(x.Row) && (options.MergeCrmDuplicates || !isAnchored(find(x.Row))) && isAnchored(find(x.Other)))
                     .GroupBy(x => x.Row))
        {
            var best = byRow.GroupBy(x => find(x.Other)).Select(g => g.Max(x => x.Score)).OrderDescending().Take(2).ToArray();
            if (best.Length == 2 && best[1] >= best[0] - options.AmbiguityMargin)
                ambiguous.Add(byRow.Key);
        }
        if (ambiguous.Count > 0)
            edges.RemoveAll(e => ambiguous.Contains(e.A) || ambiguous.Contains(e.B));
        edges.Sort((x, y) =>
        {
            var c = y.Score.CompareTo(x.Score);
            if (c == 0)
                c = x.A.CompareTo(y.A);
            return c != 0 ? c : x.B.CompareTo(y.B);
        });
    }

    /// <summary>Union–find with the anchors of each set (existing key, CRM id) and the no-conflict rule.</summary>
    private sealed class DisjointSets
    {
        private readonly int[] _parent;
        private readonly int?[] _known;
        private readonly string?[] _crm;
        private readonly string?[] _email;
        private readonly string?[] _phone;
        private readonly DateOnly?[] _birth;
        private readonly string[][] _name;
        private readonly IdentityResolverOptions _options;

        public DisjointSets(Node[] nodes, IdentityResolverOptions options)
        {
            _options = options;
            _parent = Enumerable.Range(0, nodes.Length).ToArray();
            _name = nodes.Select(n => n.Crm is null ? [] : n.Name).ToArray();
            _known = nodes.Select(n => n.KnownKey).ToArray();
            _crm = nodes.Select(n => n.Crm).ToArray();
            _email = nodes.Select(n => n.EmailKey).ToArray();
            _phone = nodes.Select(n => n.Phone).ToArray();
            _birth = nodes.Select(n => n.BirthDate).ToArray();
        }

        /// <summary>
        /// True when two sets hold different e-mails, phones or birth dates: a fuzzy link must not join them. Two CRM
        /// customers (a duplicate registration) may differ in e-mail (a new address) but must share the birth date.
        /// </summary>
        public bool Contradict(int a, int b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (_crm[ra] is not null && _crm[rb] is not null && _crm[ra] != _crm[rb])
                return _birth[ra] is null || _birth[rb] is null || _birth[ra] != _birth[rb]
                    || _phone[ra] is { } p1 && _phone[rb] is { } p2 && p1 != p2;
            return _email[ra] is { } ea && _email[rb] is { } eb && ea != eb
                || _phone[ra] is { } pa && _phone[rb] is { } pb && pa != pb
                || _birth[ra] is { } da && _birth[rb] is { } db && da != db;
        }

        public bool IsAnchored(int root) => _known[root] is not null || _crm[root] is not null;

        public int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }
            return x;
        }

        public int? KnownKey(int root) => _known[root];

        public string? Crm(int root) => _crm[root];

        /// <summary>
        /// Joins the sets of <paramref name="a"/> and <paramref name="b"/> unless that would merge two known customers
        /// (history is never re-keyed) or two CRM ids that may not be one person: merging CRM ids needs
        /// <see cref="IdentityResolverOptions.MergeCrmDuplicates"/>, no conflicting birth dates and, for a deterministic
        /// link, similar names (<see cref="IdentityResolverOptions.CrmDuplicateMinNameSimilarity"/>: a couple sharing one
        /// e-mail or phone stays two customers).
        /// </summary>
        public bool TryUnion(int a, int b, bool fuzzy = false)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra == rb)
                return true;
            if (_known[ra] is { } ka && _known[rb] is { } kb && ka != kb)
                return false;
            if (_crm[ra] is { } ca && _crm[rb] is { } cb && ca != cb)
            {
                if (!_options.MergeCrmDuplicates)
                    return false;
                if (_birth[ra] is { } da && _birth[rb] is { } db && da != db)
                    return false;
                if (!fuzzy && _name[ra].Length > 0 && _name[rb].Length > 0
                    && NameNormalizer.Similarity(_name[ra], _name[rb]) < _options.CrmDuplicateMinNameSimilarity)
                    return false;
            }
            Link(ra, rb);
            return true;
        }

        /// <summary>Joins two sets without any check (several CRM ids of one known customer).</summary>
        public void ForceUnion(int a, int b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra != rb)
                Link(ra, rb);
        }

        private void Link(int ra, int rb)
        {
            // The smaller index becomes the root: roots do not depend on the order of unions within a run.
            var (root, child) = ra < rb ? (ra, rb) : (rb, ra);
            _parent[child] = root;
            _known[root] ??= _known[child];
            _crm[root] ??= _crm[child];
            _email[root] ??= _email[child];
            _phone[root] ??= _phone[child];
            _birth[root] ??= _birth[child];
            if (_name[root].Length == 0)
                _name[root] = _name[child];
        }
    }

    private sealed class RecordComparer : IComparer<IdentityRecord>
    {
        public static readonly RecordComparer Instance = new();

        public int Compare(IdentityRecord? x, IdentityRecord? y)
        {
            if (ReferenceEquals(x, y))
                return 0;
            if (x is null)
                return -1;
            if (y is null)
                return 1;
            var c = string.CompareOrdinal(x.SourceName, y.SourceName);
            if (c == 0) c = string.CompareOrdinal(x.SourceKey, y.SourceKey);
            if (c == 0) c = string.CompareOrdinal(x.CrmCustomerId, y.CrmCustomerId);
            if (c == 0) c = string.CompareOrdinal(x.Email, y.Email);
            if (c == 0) c = string.CompareOrdinal(x.Phone, y.Phone);
            if (c == 0) c = string.CompareOrdinal(x.FullName, y.FullName);
            if (c == 0) c = string.CompareOrdinal(x.City, y.City);
            if (c == 0) c = Nullable.Compare(x.BirthDate, y.BirthDate);
            if (c == 0) c = string.CompareOrdinal(x.EmailHash, y.EmailHash);
            return c;
        }
    }
}
