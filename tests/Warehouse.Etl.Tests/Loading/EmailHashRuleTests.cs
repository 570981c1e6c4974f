using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Etl.Cleaning;

namespace Warehouse.Etl.Tests.Loading;

/// <summary>
/// The web link by hashed e-mail works only if the three places that hash agree: the web source's
/// <see cref="EmailRules.Sha256Hex"/>, DuckDB's <c>sha256</c> (the host migration) and, in SQL Server,
/// LOWER(CONVERT(…, HASHBYTES('SHA2_256', UTF-8 bytes), 2)) (read from the procedure in Warehouse.Database.Tests).
/// All are SHA-256 of the UTF-8 bytes as lower-case hex; the reference digest of "abc" is FIPS 180-2's example.
/// </summary>
public sealed class EmailHashRuleTests
{
    [Theory]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("zoë.müller@example.com", null)]
    [InlineData("anna.smith@example.com", null)]
    public void The_web_source_and_duckdb_hash_an_email_the_same_way(string email, string? reference)
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var duckDb = warehouse.Connection.ExecuteScalar<string>("SELECT sha256($email)", new { email });

        Assert.Equal(EmailRules.Sha256Hex(email), duckDb);
        Assert.Matches("^[0-9a-f]{64}$", duckDb!);
        if (reference is not null)
        {
            Assert.Equal(reference, duckDb);
        }
    }
}
