using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using Warehouse.Data.DuckDb;

namespace Warehouse.Etl.Identity;

/// <summary>
/// <see cref="IdentityResolver"/>'s rules with the strings kept in a DuckDB connection instead of the host: the same keys,
/// rules and new-customer numbering (asserted against <see cref="IdentityResolver"/> by
/// <c>EngineIdentityResolverTests</c>), with host memory that does not grow with the text of the rows.
/// </summary>
/// <remarks>
/// <para>Steps: rows are streamed in (<see cref="AddKnown"/>, <see cref="AddRecords"/>) and the host computes each
/// row's match keys (the functions <see cref="IdentityResolver"/> uses) and block keys as they pass; SQL numbers the rows
/// in the resolver's canonical order (known customers by key, then CRM id; then the rows in
/// <c>IdentityResolver.RecordComparer</c> order) and gives every CRM key, e-mail key, e-mail hash and phone a dense integer
/// id. The host then keeps only integer arrays per row (union–find parent, known key, CRM, e-mail and phone ids, birth
/// day, the row whose name a set carries, best rule and similarity: 41 bytes a row) and the fuzzy edges found (16 bytes
/// each). Deterministic groups are streamed from SQL in the resolver's order (rule, then key, members by position),
/// each with the name tokens of its CRM rows for the CRM-duplicate name check (a name outside the group is read by
/// position, rarely); fuzzy blocks are streamed one at a time with each member's tokens, city, birth day and list of
/// compared blocks (for the first-shared-block rule). The results go to a temporary table, <see cref="ResultTable"/>.</para>
/// <para>Order: DuckDB compares text by UTF-8 bytes (code point order), <see cref="IdentityResolver"/> by UTF-16 code
/// units (<see cref="string.CompareOrdinal(string, string)"/>). The two agree except between characters above U+FFFF
/// (surrogate pairs) and U+E000–U+FFFF; only input containing both at the same position of otherwise equal keys can be
/// ordered differently, which may change which new key a customer gets, not who is linked to whom (see README, "Known
/// differences").</para>
/// <para>Tables: <c>{prefix}_in</c>, <c>_raw</c>, <c>_tok</c>, <c>_node</c>, <c>_grp</c>, <c>_blk</c>, <c>_out</c> in the connection's
/// temporary catalog; <see cref="Dispose"/> drops them. Not thread-safe; the connection must not be used for anything
/// else while rows are added.</para>
/// </remarks>
public sealed class EngineIdentityResolver : IDisposable
{
    private const int NoId = -1;
    private const int NoDay = int.MinValue;
    private const int NoKey = int.MinValue;
    private const int BatchRows = 8192;

    private static readonly DuckDbChunkAppender.Column[] InColumns =
    [
        DuckDbChunkAppender.Column.BigInt, DuckDbChunkAppender.Column.Integer,
        .. Enumerable.Repeat(DuckDbChunkAppender.Column.Varchar, 3), DuckDbChunkAppender.Column.Integer,
        .. Enumerable.Repeat(DuckDbChunkAppender.Column.Varchar, 6),
    ];

    private static readonly DuckDbChunkAppender.Column[] RawColumns =
        [DuckDbChunkAppender.Column.BigInt, .. Enumerable.Repeat(DuckDbChunkAppender.Column.Varchar, 5)];

    private readonly DuckDBConnection _db;
    private readonly string _p;
    private readonly IdentityResolverOptions _options;
    private long _known;
    private long _records;
    private bool? _uniqueSourceKeys;
    private bool _resolved;

    /// <summary>Creates the resolver's temporary tables on <paramref name="connection"/>.</summary>
    /// <param name="connection">An open DuckDB connection (its temporary catalog holds the rows).</param>
    /// <param name="tablePrefix">Prefix of the temporary tables: letters, digits and underscores.</param>
    /// <param name="options">Settings; <see cref="IdentityResolverOptions.Default"/> when null.</param>
    public EngineIdentityResolver(DuckDBConnection connection, string tablePrefix, IdentityResolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(tablePrefix);
        if (!tablePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException("must hold only ASCII letters, digits and underscores", nameof(tablePrefix));
        _options = options ?? IdentityResolverOptions.Default;
        if (_options.FuzzyThreshold is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(options), _options.FuzzyThreshold, "FuzzyThreshold must be in (0, 1]");
        _db = connection;
        _p = tablePrefix;
        Execute($"""
            CREATE TEMP TABLE {_p}_in (seq BIGINT NOT NULL, known_key INTEGER, src VARCHAR, skey VARCHAR, crm_raw VARCHAR, birth_day INTEGER,
                crm VARCHAR, email_key VARCHAR, email_hash VARCHAR, phone VARCHAR, tokens VARCHAR, city VARCHAR)
            """);
        // The raw fields that only break ties in the canonical order, for rows added without uniqueSourceKeys.
        Execute($"CREATE TEMP TABLE {_p}_raw (seq BIGINT NOT NULL, email_raw VARCHAR, phone_raw VARCHAR, name_raw VARCHAR, city_raw VARCHAR, hash_raw VARCHAR)");
        Execute($"CREATE TEMP TABLE {_p}_tok (seq BIGINT NOT NULL, block VARCHAR NOT NULL)");
    }

    /// <summary>Temporary table of the results after <see cref="Resolve"/>: <c>seq</c> (the record's input position, 0, 1, …),
    /// <c>skey</c> (its source key), <c>customer_key</c>, <c>rule</c> (<see cref="MatchRule"/> as an integer), <c>similarity</c>,
    /// <c>is_new</c>.</summary>
    public string ResultTable => $"{_p}_out";

    /// <summary>Adds existing customers (once per CRM id they have; keys distinct otherwise), streamed.</summary>
    public void AddKnown(IEnumerable<KnownCustomer> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        Append(known.Select(k => (Seq: -(++_known), (IdentityRecord?)null, (KnownCustomer?)k)));
    }

    /// <summary>Adds rows to resolve, streamed; they are numbered in the order given (0, 1, … over all calls).</summary>
    /// <param name="records">The rows.</param>
    /// <param name="uniqueSourceKeys">The caller guarantees that no two rows (over all calls) share a source name and
    /// source key, none of which is null (a CRM file's latest row per id): the canonical order is then decided by those two
    /// alone, so the rows' other raw fields, which only break ties between equal keys, are not stored (only the match keys
    /// are). <see cref="Resolve"/> checks the guarantee and throws when it does not hold. All calls must agree.</param>
    public void AddRecords(IEnumerable<IdentityRecord> records, bool uniqueSourceKeys = false)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (_uniqueSourceKeys is { } mode && mode != uniqueSourceKeys)
            throw new InvalidOperationException("AddRecords calls must agree on uniqueSourceKeys.");
        _uniqueSourceKeys = uniqueSourceKeys;
        Append(records.Select(r => (Seq: _records++, (IdentityRecord?)r, (KnownCustomer?)null)));
    }

    private void Append(IEnumerable<(long Seq, IdentityRecord? Record, KnownCustomer? Known)> rows)
    {
        if (_resolved)
            throw new InvalidOperationException("Rows cannot be added after Resolve.");
        // Batches: an appender's rows are flushed before the next batch is read, so a caller may read its rows from the
        // same connection in batches (AddRecords over a query of the same connection; see IdentityMatching).
        var batch = new List<(long, IdentityRecord?, KnownCustomer?)>(BatchRows);
        foreach (var row in rows)
        {
            batch.Add(row);
            if (batch.Count == BatchRows)
            {
                Flush(batch);
                batch.Clear();
            }
        }
        Flush(batch);
    }

    private void Flush(List<(long Seq, IdentityRecord? Record, KnownCustomer? Known)> batch)
    {
        if (batch.Count == 0)
            return;
        var nodes = new IdentityResolver.Node[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (_, r, k) = batch[i];
            if (k is not null)
            {
                if (k.CustomerKey == NoKey)
                    throw new ArgumentOutOfRangeException(nameof(batch), k.CustomerKey, "a known customer key must be above int.MinValue");
                nodes[i] = IdentityResolver.Describe(k.CrmCustomerId, k.Email, k.Phone, k.FullName, k.City, k.BirthDate);
            }
            else
            {
                nodes[i] = IdentityResolver.Describe(r!.CrmCustomerId, r.Email, r.Phone, r.FullName, r.City, r.BirthDate);
                if (nodes[i].EmailHash is null && !string.IsNullOrWhiteSpace(r.EmailHash))
                    nodes[i].EmailHash = r.EmailHash.Trim().ToLowerInvariant();
            }
        }

        // The column-wise appender passes strings with their length (DuckDB.NET's appender cuts them at U+0000, which merged
        // the CRM ids "Z\u0000A" and "Z\u0000B").
        using (var appender = new DuckDbChunkAppender(_db, "temp", "main", $"{_p}_in", InColumns))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var (seq, r, k) = batch[i];
                var node = nodes[i];
                appender.SetInt64(0, seq);
                if (k is not null)
                {
                    appender.SetInt32(1, k.CustomerKey);
                    appender.SetNull(2);
                    appender.SetNull(3);
                    appender.SetString(4, k.CrmCustomerId);
                    SetDay(appender, 5, k.BirthDate);
                }
                else if (_uniqueSourceKeys == true)
                {
                    appender.SetNull(1);
                    appender.SetString(2, r!.SourceName);
                    appender.SetString(3, r.SourceKey ?? throw new ArgumentException(
                        $"record {seq} has no source key, but the records were added with uniqueSourceKeys", "records"));
                    appender.SetNull(4);
                    SetDay(appender, 5, r.BirthDate);
                }
                else
                {
                    appender.SetNull(1);
                    appender.SetString(2, r!.SourceName);
                    appender.SetString(3, r.SourceKey);
                    appender.SetString(4, r.CrmCustomerId);
                    SetDay(appender, 5, r.BirthDate);
                }
                appender.SetString(6, node.Crm);
                appender.SetString(7, node.EmailKey);
                appender.SetString(8, node.EmailHash);
                appender.SetString(9, node.Phone);
                appender.SetString(10, string.Join(' ', node.Name));
                appender.SetString(11, node.City);
                appender.EndRow();
            }
            appender.Close();
        }

        if (_uniqueSourceKeys != true)
        {
            using var appender = new DuckDbChunkAppender(_db, "temp", "main", $"{_p}_raw", RawColumns);
            foreach (var (seq, r, _) in batch)
            {
                if (r is null)
                    continue;
                appender.SetInt64(0, seq);
                appender.SetString(1, r.Email);
                appender.SetString(2, r.Phone);
                appender.SetString(3, r.FullName);
                appender.SetString(4, r.City);
                appender.SetString(5, r.EmailHash);
                appender.EndRow();
            }
            appender.Close();
        }

        using (var appender = new DuckDbChunkAppender(_db, "temp", "main", $"{_p}_tok", DuckDbChunkAppender.Column.BigInt, DuckDbChunkAppender.Column.Varchar))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var node = nodes[i];
                if (node.Name.Length == 0 || node.City.Length == 0)
                    continue;
                // One row per distinct token, as IdentityResolver lists a row in a block once per token (block sizes count them).
                var city = node.City.Length <= 2 ? node.City : node.City[..2];
                foreach (var token in node.Name.Distinct())
                {
                    appender.SetInt64(0, batch[i].Seq);
                    appender.SetString(1, city + "|" + (token.Length <= 3 ? token : token[..3]));
                    appender.EndRow();
                }
            }
            appender.Close();
        }
    }

    private static void SetDay(DuckDbChunkAppender appender, int column, DateOnly? day)
    {
        if (day is { } d)
            appender.SetInt32(column, d.DayNumber);
        else
            appender.SetNull(column);
    }

    /// <summary>
    /// Resolves the rows added, writing <see cref="ResultTable"/>; returns the number of new customers. New keys are
    /// <paramref name="firstNewCustomerKey"/>, +1, … by the canonical position of each new customer's first row.
    /// </summary>
    public int Resolve(int firstNewCustomerKey)
    {
        if (_resolved)
            throw new InvalidOperationException("Resolve runs once.");
        _resolved = true;
        var twice = Scalar($"""
            SELECT min(known_key) FROM (SELECT known_key FROM {_p}_in WHERE known_key IS NOT NULL GROUP BY known_key
                                        HAVING count(*) > 1 AND (count(crm_raw) < count(*) OR count(DISTINCT crm_raw) < count(*)))
            """);
        if (twice is not null and not DBNull)
            throw new ArgumentException($"customer key {twice} appears twice without two distinct CRM ids", "known");
        if (_uniqueSourceKeys == true)
        {
            // Rows without their raw fields can only be ordered by source name and key: a repeated pair would be ordered by input position.
            var repeated = Scalar($"SELECT min(skey) FROM (SELECT src, skey FROM {_p}_in WHERE known_key IS NULL GROUP BY src, skey HAVING count(*) > 1)");
            if (repeated is not null and not DBNull)
                throw new ArgumentException($"source key '{repeated}' appears twice, but the records were added with uniqueSourceKeys", "records");
        }

        // Canonical order: known customers by key then CRM id, then the rows by content (IdentityResolver's RecordComparer:
        // ordinal, null first), then input order; the table is written in that order (zone maps serve lookups by ord).
        // With unique source keys (checked above; known rows are unique by key and CRM id, checked too) the order is decided
        // before the raw fields, which are not stored. The node table keeps what the later steps read; the match keys stay in
        // _in until they are numbered (_grp), so they are never copied.
        var order = _uniqueSourceKeys == true
            ? "known_key IS NULL, known_key, src NULLS FIRST, skey NULLS FIRST, crm_raw NULLS FIRST, seq"
            : """
              known_key IS NULL, known_key, src NULLS FIRST, skey NULLS FIRST, crm_raw NULLS FIRST, email_raw NULLS FIRST, phone_raw NULLS FIRST,
              name_raw NULLS FIRST, city_raw NULLS FIRST, birth_day NULLS FIRST, hash_raw NULLS FIRST, seq
              """;
        Execute($"""
            CREATE TEMP TABLE {_p}_node AS
            SELECT CAST(row_number() OVER (ORDER BY {order}) - 1 AS INTEGER) AS ord,
                   seq, skey, known_key, crm IS NOT NULL AS has_crm, tokens, city, birth_day
            FROM {_p}_in LEFT JOIN {_p}_raw USING (seq)
            ORDER BY ord
            """);
        Execute($"DROP TABLE {_p}_raw"); // tables go as soon as they are used up: their text is DuckDB's share of the memory
        // Key ids: per rule, the distinct keys numbered in key order (the order groups are processed in) with their group size,
        // then joined back to the rows. One rule at a time, grouped rather than windowed over all rows: a window over the
        // four rules' keys at once sorted every row with its key and was the resolver's memory peak (bench/LOAD.md).
        Execute($"CREATE TEMP TABLE {_p}_grp (r INTEGER NOT NULL, kid INTEGER NOT NULL, ord INTEGER NOT NULL, size BIGINT NOT NULL)");
        foreach (var (rule, column) in new[] { (1, "crm"), (2, "email_key"), (3, "email_hash"), (4, "phone") })
        {
            Execute($"""
                INSERT INTO {_p}_grp
                WITH k AS (SELECT {column} AS key, count(*) AS size FROM {_p}_in WHERE {column} IS NOT NULL GROUP BY {column}),
                     d AS (SELECT key, size, CAST(row_number() OVER (ORDER BY key) AS INTEGER) AS kid FROM k)
                SELECT {rule}, d.kid, n.ord, d.size
                FROM {_p}_in AS i JOIN d ON d.key = i.{column} JOIN {_p}_node AS n ON n.seq = i.seq
                """);
        }
        Execute($"DROP TABLE {_p}_in");

        var rules = new List<int> { 1 };
        if (_options.MatchEmail)
            rules.AddRange([2, 3]);
        if (_options.MatchPhone)
            rules.Add(4);
        Execute($"""
            CREATE TEMP TABLE {_p}_gm AS
            SELECT row_number() OVER (ORDER BY g.r, g.kid, g.ord) - 1 AS gseq, g.r, g.kid, g.ord,
                   CASE WHEN n.has_crm AND n.tokens <> '' THEN n.tokens END AS tokens
            FROM {_p}_grp AS g JOIN {_p}_node AS n ON n.ord = g.ord
            WHERE g.size > 1 AND g.r IN ({string.Join(", ", rules)})
            ORDER BY gseq
            """);

        var n = checked((int)Scalar<long>($"SELECT count(*) FROM {_p}_node"));
        var knownCount = checked((int)_known);
        var sets = new IntSets(n, _options, this);
        using (var command = Command($"""
                   SELECT n.ord, n.known_key, c.kid, e.kid, p.kid, n.birth_day, n.has_crm AND n.tokens <> ''
                   FROM {_p}_node AS n
                   LEFT JOIN {_p}_grp AS c ON c.r = 1 AND c.ord = n.ord
                   LEFT JOIN {_p}_grp AS e ON e.r = 2 AND e.ord = n.ord
                   LEFT JOIN {_p}_grp AS p ON p.r = 4 AND p.ord = n.ord
                   ORDER BY n.ord
                   """, streaming: true))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var ord = reader.GetInt32(0);
                sets.Init(ord, Int(reader, 1, NoKey), Int(reader, 2, NoId), Int(reader, 3, NoId), Int(reader, 4, NoId), Int(reader, 5, NoDay),
                    reader.GetBoolean(6));
            }
        }

        Execute($"DROP TABLE {_p}_grp");

        // Several CRM ids of one known customer are one customer before any rule runs (known rows come first, by key).
        for (var i = 1; i < knownCount; i++)
        {
            if (sets.Known[i] == sets.Known[i - 1])
                sets.ForceUnion(i - 1, i);
        }

        // Deterministic groups in the resolver's order: CRM key, e-mail key, e-mail hash, phone; each by key, members by position.
        var roots = new List<int>();
        var next = new List<int>();
        foreach (var group in Groups(withNames: true))
        {
            sets.GroupNames = group.Names;
            var members = group.Members;
            roots.Clear();
            roots.Add(members[0]);
            for (var m = 1; m < members.Count; m++)
            {
                foreach (var r in roots)
                    sets.TryUnion(r, members[m]);
                roots.Add(members[m]);
                next.Clear();
                foreach (var r in roots)
                {
                    var root = sets.Find(r);
                    if (!next.Contains(root))
                        next.Add(root);
                }
                (roots, next) = (next, roots);
            }
        }
        sets.GroupNames = null;

        var fuzzyEdges = new List<(double Score, int A, int B)>();
        if (_options.MatchFuzzy)
        {
            fuzzyEdges = FuzzyEdges(sets, knownCount);
            foreach (var (_, a, b) in fuzzyEdges)
            {
                if (!sets.Contradict(a, b))
                    sets.TryUnion(a, b, fuzzy: true);
            }
        }

        // Rule per row: the strongest rule linking it to another member of its final customer.
        var bestRule = new byte[n];
        var bestSimilarity = new double[n];
        var perRoot = new Dictionary<int, int>();
        foreach (var group in Groups(withNames: false))
        {
            perRoot.Clear();
            foreach (var member in group.Members)
                perRoot[sets.Find(member)] = perRoot.GetValueOrDefault(sets.Find(member)) + 1;
            foreach (var member in group.Members)
            {
                if (perRoot[sets.Find(member)] > 1 && (bestRule[member] == (byte)MatchRule.None || (byte)group.Rule < bestRule[member]))
                {
                    bestRule[member] = (byte)group.Rule;
                    bestSimilarity[member] = 1.0;
                }
            }
        }
        foreach (var (score, a, b) in fuzzyEdges)
        {
            if (sets.Find(a) != sets.Find(b))
                continue;
            foreach (var x in new[] { a, b })
            {
                if (bestRule[x] == (byte)MatchRule.None || (bestRule[x] == (byte)MatchRule.FuzzyNameCity && score > bestSimilarity[x]))
                {
                    bestRule[x] = (byte)MatchRule.FuzzyNameCity;
                    bestSimilarity[x] = score;
                }
            }
        }

        Execute($"DROP TABLE {_p}_gm");

        // Keys: existing key of the customer, or new keys numbered by the canonical position of the first row.
        var keyOfRoot = new int[n];
        var assigned = new bool[n];
        var nextKey = firstNewCustomerKey;
        var created = 0;
        for (var x = 0; x < n; x++)
        {
            var root = sets.Find(x);
            if (assigned[root])
                continue;
            assigned[root] = true;
            if (sets.Known[root] != NoKey)
            {
                keyOfRoot[root] = sets.Known[root];
            }
            else
            {
                keyOfRoot[root] = checked(nextKey++);
                created++;
            }
        }

        Execute($"CREATE TEMP TABLE {_p}_res (ord INTEGER NOT NULL, customer_key INTEGER NOT NULL, rule INTEGER NOT NULL, similarity DOUBLE NOT NULL, is_new BOOLEAN NOT NULL)");
        using (var appender = _db.CreateAppender("temp", "main", $"{_p}_res"))
        {
            for (var x = knownCount; x < n; x++)
            {
                var root = sets.Find(x);
                appender.CreateRow().AppendValue((int?)x).AppendValue((int?)keyOfRoot[root]).AppendValue((int?)bestRule[x])
                    .AppendValue((double?)bestSimilarity[x]).AppendValue((bool?)(sets.Known[root] == NoKey)).EndRow();
            }
            appender.Close();
        }
        Execute($"""
            CREATE TEMP TABLE {_p}_out AS
            SELECT n.seq, n.skey, r.customer_key, r.rule, r.similarity, r.is_new
            FROM {_p}_res AS r JOIN {_p}_node AS n ON n.ord = r.ord
            """);
        Execute($"DROP TABLE {_p}_res");
        Execute($"DROP TABLE {_p}_node");
        return created;
    }

    /// <summary>The results in input order (after <see cref="Resolve"/>), streamed.</summary>
    public IEnumerable<(long Seq, int CustomerKey, MatchRule Rule, double Similarity, bool IsNewCustomer)> Results()
    {
        using var command = Command($"SELECT seq, customer_key, rule, similarity, is_new FROM {_p}_out ORDER BY seq", streaming: true);
        using var reader = command.ExecuteReader();
        while (reader.Read())
            yield return (reader.GetInt64(0), reader.GetInt32(1), (MatchRule)reader.GetInt32(2), reader.GetDouble(3), reader.GetBoolean(4));
    }

    /// <summary>Drops the temporary tables (a failed transaction drops them itself: errors here are not raised over the first one).</summary>
    public void Dispose()
    {
        foreach (var table in new[] { "in", "raw", "tok", "node", "grp", "gm", "blk", "res", "out" })
        {
            try
            {
                Execute($"DROP TABLE IF EXISTS {_p}_{table}");
            }
            catch (DuckDBException)
            {
                return;
            }
        }
    }

    private sealed record Group(MatchRule Rule, List<int> Members, Dictionary<int, string[]>? Names);

    private IEnumerable<Group> Groups(bool withNames)
    {
        // Read in batches of fully read results (by the member's position in the stream): a name check may query the
        // connection between two groups, which would end a streaming result.
        var names = withNames ? "tokens" : "NULL";
        var total = Scalar<long>($"SELECT count(*) FROM {_p}_gm");
        int rule = 0, key = 0;
        List<int>? members = null;
        Dictionary<int, string[]>? tokens = null;
        var rows = new List<(int R, int K, int Ord, string? Tokens)>(BatchRows);
        for (long from = 0; from < total; from += BatchRows)
        {
            rows.Clear();
            using (var command = Command($"SELECT r, kid, ord, {names} FROM {_p}_gm WHERE gseq >= {from} AND gseq < {from + BatchRows} ORDER BY gseq"))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                    rows.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
            foreach (var (r, k, ord, text) in rows)
            {
                if (members is null || r != rule || k != key)
                {
                    if (members is not null)
                        yield return new Group(RuleOf(rule), members, tokens);
                    (rule, key, members, tokens) = (r, k, [], withNames ? [] : null);
                }
                members.Add(ord);
                if (tokens is not null && text is not null)
                    tokens[ord] = text.Split(' ');
            }
        }
        if (members is not null)
            yield return new Group(RuleOf(rule), members, tokens);

        static MatchRule RuleOf(int r) => r switch { 1 => MatchRule.CrmId, 2 or 3 => MatchRule.Email, _ => MatchRule.Phone };
    }

    /// <summary>Name tokens of a row by position (a CRM-duplicate name check whose name is not in the current group).</summary>
    private string[] TokensOf(int ord)
    {
        using var command = Command($"SELECT tokens FROM {_p}_node WHERE ord = $ord");
        command.Parameters.Add(new DuckDBParameter("ord", ord));
        var value = command.ExecuteScalar();
        return value is string s && s.Length > 0 ? s.Split(' ') : [];
    }

    private sealed class Member
    {
        public int Ord;
        public string[] Name = [];
        public string City = "";
        public int Birth;
        public int[] Blocks = [];
    }

    private List<(double Score, int A, int B)> FuzzyEdges(IntSets sets, int knownCount)
    {
        // Blocks (two-letter city prefix | three-letter token prefix) compared when they list 2..MaxBlockSize entries (a row
        // once per token, as in IdentityResolver); numbered by key here, not by creation: a pair is scored once, in the first
        // compared block the two rows share, so the set of edges does not depend on the numbering (edges are sorted fully).
        Execute($"""
            CREATE TEMP TABLE {_p}_blk AS
            WITH t AS (SELECT n.ord, t.block FROM {_p}_tok AS t JOIN {_p}_node AS n ON n.seq = t.seq),
                 b AS (SELECT block, CAST(row_number() OVER (ORDER BY block) AS INTEGER) AS bid FROM t GROUP BY block
                       HAVING count(*) BETWEEN 2 AND {_options.MaxBlockSize.ToString(CultureInfo.InvariantCulture)})
            SELECT DISTINCT t.ord, b.bid FROM t JOIN b ON b.block = t.block
            """);
        Execute($"DROP TABLE {_p}_tok");

        var edges = new List<(double Score, int A, int B)>();
        var block = new List<Member>();
        var pool = new Stack<Member>();
        var current = -1;
        using (var command = Command($"""
                   SELECT x.bid, x.ord, n.tokens, n.city, n.birth_day, l.blocks
                   FROM {_p}_blk AS x
                   JOIN {_p}_node AS n ON n.ord = x.ord
                   JOIN (SELECT ord, string_agg(CAST(bid AS VARCHAR), ',' ORDER BY bid) AS blocks FROM {_p}_blk GROUP BY ord) AS l ON l.ord = x.ord
                   ORDER BY x.bid, x.ord
                   """, streaming: true))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var bid = reader.GetInt32(0);
                if (bid != current)
                {
                    Compare(current);
                    foreach (var m in block)
                        pool.Push(m);
                    block.Clear();
                    current = bid;
                }
                var member = pool.Count > 0 ? pool.Pop() : new Member();
                member.Ord = reader.GetInt32(1);
                member.Name = reader.GetString(2).Split(' ');
                member.City = reader.GetString(3);
                member.Birth = Int(reader, 4, NoDay);
                member.Blocks = reader.GetString(5).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                block.Add(member);
            }
            Compare(current);
        }
        Execute($"DROP TABLE {_p}_blk");

        void Compare(int blockId)
        {
            foreach (var ma in block)
            {
                var a = ma.Ord;
                if (!MayLook(a))
                    continue;
                foreach (var mb in block)
                {
                    var b = mb.Ord;
                    if (!LooksAt(a, ma.Birth, b, mb.Birth))
                        continue;
                    if (b < a && MayLook(b) && LooksAt(b, mb.Birth, a, ma.Birth))
                        continue; // scored from b's side
                    if (SharedBefore(ma.Blocks, mb.Blocks, blockId))
                        continue; // scored in an earlier block
                    if (ma.Birth != NoDay && mb.Birth != NoDay && ma.Birth != mb.Birth)
                        continue;
                    var city = JaroWinkler.Similarity(ma.City, mb.City);
                    if (city < _options.MinCitySimilarity)
                        continue;
                    var score = _options.NameWeight * NameNormalizer.Similarity(ma.Name, mb.Name) + (1 - _options.NameWeight) * city;
                    if (score >= _options.FuzzyThreshold)
                        edges.Add((score, Math.Min(a, b), Math.Max(a, b)));
                }
            }
        }

        static bool SharedBefore(int[] x, int[] y, int blockId)
        {
            // Both lists are sorted: is there a common block below blockId?
            int i = 0, j = 0;
            while (i < x.Length && j < y.Length && x[i] < blockId && y[j] < blockId)
            {
                if (x[i] == y[j])
                    return true;
                if (x[i] < y[j])
                    i++;
                else
                    j++;
            }
            return false;
        }

        // Rows of known customers never look for partners; rows tied to a new CRM id look only when CRM duplicates may be merged.
        bool MayLook(int x)
        {
            var root = sets.Find(x);
            return x >= knownCount && sets.Known[root] == NoKey && (sets.Crm[root] == NoId || _options.MergeCrmDuplicates);
        }

        // A row tied to a CRM id looks only for other CRM ids, which need the same known birth date on both rows.
        bool LooksAt(int x, int birthX, int y, int birthY)
        {
            var rootX = sets.Find(x);
            var rootY = sets.Find(y);
            if (x == y || rootX == rootY)
                return false;
            return sets.Crm[rootX] == NoId || (sets.Crm[rootY] != NoId && birthX != NoDay && birthY != NoDay);
        }

        IdentityResolver.DropAmbiguousAndSort(edges, _options, sets.Find, row => row >= knownCount && sets.Known[sets.Find(row)] == NoKey, sets.IsAnchored);
        return edges;
    }

    /// <summary>IdentityResolver's union–find with integer anchors: known key, CRM id, e-mail key id, phone id, birth day,
    /// and the row whose name tokens the set carries (for the CRM-duplicate name check).</summary>
    private sealed class IntSets
    {
        private readonly int[] _parent;
        private readonly int[] _email;
        private readonly int[] _phone;
        private readonly int[] _birth;
        private readonly int[] _nameRow;
        private readonly IdentityResolverOptions _options;
        private readonly EngineIdentityResolver _owner;
        private readonly Dictionary<int, string[]> _names = [];

        public IntSets(int n, IdentityResolverOptions options, EngineIdentityResolver owner)
        {
            _parent = new int[n];
            Known = new int[n];
            Crm = new int[n];
            _email = new int[n];
            _phone = new int[n];
            _birth = new int[n];
            _nameRow = new int[n];
            _options = options;
            _owner = owner;
        }

        /// <summary>Known key of a root (<see cref="NoKey"/>: none).</summary>
        public int[] Known { get; }

        /// <summary>CRM key id of a root (<see cref="NoId"/>: none).</summary>
        public int[] Crm { get; }

        /// <summary>Name tokens of the current deterministic group's CRM rows, by position.</summary>
        public Dictionary<int, string[]>? GroupNames { get; set; }

        public void Init(int ord, int known, int crm, int email, int phone, int birth, bool crmWithName)
        {
            _parent[ord] = ord;
            Known[ord] = known;
            Crm[ord] = crm;
            _email[ord] = email;
            _phone[ord] = phone;
            _birth[ord] = birth;
            _nameRow[ord] = crmWithName ? ord : NoId;
        }

        public bool Contradict(int a, int b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (Crm[ra] != NoId && Crm[rb] != NoId && Crm[ra] != Crm[rb])
                return _birth[ra] == NoDay || _birth[rb] == NoDay || _birth[ra] != _birth[rb]
                    || (_phone[ra] != NoId && _phone[rb] != NoId && _phone[ra] != _phone[rb]);
            return (_email[ra] != NoId && _email[rb] != NoId && _email[ra] != _email[rb])
                || (_phone[ra] != NoId && _phone[rb] != NoId && _phone[ra] != _phone[rb])
                || (_birth[ra] != NoDay && _birth[rb] != NoDay && _birth[ra] != _birth[rb]);
        }

        public bool IsAnchored(int root) => Known[root] != NoKey || Crm[root] != NoId;

        public int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }
            return x;
        }

        public bool TryUnion(int a, int b, bool fuzzy = false)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra == rb)
                return true;
            if (Known[ra] != NoKey && Known[rb] != NoKey && Known[ra] != Known[rb])
                return false;
            if (Crm[ra] != NoId && Crm[rb] != NoId && Crm[ra] != Crm[rb])
            {
                if (!_options.MergeCrmDuplicates)
                    return false;
                if (_birth[ra] != NoDay && _birth[rb] != NoDay && _birth[ra] != _birth[rb])
                    return false;
                if (!fuzzy && _nameRow[ra] != NoId && _nameRow[rb] != NoId
                    && NameNormalizer.Similarity(Name(_nameRow[ra]), Name(_nameRow[rb])) < _options.CrmDuplicateMinNameSimilarity)
                    return false;
            }
            Link(ra, rb);
            return true;
        }

        public void ForceUnion(int a, int b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra != rb)
                Link(ra, rb);
        }

        private string[] Name(int row)
        {
            if (GroupNames is not null && GroupNames.TryGetValue(row, out var tokens))
                return tokens;
            if (_names.TryGetValue(row, out tokens))
                return tokens;
            if (_names.Count >= 4096)
                _names.Clear(); // a small cache: names outside their group are rare
            return _names[row] = _owner.TokensOf(row);
        }

        private void Link(int ra, int rb)
        {
            var (root, child) = ra < rb ? (ra, rb) : (rb, ra);
            _parent[child] = root;
            if (Known[root] == NoKey)
                Known[root] = Known[child];
            if (Crm[root] == NoId)
                Crm[root] = Crm[child];
            if (_email[root] == NoId)
                _email[root] = _email[child];
            if (_phone[root] == NoId)
                _phone[root] = _phone[child];
            if (_birth[root] == NoDay)
                _birth[root] = _birth[child];
            if (_nameRow[root] == NoId)
                _nameRow[root] = _nameRow[child];
        }
    }

    private static int Int(DbDataReader reader, int ordinal, int missing) => reader.IsDBNull(ordinal) ? missing : reader.GetInt32(ordinal);

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = Command(sql);
        return command.ExecuteScalar();
    }

    private T Scalar<T>(string sql) => (T)Convert.ChangeType(Scalar(sql)!, typeof(T), CultureInfo.InvariantCulture);

    private DuckDBCommand Command(string sql, bool streaming = false)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = streaming;
        return command;
    }
}
