namespace Warehouse.Etl.Demo;

/// <summary>Size and seed of the demo sample.</summary>
public sealed class DemoOptions
{
    /// <summary>Customers to generate (default 20,000).</summary>
    public int Customers { get; set; } = 20_000;

    /// <summary>Approximate purchase lines to generate (default 500,000).</summary>
    public int Lines { get; set; } = 500_000;

    /// <summary>Random seed: the same seed gives the same files.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Share of customers who refuse profiling (excluded from segmentation).</summary>
    public double ProfilingRefusalRate { get; set; } = 0.03;

    /// <summary>
    /// Share of customers registered a second time in the CRM under another id (default 0): name with a typo or in
    /// capitals, the same e-mail, a sub-address of it or a new one, the phone in half the cases. Identity tests use it to
    /// measure CRM duplicate matching; both ids stay in <see cref="DemoDataset.IdentityTruth"/> with the same customer.
    /// </summary>
    public double CrmDuplicateRate { get; set; }

    /// <summary>Folder the source files are written to.</summary>
    public string OutputFolder { get; set; } = "demo-data";

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Customers < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Customers), Customers, "must be ≥ 10");
        }

        if (Lines < Customers)
        {
            throw new ArgumentOutOfRangeException(nameof(Lines), Lines, "must be ≥ the number of customers");
        }

        if (ProfilingRefusalRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ProfilingRefusalRate), ProfilingRefusalRate, "must be between 0 and 1");
        }

        if (CrmDuplicateRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CrmDuplicateRate), CrmDuplicateRate, "must be between 0 and 1");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(OutputFolder);
    }
}
