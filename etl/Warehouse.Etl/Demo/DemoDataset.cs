namespace Warehouse.Etl.Demo;

/// <summary>A generated customer with the attributes the CRM file carries.</summary>
/// <param name="CustomerId">CRM id (also the purchase source's customer id).</param>
/// <param name="Archetype">Planted behaviour.</param>
/// <param name="FullName">Name.</param>
/// <param name="Email">E-mail address.</param>
/// <param name="Phone">Phone number.</param>
/// <param name="BirthDate">Date of birth.</param>
/// <param name="Gender">female, male, other or unknown.</param>
/// <param name="City">City.</param>
/// <param name="Country">Country.</param>
/// <param name="ConsentMarketing">Marketing consent.</param>
/// <param name="ConsentProfiling">Profiling consent (false: excluded from segmentation).</param>
public sealed record DemoCustomer(string CustomerId, DemoArchetype Archetype, string FullName, string Email, string Phone, DateOnly BirthDate,
    string Gender, string City, string Country, bool ConsentMarketing, bool ConsentProfiling);

/// <summary>Paths of the generated files.</summary>
/// <param name="Customers">CRM customers CSV.</param>
/// <param name="Transactions">Purchase transactions CSV (Online Retail layout).</param>
/// <param name="Truth">Planted archetype per customer (for tests; never loaded).</param>
/// <param name="WebEvents">Web events, JSON lines.</param>
/// <param name="SocialComments">Social comments, JSON array.</param>
/// <param name="Demographics">Survey answers, CSV.</param>
public sealed record DemoFiles(string Customers, string Transactions, string Truth, string WebEvents, string SocialComments, string Demographics);

/// <summary>What the generator wrote.</summary>
/// <param name="Files">The files.</param>
/// <param name="Truth">Planted archetype by customer id.</param>
/// <param name="Customers">The customers.</param>
/// <param name="PurchaseLines">Purchase lines written.</param>
public sealed record DemoDataset(DemoFiles Files, IReadOnlyDictionary<string, DemoArchetype> Truth, IReadOnlyList<DemoCustomer> Customers, long PurchaseLines);
