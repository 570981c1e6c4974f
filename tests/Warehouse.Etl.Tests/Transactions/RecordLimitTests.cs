using System.Text;
using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Tests.Support;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// Regressions of the transactions reader: records over 1 Mi characters are rejected without being held (a 100 MiB
/// description took 1.27 GB and was stored whole in RejectedPurchase.RawRecord), raw records are capped at 4,000
/// characters, and invalid UTF-8 names its true line and 1-based column (it said "line 3975, column 0" for line 5001).
/// </summary>
public sealed class RecordLimitTests : IDisposable
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
    private const string Good = "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n";
    private readonly string _folder = TestPaths.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (List<(long Line, string? Column, string Reason, string Raw)> Rejects, List<long> Accepted) Parse(byte[] bytes, int maxRecordChars = CsvRecordReader.DefaultMaxRecordChars)
    {
        var rejects = new List<(long, string?, string, string)>();
        var accepted = new List<long>();
        using var reader = new CsvRecordReader(new MemoryStream(bytes), "t.csv", ',', maxRecordChars);
        foreach (var row in new TransactionCsvParser(new TransactionMapping()).Parse(reader, "t.csv", 1, (line, column, reason, raw) => rejects.Add((line, column, reason, raw))))
        {
            if (!row.IsRejected)
                accepted.Add(row.SourceLineNumber);
        }

        return (rejects, accepted);
    }

    [Fact]
    public void A_record_over_one_Mi_characters_is_rejected_as_a_whole_with_4000_characters_kept_and_the_next_line_is_read()
    {
        // Line 3's description is 3 Mi characters, quoted, with a line break and doubled quotes inside: the record ends on line 4,
        // so the next record starts on line 5.
        var description = "\"" + new string('x', 1 << 20) + "\"\"\n" + new string('y', 2 << 20) + "\"";
        var text = Header + Good + "536366,22633," + description + ",6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n" + Good.Replace("85123A", "71053", StringComparison.Ordinal);

        var (rejects, accepted) = Parse(Encoding.UTF8.GetBytes(text));

        Assert.Equal([2L, 5L], accepted);
        var reject = Assert.Single(rejects);
        Assert.Equal((3L, (string?)null, "record longer than 1,048,576 characters (the limit per record); not read"), (reject.Line, reject.Column, reject.Reason));
        Assert.Equal(SourceReject.MaxRawRecordChars, reject.Raw.Length);
        Assert.StartsWith("536366,22633,\"xxx", reject.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_just_under_the_limit_is_read_and_one_just_over_is_not()
    {
        // The limit counts the record's characters without its line break: 50 characters pass a limit of 50, 51 do not.
        string Line(int length)
        {
            var prefix = "536365,85123A,";
            var suffix = ",6,2010-12-01 08:26:00,2.55,17850,UK";
            return prefix + new string('d', length - prefix.Length - suffix.Length) + suffix;
        }

        var (rejects, accepted) = Parse(Encoding.UTF8.GetBytes(Header + Line(100) + "\n" + Line(101) + "\n"), maxRecordChars: 100);

        Assert.Equal([2L], accepted);
        Assert.Equal(3L, Assert.Single(rejects).Line);
    }

    [Fact]
    public void A_twenty_MiB_record_is_skipped_without_being_held_in_memory()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "536366,22633," + new string('z', 20 << 20) + ",6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n" + Good);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (rejects, accepted) = Parse(bytes);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal([3L], accepted);
        Assert.Equal(2L, Assert.Single(rejects).Line);
        // Holding the record takes ≥ 40 MiB (20 Mi UTF-16 characters) plus the buffer doublings; skipping it keeps the buffer
        // at about twice the limit (2 Mi characters, 4 MiB) plus its earlier sizes.
        Assert.True(allocated < 16L << 20, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public void A_rejected_record_stores_at_most_4000_characters_of_raw_text()
    {
        // Description over 400 characters: rejected by the column rule; its raw record (10,070 characters) is capped.
        var path = Path.Combine(_folder, "long.csv");
        File.WriteAllText(path, Header + "536366,22633," + new string('w', 10_000) + ",6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n" + Good);
        using var warehouse = DuckDbWarehouse.Open(":memory:");

        var result = TransactionLoader.Load(warehouse, path);

        Assert.Equal((2L, 1L, 1L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        var raw = warehouse.Connection.QuerySingle<string>("SELECT \"RawRecord\" FROM \"Integration\".\"RejectedPurchase\"");
        Assert.Equal(SourceReject.MaxRawRecordChars, raw.Length);
    }

    [Theory]
    [InlineData(2, 10_000)]
    [InlineData(5001, 10_000)]
    [InlineData(9_999, 10_000)]
    public void Invalid_utf8_names_its_true_line_and_one_based_column(int badLine, int lines)
    {
        // Every line is "536365,85123A,HEART nnnnn,…"; on the bad line byte E9 (é in Windows-1252) replaces the 'H' of HEART,
        // the 15th character of the line.
        var stream = new MemoryStream();
        stream.Write(Encoding.UTF8.GetBytes(Header));
        for (var line = 2; line <= lines; line++)
        {
            var bytes = Encoding.UTF8.GetBytes($"536365,85123A,HEART {line:D5},6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n");
            if (line == badLine)
                bytes[14] = 0xE9;
            stream.Write(bytes);
        }

        var e = Assert.Throws<CsvFormatException>(() => Parse(stream.ToArray()));

        Assert.Equal((badLine, 15), (e.Line, e.Column));
        Assert.Contains("byte 0xE9 is not valid UTF-8", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_after_a_line_break_inside_a_quoted_field_counts_that_line()
    {
        // Line 2 opens a quoted description that continues on line 3, whose 3rd character is a lone continuation byte 0x80.
        var bytes = Encoding.UTF8.GetBytes(Header + "536365,85123A,\"TWO\nab").Concat(new byte[] { 0x80 })
            .Concat(Encoding.UTF8.GetBytes("c\",6,2010-12-01 08:26:00,2.55,17850,UK\n")).ToArray();

        var e = Assert.Throws<CsvFormatException>(() => Parse(bytes));

        Assert.Equal((3L, 3), (e.Line, e.Column));
    }

    [Fact]
    public void A_utf16_file_is_refused_on_line_1()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header + Good)).ToArray();

        var e = Assert.Throws<CsvFormatException>(() => Parse(bytes));

        Assert.Equal(1L, e.Line);
        Assert.Contains("UTF-16", e.Reason, StringComparison.Ordinal);
    }
}
