using Warehouse.Data.Loading;
using Warehouse.Etl.Identity;

namespace Warehouse.Etl.Loading;

/// <summary>
/// Plugs <see cref="IdentityResolver"/> (deterministic CRM id, e-mail, phone rules, then fuzzy name + city) into the
/// CRM migration: the current customers (once per CRM id they have) are the known identities, the incoming CRM rows the
/// records to resolve. Several new CRM ids tied to one person come back as one new-customer group.
/// </summary>
public static class IdentityMatching
{
    /// <summary>A matcher using the resolver with <paramref name="options"/> (default threshold when null).</summary>
    public static CustomerMatcher Create(IdentityResolverOptions? options = null) => (incoming, current) =>
    {
        var known = current.Select(c => new KnownCustomer(c.CustomerKey, c.CrmCustomerId, c.Email, c.Phone, c.FullName, c.City, c.BirthDate)).ToList();
        var resolver = new IdentityResolver(known, options);
        var records = incoming.Select(i => new IdentityRecord("crm", i.CrmCustomerId, i.CrmCustomerId, i.Email, i.Phone, i.FullName, i.City, i.BirthDate)).ToList();
        var firstNew = current.Count == 0 ? 1 : current.Max(c => c.CustomerKey) + 1;
        var matches = resolver.Resolve(records, firstNew);
        return matches.Select((m, index) => new CustomerMatch
        {
            CrmCustomerId = incoming[index].CrmCustomerId,
            CustomerKey = m.IsNewCustomer ? null : m.CustomerKey,
            NewCustomerGroup = m.IsNewCustomer ? m.CustomerKey - firstNew : null,
            MatchRule = m.Rule switch
            {
                MatchRule.Email => "email",
                MatchRule.Phone => "phone",
                MatchRule.FuzzyNameCity => "fuzzy-name-city",
                _ => "crm-id",
            },
        }).ToList();
    };
}
