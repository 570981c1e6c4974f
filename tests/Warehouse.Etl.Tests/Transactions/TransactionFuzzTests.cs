using System.Text;
using FsCheck;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Transactions;

/// <summary>
/// Fuzz cases for the transactions reader and parser (the other sources' are in RobustnessTests): random bytes, a valid file
/// cut at every byte or with bytes overwritten, and long random CSV-like text whose CRs, LFs, quotes and delimiters fall on
/// the reader's buffer boundaries. The outcome is always rows and rejects that add up to the records read, or one
/// <see cref="CsvFormatException"/> naming the file, a line and a reason: never another exception. Regression: the file cut
/// just after the CR of a CRLF (a last line ending in a lone CR) made the reader throw ArgumentOutOfRangeException.
/// </summary>
public sealed class TransactionFuzzTests
{
    private const string Sample =
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
        "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\r\n" +
        "536365,71053,\"LANTERN, \"\"WHITE\"\"\",6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n" +
        "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,\"Two\nlines\"\n" +
        "536380,22,x,abc,2010-12-01,1,1,France\n";

    /// <summary>Parses <paramref name="bytes"/>; checks read = accepted + rejected, or a well-formed format error.</summary>
    private static void Check(byte[] bytes)
    {
        var parser = new TransactionCsvParser(new TransactionMapping { Duplicates = "keep" });
        long accepted = 0, rejected = 0;
        try
        {
            using var reader = new CsvRecordReader(new MemoryStream(bytes), "f.csv");
            foreach (var row in parser.Parse(reader, "f.csv", 1, (line, _, reason, _) =>
                     {
                         Assert.True(line >= 2);
                         Assert.False(string.IsNullOrEmpty(reason));
                         rejected++;
                     }))
            {
                if (!row.IsRejected)
                {
                    accepted++;
                }
            }
        }
        catch (CsvFormatException e)
        {
            Assert.Equal("f.csv", e.SourceName);
            Assert.True(e.Line >= 1);
            Assert.False(string.IsNullOrEmpty(e.Reason));
            return;
        }

        Assert.Equal(parser.RowsRead, accepted + rejected);
        Assert.Equal(parser.RowsAccepted, accepted);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void Random_bytes_never_crash_the_parser(byte[] bytes)
    {
        Check(bytes);
        Check(Encoding.UTF8.GetBytes(Sample[..Sample.IndexOf('\n', StringComparison.Ordinal)]).Append((byte)'\n').Concat(bytes).ToArray());
    }

    [Fact]
    public void A_file_cut_at_every_byte_gives_rows_rejects_or_a_format_error()
    {
        var bytes = Encoding.UTF8.GetBytes(Sample);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            Check(bytes[..cut]);
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void Overwritten_bytes_never_crash_the_parser(NonEmptyArray<PositiveInt> positions, byte value)
    {
        var bytes = Encoding.UTF8.GetBytes(Sample);
        foreach (var p in positions.Get)
        {
            bytes[p.Get % bytes.Length] = value;
        }

        Check(bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Long_random_csv_like_text_never_crashes_the_parser(int seed)
    {
        // 400 KB over an alphabet of the characters that matter to the reader: its 64 Ki-character buffer is refilled
        // six times, each time at a random character. The text without quotes parses to the end; with them it usually
        // stops at a format error.
        var random = new Random(seed);
        const string Alphabet = "abc019 .-,,,\r\n\n\"";
        var text = new StringBuilder(Sample[..(Sample.IndexOf('\n', StringComparison.Ordinal) + 1)]);
        while (text.Length < 400_000)
        {
            var ch = Alphabet[random.Next(Alphabet.Length)];
            text.Append(ch == '"' && random.Next(8) != 0 ? 'q' : ch);
        }

        Check(Encoding.UTF8.GetBytes(text.ToString()));
        Check(Encoding.UTF8.GetBytes(text.Replace("\"", "", 0, text.Length).ToString()));
    }
}
