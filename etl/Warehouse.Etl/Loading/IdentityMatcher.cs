using Warehouse.Data.Loading;
using Warehouse.Etl.Identity;

namespace Warehouse.Etl.Loading;

/// <summary>
/// The identity resolver's settings as a CRM matcher: <see cref="InEngine"/> for the loaders (strings stay in DuckDB), or
/// converted to a <see cref="CustomerMatcher"/> over lists (<see cref="IdentityResolver"/>, everything in the host).
/// </summary>
public sealed class IdentityMatcher
{
    internal IdentityMatcher(IdentityResolverOptions? options) => Options = options;

    /// <summary>Resolver settings (null: defaults).</summary>
    public IdentityResolverOptions? Options { get; }

    /// <summary>The engine-backed matcher (<see cref="EngineIdentityResolver"/>).</summary>
    public CustomerTableMatcher InEngine => (connection, incoming, current, match) => IdentityMatching.MatchTables(connection, incoming, current, match, Options);

    /// <summary>The matcher over lists (<see cref="IdentityResolver"/>).</summary>
    public CustomerMatcher OverLists => (incoming, current) => IdentityMatching.MatchLists(incoming, current, Options);

    /// <summary>The matcher over lists.</summary>
    public static implicit operator CustomerMatcher(IdentityMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        return matcher.OverLists;
    }

    /// <summary>The matcher over lists (named alternative of the implicit conversion).</summary>
    public CustomerMatcher ToCustomerMatcher() => OverLists;
}
