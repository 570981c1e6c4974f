using System.Text;
using Warehouse.Etl.Sources;

namespace Warehouse.Etl.Tests.Sources;

/// <summary>
/// Memory stays flat as files grow: files far larger than the asserted heap bound are generated on the fly by a
/// non-seekable stream and read to the end; the managed heap is sampled while reading. The heap is process-wide,
/// so these tests run alone (no other test allocating in parallel).
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
}

/// <summary>Runs the memory tests without parallel neighbours.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamingMemoryCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Streaming memory (not parallel)";
}
