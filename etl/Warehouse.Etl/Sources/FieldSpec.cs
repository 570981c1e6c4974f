namespace Warehouse.Etl.Sources;

/// <summary>
/// A field of a source format: canonical snake_case name (used in rejects and FORMATS.md), accepted aliases,
/// and whether a CSV header must contain it. Names match after removing <c>_</c>, <c>-</c>, spaces and case, so
/// <c>crm_customer_id</c>, <c>CrmCustomerId</c> and <c>crm customer id</c> are the same field.
/// </summary>
/// <param name="Name">Canonical name.</param>
/// <param name="RequiredColumn">True when a CSV file without this column cannot be read.</param>
/// <param name="Aliases">Other accepted names.</param>
public sealed record FieldSpec(string Name, bool RequiredColumn, params string[] Aliases)
{
    /// <summary>Folds a field name for matching: letters and digits only, lower-case invariant.</summary>
    public static string Fold(string name) =>
        string.Concat((name ?? throw new ArgumentNullException(nameof(name))).Where(char.IsLetterOrDigit)).ToLowerInvariant();

    /// <summary>All folded names this field answers to.</summary>
    public IEnumerable<string> FoldedNames => Aliases.Prepend(Name).Select(Fold);
}
