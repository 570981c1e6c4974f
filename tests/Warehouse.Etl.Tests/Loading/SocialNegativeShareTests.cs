using Dapper;
using Warehouse.Etl.Loading;
using Warehouse.Etl.Segmenting;
using Warehouse.Etl.Text;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// The optional feature SocialNegativeShare (Segmentation.CustomerFeatureSource): the share of a customer's comments
/// labelled negative, as the host's CustomerTextProfile.ShareNegative. Labels by hand from the lexicons
/// (etl/Warehouse.Etl/Text/Data): "slow" −1 and "broken" −1 make a comment negative, "great" +3 positive, and
/// "Slow delivery. Great price." sums to +2, positive. Customers 1001 (three comments: two negative), 1002 (one
/// positive) and 1003 (no comment) each bought once.
/// </summary>
public sealed class SocialNegativeShareTests : CustomerSeededTests
{
    private const string Crm = "crm_customer_id,full_name,email,phone,birth_date,gender,city,country,signup_date,consent_marketing,consent_profiling,updated_at\n" +
        "1001,Ann A,a@example.com,,,,London,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "1002,Bob B,b@example.com,,,,Leeds,United Kingdom,,,,2024-06-01 09:30:00\n" +
        "1003,Cy C,c@example.com,,,,York,United Kingdom,,,,2024-06-01 09:30:00\n";

    private const string Purchases = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
        "536365,85123A,HEART,6,2024-05-01 08:26:00,2.55,1001,United Kingdom\n" +
        "536366,71053,LANTERN,2,2024-05-02 08:26:00,3.39,1002,United Kingdom\n" +
        "536367,22633,WARMER,12,2024-05-03 08:28:00,1.25,1003,United Kingdom\n";

    private static readonly (string Email, string Text)[] Comments =
    [
        ("a@example.com", "Slow delivery."),
        ("a@example.com", "Slow delivery. Great price."),
        ("a@example.com", "Broken zipper."),
        ("b@example.com", "Great price."),
    ];

    [Fact]
    public void The_feature_is_the_share_of_negative_comments_as_the_hosts_text_profile_computes_it()
    {
        using var warehouse = Data.DuckDb.DuckDbWarehouse.Open(":memory:");
        CrmLoader.Load(warehouse, Write("crm.csv", Crm));
        TransactionLoader.Load(warehouse, Write("purchases.csv", Purchases));
        var json = "[" + string.Join(",\n", Comments.Select((c, i) =>
            $$"""{"platform":"x","comment_id":"n{{i}}","handle":"@h{{c.Email[0]}}","email":"{{c.Email}}","timestamp":"2024-05-0{{i + 1}}T10:00:00Z","text":"{{c.Text}}"}""")) + "]";
        InteractionLoaders.LoadSocial(warehouse, Write("social.json", json));

        var features = warehouse.Connection.Query<(string Crm, long Comments, double NegativeShare)>("""
            SELECT c."CrmCustomerId", CAST(f."SocialComments" AS BIGINT), f."SocialNegativeShare"
            FROM "Segmentation"."CustomerFeatureSource" AS f
            JOIN "Dimension"."Customer" AS c ON c."CustomerKey" = f."CustomerKey" AND c."ValidTo" = TIMESTAMP '9999-12-31'
            ORDER BY 1
            """).ToList();

        Assert.Equal([("1001", 3L, 2.0 / 3), ("1002", 1L, 0.0), ("1003", 0L, 0.0)], features);
        var profiles = TextAggregation.ByCustomer(Comments.Select(c => (c.Email, CommentAnalysis.Of(c.Text))));
        Assert.Equal([2.0 / 3, 0.0], profiles.Select(p => p.ShareNegative));
    }

    [Fact]
    public void The_feature_is_optional_and_the_default_features_stay_as_they_were()
    {
        Assert.Equal(["RecencyDays", "Frequency", "MonetaryValue", "AverageOrderValue", "TenureDays"], FeatureCatalog.Defaults);
        var feature = Assert.Single(FeatureCatalog.Resolve(["socialnegativeshare"]));
        Assert.Equal("SocialNegativeShare", feature.Name);
        Assert.False(feature.IsDefault);
    }
}
