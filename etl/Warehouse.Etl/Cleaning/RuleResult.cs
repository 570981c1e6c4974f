namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Outcome of a cleaning rule on one value: a cleaned value, a missing value (empty input), or a reason why the
/// input is invalid. Rules never throw on bad data; the caller turns an invalid result into a reject row naming
/// the column and <see cref="Reason"/>.
/// </summary>
/// <typeparam name="T">Cleaned value type.</typeparam>
public readonly record struct RuleResult<T>
{
    private RuleResult(RuleOutcome outcome, T? value, string? reason)
    {
        Outcome = outcome;
        Value = value;
        Reason = reason;
    }

    /// <summary>Valid, missing or invalid.</summary>
    public RuleOutcome Outcome { get; }

    /// <summary>The cleaned value when <see cref="Outcome"/> is <see cref="RuleOutcome.Valid"/>; default otherwise.</summary>
    public T? Value { get; }

    /// <summary>Why the input is invalid; <see langword="null"/> unless <see cref="Outcome"/> is <see cref="RuleOutcome.Invalid"/>.</summary>
    public string? Reason { get; }

    /// <summary>True for a cleaned value.</summary>
    public bool IsValid => Outcome == RuleOutcome.Valid;

    /// <summary>True when the input was empty or blank.</summary>
    public bool IsMissing => Outcome == RuleOutcome.Missing;

    /// <summary>True when the input could not be cleaned.</summary>
    public bool IsInvalid => Outcome == RuleOutcome.Invalid;

    /// <summary>A cleaned value.</summary>
    public static RuleResult<T> Ok(T value) => new(RuleOutcome.Valid, value, null);

    /// <summary>An empty input.</summary>
    public static RuleResult<T> Missing() => new(RuleOutcome.Missing, default, null);

    /// <summary>An input that cannot be cleaned, with the reason.</summary>
    public static RuleResult<T> Invalid(string reason) => new(RuleOutcome.Invalid, default, reason ?? throw new ArgumentNullException(nameof(reason)));

    /// <inheritdoc/>
    public override string ToString() => Outcome switch
    {
        RuleOutcome.Valid => $"Valid({Value})",
        RuleOutcome.Missing => "Missing",
        _ => $"Invalid({Reason})",
    };
}

/// <summary>Outcome kinds of <see cref="RuleResult{T}"/>.</summary>
public enum RuleOutcome
{
    /// <summary>Cleaned value available.</summary>
    Valid,

    /// <summary>Empty or blank input.</summary>
    Missing,

    /// <summary>Input cannot be cleaned; see the reason.</summary>
    Invalid,
}
