using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Sources.Csv;

namespace Warehouse.Etl.Tests.Sources.Csv;

public sealed class CsvReaderTests
{
    private sealed record Row(long Line, string[] Fields, CsvRecordError? Error);

    private static List<Row> ReadAll(byte[] bytes, CsvOptions? options = null)
    {
        using var reader = new CsvReader(new MemoryStream(bytes), "test.csv", options);
        var rows = new List<Row>();
        while (reader.Read())
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
                fields[i] = reader.TryGetString(i, out var s) ? s : "<invalid>";
            rows.Add(new Row(reader.LineNumber, fields, reader.Error));
        }
        return rows;
    }

    private static List<Row> ReadAll(string text, CsvOptions? options = null) => ReadAll(Encoding.UTF8.GetBytes(text), options);

    [Fact]
    public void Rfc4180_quoted_fields_with_delimiters_quotes_and_line_breaks()
    {
        var rows = ReadAll("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nlast,,\r\n");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["a", "b", "c"], rows[0].Fields);
        Assert.Equal(["x,1", "say \"hi\"", "two\r\nlines"], rows[1].Fields);
        Assert.Equal(["last", "", ""], rows[2].Fields);
        Assert.Equal([1L, 2L, 4L], rows.Select(r => r.Line));
        Assert.All(rows, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Lf_cr_and_missing_final_newline_and_bom()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("h1;h2\nv1;v2\rv3;\"v4\"")).ToArray();
        var rows = ReadAll(bytes, new CsvOptions { Delimiter = (byte)';' });
        Assert.Equal([["h1", "h2"], ["v1", "v2"], ["v3", "v4"]], rows.Select(r => r.Fields));
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Line));
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted()
    {
        var rows = ReadAll("h\n\n\nx\n\"\"\n");
        Assert.Equal([["h"], ["x"], [""]], rows.Select(r => r.Fields));
        Assert.Equal([1L, 4L, 5L], rows.Select(r => r.Line));
    }

    [Fact]
    public void Stray_quote_is_a_row_error_and_reading_continues()
    {
        var rows = ReadAll("a,b\nab\"c,d\n\"x\"y,z\nok,1\n");
        Assert.Equal(4, rows.Count);
        Assert.Equal(new CsvRecordError(0, "quote character inside an unquoted field"), rows[1].Error);
        Assert.Equal(new CsvRecordError(0, "text after the closing quote of a quoted field"), rows[2].Error);
        Assert.Equal(["ok", "1"], rows[3].Fields);
        Assert.Null(rows[3].Error);
    }

    [Fact]
    public void Unclosed_quote_throws_naming_file_line_and_column()
    {
        var ex = Assert.Throws<SourceFormatException>(() => ReadAll("a,b\n1,2\n3,\"open\n4,5\n"));
        Assert.Equal("test.csv", ex.SourceName);
        Assert.Equal(3, ex.LineNumber);
        Assert.Equal("3", ex.Column);
        Assert.Contains("never closed", ex.Message);
    }

    [Fact]
    public void Utf16_file_throws_with_a_clear_reason()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("a,b\n1,2\n")).ToArray();
        var ex = Assert.Throws<SourceFormatException>(() => ReadAll(bytes));
        Assert.Contains("UTF-16", ex.Reason);
    }

    [Fact]
    public void Latin1_bytes_are_reported_per_field_not_thrown()
    {
        var bytes = Encoding.Latin1.GetBytes("name,city\nJosé,Köln\nAnn,Oslo\n");
        using var reader = new CsvReader(new MemoryStream(bytes), "latin1.csv");
        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.False(reader.TryGetString(0, out _));
        Assert.False(reader.TryGetString(1, out _));
        Assert.Contains("Jos\uFFFD", reader.GetRawRecord());
        Assert.True(reader.Read());
        Assert.True(reader.TryGetString(1, out var oslo));
        Assert.Equal("Oslo", oslo);
    }

    [Fact]
    public void Huge_field_is_flagged_and_skipped_with_bounded_memory()
    {
        var huge = new string('x', 300_000);
        var rows = ReadAll($"a,b\n1,\"{huge}\"\n2,ok\n", new CsvOptions { MaxRecordBytes = 10_000 });
        Assert.Equal(3, rows.Count);
        Assert.NotNull(rows[1].Error);
        Assert.Contains("value longer than 10,000 bytes", rows[1].Error!.Value.Reason);
        Assert.Equal(["2", "ok"], rows[2].Fields);
        Assert.Equal(3, rows[2].Line);
    }

    [Fact]
    public void Raw_record_is_capped()
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(new string('y', 50_000) + "\n")), "t.csv");
        Assert.True(reader.Read());
        Assert.Equal(SourceReject.MaxRawRecordChars, reader.GetRawRecord().Length);
    }

    [Fact]
    public void Tiny_buffer_gives_the_same_records_as_a_large_one()
    {
        var text = "id,text\r\n1,\"multi\r\nline \"\"quoted\"\"\"\r\n2,plain\r\n3,\"a,b\"\r\n";
        var small = ReadAll(Encoding.UTF8.GetBytes(text), new CsvOptions { BufferSize = 16 });
        var large = ReadAll(Encoding.UTF8.GetBytes(text));
        Assert.Equal(large.Select(r => (r.Line, string.Join("|", r.Fields))), small.Select(r => (r.Line, string.Join("|", r.Fields))));
    }

    private static string Escape(string field, bool forceQuote) =>
        forceQuote || field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool Any_table_written_rfc4180_reads_back_exactly(NonEmptyArray<NonEmptyArray<string?>> table, bool quoteAll)
    {
        // Normalise the generated table: at least one field per row, nulls as empty strings, no blank-line rows
        // (an unquoted single empty field is a blank line, which the reader skips by design), no NUL characters
        // (a file starting with NUL is refused as UTF-16 without byte order mark).
        var rows = table.Get.Select(r => r.Get.Select(f => (f ?? "").Replace("\0", "")).ToArray()).ToArray();
        var sb = new StringBuilder();
        foreach (var row in rows)
            sb.Append(string.Join(",", row.Select(f => Escape(f, quoteAll || (row.Length == 1 && f.Length == 0))))).Append("\r\n");
        var read = ReadAll(sb.ToString(), new CsvOptions { BufferSize = 64, MaxFields = 100_000 });
        return read.Count == rows.Length && read.Zip(rows).All(p => p.First.Error is null && p.First.Fields.SequenceEqual(p.Second));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Random_bytes_never_crash(byte[] bytes)
    {
        try
        {
            using var reader = new CsvReader(new MemoryStream(bytes), "random.csv", new CsvOptions { BufferSize = 32, MaxRecordBytes = 64 });
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    reader.TryGetString(i, out _);
                _ = reader.GetRawRecord();
            }
        }
        catch (SourceFormatException ex)
        {
            Assert.Equal("random.csv", ex.SourceName);
            Assert.True(ex.LineNumber >= 1);
        }
    }
}
