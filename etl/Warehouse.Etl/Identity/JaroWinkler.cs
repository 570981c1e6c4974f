using System.Runtime.CompilerServices;

namespace Warehouse.Etl.Identity;

/// <summary>
/// Jaro–Winkler similarity (Jaro 1989; Winkler 1990, "String Comparator Metrics and Enhanced Decision Rules in the
/// Fellegi-Sunter Model of Record Linkage"): matches within ⌊max(|a|,|b|)/2⌋−1 positions, half the transpositions,
/// plus a bonus of 0.1 per common prefix character (up to 4). 1 for equal strings, 0 when either is empty and the
/// other is not. O(|a|·|b|) time, no allocation for strings up to 128 characters.
/// </summary>
public static class JaroWinkler
{
    /// <summary>Jaro similarity in [0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Jaro(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b))
            return 1.0;
        if (a.IsEmpty || b.IsEmpty)
            return 0.0;
        var window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        Span<bool> aMatched = a.Length <= 128 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bMatched = b.Length <= 128 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var lo = Math.Max(0, i - window);
            var hi = Math.Min(b.Length - 1, i + window);
            for (var j = lo; j <= hi; j++)
            {
                if (bMatched[j] || a[i] != b[j])
                    continue;
                aMatched[i] = true;
                bMatched[j] = true;
                matches++;
                break;
            }
        }
        if (matches == 0)
            return 0.0;
        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
                continue;
            while (!bMatched[k])
                k++;
            if (a[i] != b[k])
                transpositions++;
            k++;
        }
        double m = matches;
        return (m / a.Length + m / b.Length + (m - transpositions / 2.0) / m) / 3.0;
    }

    /// <summary>Jaro–Winkler similarity in [0, 1] with prefix scale 0.1 and prefix length up to 4.</summary>
    public static double Similarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var jaro = Jaro(a, b);
        var prefix = 0;
        var max = Math.Min(4, Math.Min(a.Length, b.Length));
        while (prefix < max && a[prefix] == b[prefix])
            prefix++;
        return jaro + prefix * 0.1 * (1.0 - jaro);
    }
}
