using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Sources;

/// <summary>
/// The raw text of one source row by field position in a schema (<see cref="FieldSpec"/> list), independent of
/// whether it came from CSV or JSON. A field can be absent (null), present, or unreadable (invalid UTF-8, a JSON
/// object where a scalar was expected), in which case <see cref="Apply{T}"/> reports it as invalid.
/// </summary>
internal abstract class FieldSource
{
    /// <summary>Raw text of field <paramref name="index"/> (exact, untrimmed) or null when absent; error when unreadable.</summary>
    public abstract string? Get(int index, out string? error);

    /// <summary>Runs a cleaning rule on field <paramref name="index"/>.</summary>
    public RuleResult<T> Apply<T>(int index, Func<string?, RuleResult<T>> rule)
    {
        var text = Get(index, out var error);
        return error is not null ? RuleResult<T>.Invalid(error) : rule(text);
    }

    /// <summary>Exact text of field <paramref name="index"/> (free text: nothing trimmed); null is missing.</summary>
    public RuleResult<string> Exact(int index, int maxLength)
    {
        var text = Get(index, out var error);
        if (error is not null)
            return RuleResult<string>.Invalid(error);
        if (text is null)
            return RuleResult<string>.Missing();
        return text.Length > maxLength ? RuleResult<string>.Invalid($"longer than {maxLength} characters ({text.Length})") : RuleResult<string>.Ok(text);
    }
}
