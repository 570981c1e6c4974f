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
    /// <summary>
    /// Random RFC 4180 text read back exactly: fields mixing plain characters with the delimiter, quotes, CR, LF and lone CRs
    /// (quoted where RFC 4180 needs it), unquoted fields with lone CRs, empty fields, CRLF and LF endings, blank lines, some
    /// fields longer than the reader's 64 Ki-character buffer so that searches stop at refill boundaries, and streams
    /// handing out 1-7 bytes or whole buffers. Expected fields, line numbers (LF count before the record + 1) and raw
    /// records come from the generator, not from the reader.
    /// </summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 7)]
    [InlineData(4, 4093)]
    [InlineData(5, 0)]
    public void Random_records_are_read_back_exactly_whatever_the_chunk_boundaries(int seed, int chunk)
    {
        var random = new Random(seed);
        const string Alphabet = "abc xyz,\"\r\n\u00e9\u20ac;\t";
        var text = new StringBuilder();
        var expected = new List<(long Line, string[] Fields, string Raw)>();
        long line = 1;
        for (var r = 0; r < 400; r++)
        {
            if (random.Next(20) == 0)
            {
                text.Append(random.Next(2) == 0 ? "\n" : "\r\n"); // a blank line, skipped
                line++;
            }

            var fields = new string[1 + random.Next(6)];
            var start = text.Length;
            for (var f = 0; f < fields.Length; f++)
            {
                var length = random.Next(30) == 0 ? 70_000 + random.Next(5_000) : random.Next(12);
                var quoted = random.Next(4) == 0;
                if (fields.Length == 1 && !quoted)
                {
                    length = Math.Max(length, 1); // a record of one empty unquoted field would be a blank line
                }

                var value = new StringBuilder();
                for (var i = 0; i < length; i++)
                {
                    var ch = Alphabet[random.Next(Alphabet.Length)];
                    // Unquoted fields cannot hold the delimiter, quotes or LF; a CR only when no LF follows it.
                    if (!quoted && (ch is ',' or '"' or '\n' || (ch == '\r' && i == length - 1)))
                    {
                        ch = 'q';
                    }

                    value.Append(ch);
                }

                fields[f] = value.ToString();
                if (f > 0)
                {
                    text.Append(',');
                }

                text.Append(quoted ? "\"" + fields[f].Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : fields[f]);
            }

            var raw = text.ToString(start, text.Length - start);
            expected.Add((line, fields, raw));
            line += raw.Count(c => c == '\n') + 1;
            text.Append(random.Next(2) == 0 ? "\n" : "\r\n");
        }

        var records = ReadAll(text.ToString(), chunk);

        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Line, records[i].Line);
            Assert.Equal(expected[i].Fields, records[i].Fields);
            Assert.Equal(expected[i].Raw, records[i].Raw);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_lone_carriage_return_is_data_in_quoted_and_unquoted_fields(int chunk)
    {
        var records = ReadAll("h1,h2\na\rb,\"c\rd\"\r\ne\r,f\n", chunk);

        Assert.Equal(["a\rb", "c\rd"], records[1].Fields);
        Assert.Equal(["e\r", "f"], records[2].Fields);
        Assert.Equal(3, records[2].Line);
    }

    [Fact]
    public void Another_delimiter_leaves_commas_in_fields()
    {
        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes("a;b\n1,5;\"x;y\"\n")), "test.csv", ';');
        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Equal(2, reader.FieldCount);
        Assert.Equal("1,5", reader.GetString(0));
        Assert.Equal("x;y", reader.GetString(1));
    }

    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
