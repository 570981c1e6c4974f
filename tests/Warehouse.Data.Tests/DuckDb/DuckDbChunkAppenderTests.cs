using Dapper;
using Warehouse.Data.DuckDb;
using C = Warehouse.Data.DuckDb.DuckDbChunkAppender.Column;

namespace Warehouse.Data.Tests.DuckDb;

/// <summary>
/// The column-wise appender against what DuckDB reads back: every kind, NULLs, several chunks, hostile text; type
/// checks before any row; nothing written by an appender that was not closed.
/// </summary>
public sealed class DuckDbChunkAppenderTests
{
    private const string Table = """CREATE TABLE t (b BOOLEAN, i INTEGER, l BIGINT, ts TIMESTAMP, d DECIMAL(18, 4), s VARCHAR)""";

    private static readonly C[] Columns = [C.Boolean, C.Integer, C.BigInt, C.Timestamp, C.Decimal, C.Varchar];

    // Text a CSV or a null-terminated copy would get wrong: quotes, separators, line breaks, U+0000, surrogate pairs,
    // SQL, an empty string (not NULL), a long value, trailing spaces.
    private static readonly string?[] Texts =
    [
        "plain", "say \"hi\", then leave", "two\r\nlines\nand\rmore", "nul\0inside", "emoji 😀 and 中文 and é", "Robert'); DROP TABLE t;--",
        string.Empty, null, new string('x', 5000), "trailing  ", "\t",
    ];

    [Fact]
    public void Values_of_every_kind_read_back_exactly_across_several_chunks()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.DuckDbConnection;
        db.Execute(Table);
        const int rows = 5000; // 2,048 rows per chunk: two full chunks and a partial one
        var start = new DateTime(1969, 12, 31, 23, 59, 59);
        using (var appender = new DuckDbChunkAppender(db, null, "main", "t", Columns))
        {
            for (var r = 0; r < rows; r++)
            {
                appender.SetBoolean(0, r % 3 == 0);
                if (r % 7 == 0)
                {
                    appender.SetNull(1);
                }
                else
                {
                    appender.SetInt32(1, r % 2 == 0 ? -r : int.MaxValue - r);
                }

                appender.SetInt64(2, long.MinValue + r);
                appender.SetTimestamp(3, start.AddSeconds(r * 3_600L * 24 * 37));
                appender.SetDecimal(4, (r - 2500) * 1.0001m);
                appender.SetString(5, Texts[r % Texts.Length]);
                appender.EndRow();
            }

            appender.Close();
            Assert.Equal(rows, appender.RowCount);
        }

        var back = db.Query<(bool B, int? I, long L, DateTime Ts, decimal D, string? S)>("SELECT b, i, l, ts, d, s FROM t ORDER BY l").ToList();
        Assert.Equal(rows, back.Count);
        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(r % 3 == 0, back[r].B);
            Assert.Equal(r % 7 == 0 ? null : r % 2 == 0 ? -r : int.MaxValue - r, back[r].I);
            Assert.Equal(long.MinValue + r, back[r].L);
            Assert.Equal(start.AddSeconds(r * 3_600L * 24 * 37), back[r].Ts);
            Assert.Equal((r - 2500) * 1.0001m, back[r].D);
            Assert.Equal(Texts[r % Texts.Length], back[r].S);
        }
    }

    [Fact]
    public void The_same_string_instance_on_neighbouring_rows_is_written_each_time()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.DuckDbConnection;
        db.Execute("CREATE TABLE s (i INTEGER, v VARCHAR)");
        var repeated = "Ünïcode repeated";
        using (var appender = new DuckDbChunkAppender(db, null, "main", "s", C.Integer, C.Varchar))
        {
            for (var r = 0; r < 3000; r++)
            {
                appender.SetInt32(0, r);
                appender.SetString(1, r % 1000 == 999 ? "other" : repeated);
                appender.EndRow();
            }

            appender.Close();
        }

        Assert.Equal(2997, db.ExecuteScalar<long>("SELECT count(*) FROM s WHERE v = $v", new { v = repeated }));
        Assert.Equal(3, db.ExecuteScalar<long>("SELECT count(*) FROM s WHERE v = 'other'"));
    }

    [Theory]
    [InlineData("CREATE TABLE t (b BOOLEAN, i BIGINT, l BIGINT, ts TIMESTAMP, d DECIMAL(18, 4), s VARCHAR)", "Column 2 of main.t is BigInt; the appender writes Integer.")]
    [InlineData("CREATE TABLE t (b BOOLEAN, i INTEGER, l BIGINT, ts TIMESTAMP, d DECIMAL(38, 4), s VARCHAR)", "Column 5 of main.t is DECIMAL(38, 4); the appender writes widths 10 to 18.")]
    [InlineData("CREATE TABLE t (b BOOLEAN, i INTEGER, l BIGINT, ts TIMESTAMP, d DECIMAL(18, 4))", "main.t has 5 columns; the appender writes 6.")]
    public void A_table_that_does_not_match_the_columns_fails_before_any_row(string ddl, string message)
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.DuckDbConnection;
        db.Execute(ddl);

        var error = Assert.Throws<InvalidOperationException>(() => new DuckDbChunkAppender(db, null, "main", "t", Columns));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_missing_table_is_an_error_naming_it()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");

        var error = Assert.Throws<InvalidOperationException>(() => new DuckDbChunkAppender(warehouse.DuckDbConnection, null, "main", "nowhere", Columns));

        Assert.StartsWith("Cannot append to main.nowhere:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.00001")]
    [InlineData("100000000000000")]
    public void A_decimal_that_does_not_fit_exactly_is_refused(string value)
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.DuckDbConnection;
        db.Execute(Table);
        using var appender = new DuckDbChunkAppender(db, null, "main", "t", Columns);

        Assert.Throws<ArgumentOutOfRangeException>(() => appender.SetDecimal(4, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Rows_of_an_appender_disposed_without_close_are_discarded()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.DuckDbConnection;
        db.Execute("CREATE TABLE s (i INTEGER, v VARCHAR)");
        using (var appender = new DuckDbChunkAppender(db, null, "main", "s", C.Integer, C.Varchar))
        {
            for (var r = 0; r < 5000; r++) // two chunks already handed to DuckDB's buffer
            {
                appender.SetInt32(0, r);
                appender.SetString(1, "x");
                appender.EndRow();
            }
        }

        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM s"));
    }

    [Fact]
    public void A_duplicate_key_fails_the_close_with_duckdbs_reason()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var db = warehouse.DuckDbConnection;
        db.Execute("CREATE TABLE k (i INTEGER PRIMARY KEY, v VARCHAR)");
        using var appender = new DuckDbChunkAppender(db, null, "main", "k", C.Integer, C.Varchar);
        foreach (var i in new[] { 1, 2, 1 })
        {
            appender.SetInt32(0, i);
            appender.SetString(1, "v");
            appender.EndRow();
        }

        var error = Assert.Throws<InvalidOperationException>(appender.Close);

        Assert.Contains("main.k", error.Message, StringComparison.Ordinal);
        Assert.Contains("uplicate key", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT count(*) FROM k"));
    }
}
