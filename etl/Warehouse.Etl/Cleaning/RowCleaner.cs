namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Applies rule results column by column to one row and remembers the first problem, so a reader can build the
/// typed record and reject the row with column and reason when anything failed. Invalid values always reject
/// the row (a value is never silently replaced); missing values follow the column's <see cref="MissingValuePolicy"/>.
/// </summary>
public sealed class RowCleaner
{
    private readonly IReadOnlyDictionary<string, MissingValuePolicy>? _overrides;

    /// <summary>Creates a cleaner.</summary>
    /// <param name="policyOverrides">Per-column missing-value policies that replace the reader's defaults (column names case-insensitive).</param>
    public RowCleaner(IReadOnlyDictionary<string, MissingValuePolicy>? policyOverrides = null) =>
        _overrides = policyOverrides is null ? null : new Dictionary<string, MissingValuePolicy>(policyOverrides, StringComparer.OrdinalIgnoreCase);

    /// <summary>Column of the first problem in the current row, or <see langword="null"/>.</summary>
    public string? FailedColumn { get; private set; }

    /// <summary>Reason of the first problem in the current row, or <see langword="null"/>.</summary>
    public string? FailedReason { get; private set; }

    /// <summary>True when the current row has a problem.</summary>
    public bool HasFailed => FailedReason is not null;

    /// <summary>Starts a new row.</summary>
    public void Reset()
    {
        FailedColumn = null;
        FailedReason = null;
    }

    /// <summary>Records a row-level problem (wrong column count, duplicate…).</summary>
    public void Fail(string? column, string reason)
    {
        if (FailedReason is not null)
            return;
        FailedColumn = column;
        FailedReason = reason;
    }

    /// <summary>Effective missing-value policy of <paramref name="column"/>.</summary>
    public MissingValuePolicy PolicyOf(string column, MissingValuePolicy defaultPolicy) =>
        _overrides is not null && _overrides.TryGetValue(column, out var p) ? p : defaultPolicy;

    /// <summary>Takes a reference-type value: the cleaned value, null (missing, kept), or null with the row failed.</summary>
    public T? Take<T>(string column, RuleResult<T> result, MissingValuePolicy missing = MissingValuePolicy.KeepNull, T? defaultValue = null)
        where T : class
    {
        switch (result.Outcome)
        {
            case RuleOutcome.Valid:
                return result.Value;
            case RuleOutcome.Invalid:
                Fail(column, result.Reason!);
                return null;
            default:
                return Missing(column, missing, defaultValue);
        }
    }

    /// <summary>Takes a value-type value: the cleaned value, null (missing, kept), or null with the row failed.</summary>
    public T? TakeValue<T>(string column, RuleResult<T> result, MissingValuePolicy missing = MissingValuePolicy.KeepNull, T? defaultValue = null)
        where T : struct
    {
        switch (result.Outcome)
        {
            case RuleOutcome.Valid:
                return result.Value;
            case RuleOutcome.Invalid:
                Fail(column, result.Reason!);
                return null;
            default:
                return MissingValue(column, missing, defaultValue);
        }
    }

    private T? Missing<T>(string column, MissingValuePolicy missing, T? defaultValue)
        where T : class
    {
        switch (PolicyOf(column, missing))
        {
            case MissingValuePolicy.Reject:
                Fail(column, "required value is missing");
                return null;
            case MissingValuePolicy.UseDefault:
                return defaultValue;
            default:
                return null;
        }
    }

    private T? MissingValue<T>(string column, MissingValuePolicy missing, T? defaultValue)
        where T : struct
    {
        switch (PolicyOf(column, missing))
        {
            case MissingValuePolicy.Reject:
                Fail(column, "required value is missing");
                return null;
            case MissingValuePolicy.UseDefault:
                return defaultValue;
            default:
                return null;
        }
    }
}
