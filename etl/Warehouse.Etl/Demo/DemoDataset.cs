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
/// <param name="IdentityTruth">Customer behind every CRM row, web session and social comment (source, source_key, customer_id; for tests; never loaded).</param>
/// <param name="CustomersJson">The same CRM rows as <paramref name="Customers"/>, as a JSON array (the CRM source's JSON format; <c>load crm</c> reads either, not both).</param>
/// <param name="TransactionMapping">The column mapping of <paramref name="Transactions"/> (<c>load transactions --mapping</c>; the demo loads with it).</param>
public sealed record DemoFiles(string Customers, string Transactions, string Truth, string WebEvents, string SocialComments, string Demographics, string IdentityTruth,
    string CustomersJson, string TransactionMapping);

/// <summary>The customer behind one source row (identity-resolution truth).</summary>
/// <param name="Source">crm (key: CRM id, a planted duplicate included), web (key: tracker session id) or social (key: comment id).</param>
/// <param name="SourceKey">Key of the row in its source.</param>
/// <param name="CustomerId">CRM id of the customer it really belongs to.</param>
public sealed record DemoIdentityTruth(string Source, string SourceKey, string CustomerId);

/// <summary>What the generator wrote.</summary>
/// <param name="Files">The files.</param>
/// <param name="Truth">Planted archetype by customer id.</param>
/// <param name="Customers">The customers.</param>
/// <param name="PurchaseLines">Purchase lines written.</param>
/// <param name="IdentityTruth">The customer behind every CRM row, web session and social comment.</param>
public sealed record DemoDataset(DemoFiles Files, IReadOnlyDictionary<string, DemoArchetype> Truth, IReadOnlyList<DemoCustomer> Customers, long PurchaseLines,
    IReadOnlyList<DemoIdentityTruth> IdentityTruth);
