namespace Warehouse.Data.Tests;

public sealed class SqlDialectTests
{
    [Theory]
    [InlineData("SELECT * FROM t WHERE a = @a AND b = @b_2", "SELECT * FROM t WHERE a = $a AND b = $b_2")]
    [InlineData("SELECT '@notParam', \"@col\", [@x] FROM t WHERE a = @a", "SELECT '@notParam', \"@col\", [@x] FROM t WHERE a = $a")]
    [InlineData("SELECT 'it''s @x' + @y", "SELECT 'it''s @x' + $y")]
    [InlineData("SELECT @@ROWCOUNT -- @comment\n, @p /* @block */", "SELECT @@ROWCOUNT -- @comment\n, $p /* @block */")]
    [InlineData("SELECT a@b.com", "SELECT a$b.com")]
    public void Parameters_outside_literals_and_comments_get_the_engine_prefix(string sql, string expected) =>
        Assert.Equal(expected, SqlDialect.RewriteParameters(sql, '$'));

    [Fact]
    public void The_sql_server_prefix_leaves_text_unchanged()
    {
        const string sql = "SELECT @a";
        Assert.Same(sql, SqlDialect.RewriteParameters(sql, '@'));
    }
}
