using System.Text;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

public sealed class CsvRecordReaderTests
{
    private static List<(long Line, string[] Fields, string Raw)> ReadAll(string text, int chunk = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Stream stream = chunk > 0 ? new TrickleStream(bytes, chunk) : new MemoryStream(bytes);
        using var reader = new CsvRecordReader(stream, "test.csv");
        var records = new List<(long, string[], string)>();
        while (reader.Read())
        {
            records.Add((reader.LineNumber, Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray(), reader.RawRecord));
        }

        return records;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Quoted_fields_doubled_quotes_line_breaks_and_crlf_are_read_exactly(int chunk)
    {
        var text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3 \n";
        var records = ReadAll(text, chunk);

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["x, y", "say \"hi\"", "two\nlines"], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal("\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"", records[1].Raw);
        Assert.Equal(["1", "", "3 "], records[2].Fields); // trailing space kept; blank line 4 skipped
        Assert.Equal(5, records[2].Line);
    }

    [Fact]
    public void Last_record_without_line_break_is_read()
    {
        var records = ReadAll("h1,h2\nv1,\"v2\"");
        Assert.Equal(["v1", "v2"], records[1].Fields);
    }

    [Theory]
    [InlineData("h\nok\n\"never closed\nmore\n", 3, 1, "unterminated quoted field")]
    [InlineData("h1,h2\nab\"c,d\n", 2, 3, "quote character inside an unquoted field")]
    [InlineData("h1,h2\n\"ab\"c,d\n", 2, 5, "after the closing quote")]
    public void Malformed_text_names_line_column_and_reason(string text, long line, int column, string reason)
    {
        var e = Assert.Throws<CsvFormatException>(() => ReadAll(text, 2));
        Assert.Equal("test.csv", e.SourceName);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.Contains($"line {line}, column {column}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_a_format_error_not_garbage()
    {
        var bytes = Encoding.UTF8.GetBytes("h1,h2\nab,").Concat(new byte[] { 0xC3, 0x28, 0x0A }).ToArray();
        using var reader = new CsvRecordReader(new MemoryStream(bytes), "bad.csv");
        var e = Assert.Throws<CsvFormatException>(() =>
        {
            while (reader.Read())
            {
            }
        });
        Assert.Contains("not valid UTF-8", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_longer_than_the_buffer_are_read_whole()
    {
        var big = new string('x', 200_000);
        var records = ReadAll($"h1,h2\n\"{big}\",{big}\n");
        Assert.Equal(big, records[1].Fields[0]);
        Assert.Equal(big, records[1].Fields[1]);
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, to exercise buffer refills at every position.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
