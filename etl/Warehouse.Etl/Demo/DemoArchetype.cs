namespace Warehouse.Etl.Demo;

/// <summary>The behaviour planted in a demo customer (the truth a segmentation should recover).</summary>
public enum DemoArchetype
{
    /// <summary>Frequent, recent, high order value.</summary>
    LoyalHighSpender,

    /// <summary>Frequent, cheap items, low order value, more cancellations.</summary>
    BargainHunter,

    /// <summary>Bought a few times early in the window, then nothing for 200+ days.</summary>
    Lapsed,

    /// <summary>First purchase in the last weeks of the window.</summary>
    New,

    /// <summary>A few purchases across the year, the last one one to four months ago.</summary>
    Occasional,
}
