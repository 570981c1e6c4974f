using System.Globalization;

namespace Warehouse.Etl.Sources.Csv;

/// <summary>
/// Words a CSV header that lacks an expected column so the user can find the place: the error names the expected column
/// and points at the 1-based position of the first header column that matched nothing (the likely misspelling), or just
/// past the last column when every column matched something else (the column is absent).
/// </summary>
internal static class HeaderMismatch
{
    /// <summary>Where to point and what is there.</summary>
    /// <param name="names">Header names in file order.</param>
    /// <param name="claimed">0-based positions that matched an expected column.</param>
    /// <returns>The 1-based position and a phrase describing it.</returns>
    public static (int Position, string Found) Locate(IReadOnlyList<string> names, IReadOnlySet<int> claimed)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(claimed);
        for (var i = 0; i < names.Count; i++)
        {
            if (!claimed.Contains(i))
            {
                return (i + 1, string.Create(CultureInfo.InvariantCulture, $"column {i + 1} is '{names[i]}', which matches no expected column"));
            }
        }

        return (names.Count + 1, string.Create(CultureInfo.InvariantCulture, $"all {names.Count} header columns match other fields"));
    }

    /// <summary>The header as "1 'a', 2 'b'" for messages.</summary>
    public static string List(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return string.Join(", ", names.Select((name, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1} '{name}'")));
    }
}
