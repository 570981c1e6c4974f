namespace Warehouse.Etl.Identity;

/// <summary>Settings of <see cref="IdentityResolver"/>.</summary>
public sealed class IdentityResolverOptions
{
    /// <summary>Defaults: all rules on, threshold <see cref="DefaultFuzzyThreshold"/>.</summary>
    public static IdentityResolverOptions Default { get; } = new();

    /// <summary>Default fuzzy threshold: best F1 on the tuning seed of the generated data (IdentityQualityTests: 0.85–0.97 swept; 0.90 gave precision 0.989, recall 0.824).</summary>
    public const double DefaultFuzzyThreshold = 0.90;

    /// <summary>Minimum combined name/city similarity for a fuzzy link, in (0, 1]. Higher: fewer false merges, more missed duplicates.</summary>
    public double FuzzyThreshold { get; init; } = DefaultFuzzyThreshold;

    /// <summary>Minimum city similarity (Jaro–Winkler on folded city names) for a fuzzy link. Default 0.9.</summary>
    public double MinCitySimilarity { get; init; } = 0.9;

    /// <summary>Weight of the name in the combined similarity (the city gets the rest). Default 0.8.</summary>
    public double NameWeight { get; init; } = 0.8;

    /// <summary>Link rows with the same normalised e-mail. Default true.</summary>
    public bool MatchEmail { get; init; } = true;

    /// <summary>Link rows with the same E.164 phone. Default true.</summary>
    public bool MatchPhone { get; init; } = true;

    /// <summary>Use the fuzzy name + city rule for rows the deterministic rules did not tie to a CRM customer. Default true.</summary>
    public bool MatchFuzzy { get; init; } = true;

    /// <summary>
    /// Tie two CRM ids to one customer (the same person registered twice): by the same e-mail or phone when the names are
    /// similar (<see cref="CrmDuplicateMinNameSimilarity"/>) and the birth dates do not differ, or by the fuzzy name + city
    /// rule when both rows carry the same birth date (the e-mail may differ: a new address). Never joins two customers
    /// that both exist already. Default true; false gives the earlier behaviour (one customer per CRM id).
    /// </summary>
    public bool MergeCrmDuplicates { get; init; } = true;

    /// <summary>Minimum name similarity for tying two CRM ids by the same e-mail or phone. Default 0.8 (a couple sharing an address scores about 0.5–0.7).</summary>
    public double CrmDuplicateMinNameSimilarity { get; init; } = 0.8;

    /// <summary>A row whose two best fuzzy partners are different CRM customers within this score margin is not linked. Default 0.03.</summary>
    public double AmbiguityMargin { get; init; } = 0.03;

    /// <summary>Blocks larger than this are not compared pairwise (a very common name in a big city); default 5 000.</summary>
    public int MaxBlockSize { get; init; } = 5000;
}
