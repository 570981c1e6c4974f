namespace Warehouse.Etl.Tests.Support;

/// <summary>A fact that is skipped, with the reason shown, when ../shared/data/online-retail/online_retail.csv is absent.</summary>
public sealed class OnlineRetailFactAttribute : FactAttribute
{
    public OnlineRetailFactAttribute()
    {
        if (!File.Exists(Path.Combine(TestPaths.OnlineRetailFolder, "online_retail.csv")))
        {
            Skip = $"{Path.Combine("..", "shared", "data", "online-retail", "online_retail.csv")} is absent (the Online Retail data set is not on this machine)";
        }
    }
}
