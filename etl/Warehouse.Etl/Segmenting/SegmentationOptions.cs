namespace Warehouse.Etl.Segmenting;

/// <summary>Parameters of a segmentation run.</summary>
public sealed class SegmentationOptions
{
    /// <summary>Named configuration: segments, memberships and history are kept per configuration.</summary>
    public string ConfigurationName { get; set; } = "default";

    /// <summary>Number of segments when <see cref="KRange"/> is null.</summary>
    public int K { get; set; } = 5;

    /// <summary>When set, k is chosen in this range by the best mean silhouette (on a sample).</summary>
    public (int Min, int Max)? KRange { get; set; }

    /// <summary>Feature names (see <see cref="FeatureCatalog"/>).</summary>
    public IReadOnlyList<string> Features { get; set; } = FeatureCatalog.Defaults;

    /// <summary>Random seed of k-means++ and of the silhouette sample.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>k-means restarts (best inertia kept).</summary>
    public int Restarts { get; set; } = 10;

    /// <summary>Rows used to compute silhouettes (exact silhouette is O(n²)).</summary>
    public int SilhouetteSampleSize { get; set; } = 4000;

    /// <summary>Parses "2..10" (or "2-10").</summary>
    /// <exception cref="ArgumentException">Not a valid range.</exception>
    public static (int Min, int Max) ParseRange(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(["..", "-"], StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], out var min) || !int.TryParse(parts[1], out var max))
        {
            throw new ArgumentException($"--k-range must look like 2..10, not '{text}'.", nameof(text));
        }

        return (min, max);
    }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ConfigurationName);
        if (ConfigurationName.Length > 100)
        {
            throw new ArgumentException("The configuration name must be at most 100 characters.", nameof(ConfigurationName));
        }

        if (KRange is { } r && (r.Min < 2 || r.Max < r.Min || r.Max > 50))
        {
            throw new ArgumentException($"--k-range {r.Min}..{r.Max} is invalid: it needs 2 ≤ min ≤ max ≤ 50.", nameof(KRange));
        }

        if (KRange is null && (K < 1 || K > 100))
        {
            throw new ArgumentException($"--k {K} is invalid: it must be between 1 and 100.", nameof(K));
        }

        if (Restarts < 1)
        {
            throw new ArgumentException($"--restarts {Restarts} is invalid: it must be ≥ 1.", nameof(Restarts));
        }

        if (SilhouetteSampleSize < 10)
        {
            throw new ArgumentException("The silhouette sample must hold at least 10 rows.", nameof(SilhouetteSampleSize));
        }
    }
}
