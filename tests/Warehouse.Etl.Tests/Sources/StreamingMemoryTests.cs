using System.Globalization;
using System.Text;
using Warehouse.Etl.Sources;
using Warehouse.Etl.Transactions;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Memory stays flat as files grow: files far larger than the asserted heap bound are generated on the fly by a
/// non-seekable stream and read to the end; the managed heap is sampled while reading. The heap is process-wide,
/// so these tests run alone (no other test allocating in parallel). Where the generated lines have a fixed width, the
/// tests also check that a reader never reads further ahead of the record it yields than its buffers: the bytes the
/// stream produced when record n comes out are at most the bytes of lines 1..n plus a bound (a reader that loaded the
/// file, or a large part of it, first would fail this whatever the garbage collector does).
/// </summary>
[Collection(StreamingMemoryCollection.Name)]
public sealed class StreamingMemoryTests
{
    /// <summary>A read-only, forward-only stream producing lines on demand (the file never exists in memory).</summary>
    private sealed class GeneratedStream(Func<long, string> line, long lines) : Stream
    {
        private long _next;
        private byte[] _pending = [];
        private int _offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public long BytesProduced { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_offset == _pending.Length)
                {
                    if (_next == lines)
                        break;
                    _pending = Encoding.UTF8.GetBytes(line(_next++));
                    _offset = 0;
                }
                var n = Math.Min(count - written, _pending.Length - _offset);
                Array.Copy(_pending, _offset, buffer, offset + written, n);
                _offset += n;
                written += n;
            }
            BytesProduced += written;
            return written;
        }
    }

    private static long Sample(ref long peak)
    {
        // Live objects only: a full collection first, so uncollected garbage does not count as held memory.
        var now = GC.GetTotalMemory(true);
        if (now > peak)
            peak = now;
        return now;
    }

    [Fact]
    public void Csv_reader_memory_is_flat_on_a_large_file()
    {
        const long rows = 150_000;
        var stream = new GeneratedStream(i => i == 0
            ? "crm_customer_id,full_name,email,city\n"
            : $"C{i},Customer Number {i} With A Reasonably Long Name,customer{i}@example.com,City {i % 500}\n", rows + 1);
        GC.Collect();
        var baseline = GC.GetTotalMemory(true);
        long peak = baseline, count = 0;
        foreach (var item in CrmCustomerReader.ReadCsv(stream, "big.csv"))
        {
            Assert.False(item.IsRejected);
            if (++count % 25_000 == 0)
                Sample(ref peak);
        }
        Assert.Equal(rows, count);
        Assert.True(stream.BytesProduced > 13_000_000);
        // The file is > 13 MB; the live heap may hold buffers and one record, not the file: 4 MB bound.
        Assert.True(peak - baseline < 4_000_000, $"heap grew by {peak - baseline} bytes reading {stream.BytesProduced} bytes");
    }

    [Fact]
    public void Web_sessionizer_memory_is_flat_on_a_long_event_stream()
    {
        // 200 000 events over ~55 hours, 400 visitors active at a time: open sessions stay bounded.
        const long events = 200_000;
        var t0 = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var stream = new GeneratedStream(i =>
        {
            var t = t0.AddSeconds(i);
            var visitor = $"v{(i / 2000) * 400 + i % 400}";
            return $"{{\"visitor_id\":\"{visitor}\",\"session_id\":\"{visitor}-{i / 2000}\",\"timestamp\":\"{t:yyyy-MM-ddTHH:mm:ssZ}\",\"page\":\"/p/{i % 97}\",\"event_type\":\"page_view\",\"device\":\"mobile\"}}\n";
        }, events);
        GC.Collect();
        var baseline = GC.GetTotalMemory(true);
        long peak = baseline, eventTotal = 0, sessions = 0;
        foreach (var item in new WebSessionizer().Sessionize(WebEventReader.ReadJsonLines(stream, "web.jsonl"), "web.jsonl"))
        {
            Assert.False(item.IsRejected, item.Reject?.ToString());
            eventTotal += item.Record!.EventCount;
            if (++sessions % 5000 == 0)
                Sample(ref peak);
        }
        Assert.Equal(events, eventTotal);
        Assert.Equal(100 * 400, sessions);
        // ~30 MB of events; live state is 400 open sessions plus the recent-session names: 4 MB bound.
        Assert.True(peak - baseline < 4_000_000, $"heap grew by {peak - baseline} bytes reading {stream.BytesProduced} bytes");
    }

    [Fact]
    public void Social_json_array_reader_memory_is_flat_and_reads_ahead_at_most_a_buffer()
    {
        // One JSON array of 150 000 comments (~30 MB), one element per line, every element line the same width: a reader
        // that parsed the array as one document would hold all of it.
        const long comments = 150_000;
        static string Element(long i) =>
            $"{{\"platform\":\"x\",\"comment_id\":\"c{i:D7}\",\"handle\":\"@h{i % 5000:D4}\",\"timestamp\":\"2024-05-02T18:22:00Z\"," +
            $"\"text\":\"Comment {i:D7}: love the mugs, delivery was quick and the box was well packed.\",\"likes\":{i % 10}}}";
        var elementLine = Encoding.UTF8.GetByteCount(Element(0) + ",\n");
        var stream = new GeneratedStream(i => i == 0 ? "[\n" : i <= comments ? Element(i - 1) + (i < comments ? ",\n" : "\n") : "]\n", comments + 2);
        GC.Collect();
        var baseline = GC.GetTotalMemory(true);
        long peak = baseline, count = 0, furthestAhead = 0;
        foreach (var item in SocialCommentReader.ReadJson(stream, "big.json"))
        {
            Assert.False(item.IsRejected, item.Reject?.ToString());
            Assert.Equal($"c{count:D7}", item.Record!.CommentId);
            // Element n (0-based) sits on line n + 2 and ends at byte 2 + (n + 1) × elementLine.
            furthestAhead = Math.Max(furthestAhead, stream.BytesProduced - (2 + (count + 1) * elementLine));
            if (++count % 25_000 == 0)
                Sample(ref peak);
        }
        Assert.Equal(comments, count);
        Assert.True(stream.BytesProduced > 25_000_000, $"{stream.BytesProduced} bytes");
        // The scanner's read buffer is 64 KiB; records are read as they are yielded.
        Assert.True(furthestAhead <= 1 << 17, $"read {furthestAhead} bytes ahead of the record yielded");
        Assert.True(peak - baseline < 4_000_000, $"heap grew by {peak - baseline} bytes reading {stream.BytesProduced} bytes");
    }

    [Fact]
    public void Transaction_parser_memory_does_not_grow_with_the_number_of_invoices()
    {
        // 1 000 000 purchase lines (~95 MB), every line its own invoice, 1 000 products, 5 000 customers, every line the
        // same width. The engine numbers an invoice's lines (InvoiceLineNumber) at migration: the parser keeps nothing per
        // invoice (it used to keep a line counter per invoice number, ≈ 125 B each: ≈ 125 MB here), only a string cache
        // bounded at 200 000 values (invoice numbers pass through it too).
        const long lines = 1_000_000;
        const string header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
        static string Line(long i)
        {
            var product = i * 7 % 1000;
            return string.Create(CultureInfo.InvariantCulture,
                $"{1_000_000 + i:D7},P{product:D4},{$"ITEM {product:D4}",-20},{1 + i % 9},2011-01-0{1 + i % 9} 10:{i % 60:D2}:00,{1 + i % 7}.50,{10000 + i * 13 % 5000:D5},United Kingdom\n");
        }

        var lineBytes = Encoding.UTF8.GetByteCount(Line(0));
        var stream = new GeneratedStream(i => i == 0 ? header : Line(i - 1), lines + 1);
        GC.Collect();
        var baseline = GC.GetTotalMemory(true);
        long peak = baseline, count = 0, furthestAhead = 0;
        var parser = new TransactionCsvParser(new TransactionMapping());
        using (var reader = new CsvRecordReader(stream, "big.csv"))
        {
            foreach (var row in parser.Parse(reader, "big.csv", 1, (line, column, reason, _) => Assert.Fail($"line {line} {column}: {reason}")))
            {
                Assert.Equal(count + 2, row.SourceLineNumber);
                Assert.False(row.IsRejected);
                furthestAhead = Math.Max(furthestAhead, stream.BytesProduced - (header.Length + (count + 1) * lineBytes));
                if (++count % 50_000 == 0)
                    Sample(ref peak);
            }
        }

        Assert.Equal(lines, count);
        var fileBytes = stream.BytesProduced;
        Assert.True(fileBytes > 80_000_000, $"{fileBytes} bytes");
        Assert.True(furthestAhead <= 1 << 18, $"read {furthestAhead} bytes ahead of the record yielded");
        // The string cache at its bound (200 000 short strings with their set entries, ≈ 15 MB) and the reader's buffers;
        // a counter per invoice would add ≈ 125 B × 1 000 000 invoices on top.
        const long bound = 32_000_000;
        Assert.True(bound < 125 * lines / 3, "the bound must be far below a per-invoice cost for the test to mean anything");
        Assert.True(peak - baseline < bound, $"heap grew by {peak - baseline} bytes reading {fileBytes} bytes ({lines} invoices)");
    }
}

/// <summary>Runs the memory tests without parallel neighbours.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamingMemoryCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Streaming memory (not parallel)";
}
