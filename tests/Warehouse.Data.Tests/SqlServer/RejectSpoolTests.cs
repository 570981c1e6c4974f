using Microsoft.Data.SqlClient;
using Warehouse.Data.Loading;
using Warehouse.Data.SqlServer;

namespace Warehouse.Data.Tests.SqlServer;

/// <summary>
/// The SQL Server load's reject spool (<see cref="RejectSpool"/>): rejected rows go to a temporary file as they come and
/// stream back into the bulk copy of Integration.Reject_Staging. Every field must come back exactly as given (nulls, empty
/// text, U+0000, text longer than any buffer, non-ASCII, an unpaired surrogate that UTF-8 cannot hold), in order, however
/// many rows; the file must be gone and its handle closed after dispose, also when reading failed; the host's memory must
/// not grow with the rows. The session's own paths that need no server (spooling, the 400-character reason cut, the count
/// check, disposal when the server is unreachable) run against a connection that never opens.
/// The memory check reads the process's heap (GC.GetTotalMemory), so the class runs without parallel neighbours: another
/// test class allocating at the same time made it fail under load.
/// </summary>
[Collection(HeapMeasuringCollection.Name)]
public sealed class RejectSpoolTests : IDisposable
{
    private static readonly string?[] Texts =
        [null, "", "plain", "a,\"quoted\",b", "line\nbreak\r\n", "nul\0inside", "ünïcödé – 漢字 🙂", "lone \uD800 high", "lone \uDC00 low", "end \uD83D"];

    private readonly string _directory = Directory.CreateTempSubdirectory("reject-spool-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Every_field_comes_back_exactly_as_given_in_order()
    {
        var expected = Rows(30_000);
        using var spool = new RejectSpool(_directory);
        foreach (var r in expected)
        {
            spool.Add(r.Line, r.Column, r.Reason, r.Raw);
        }

        Assert.Equal(expected.Count, spool.Count);
        // Read twice: the second pass starts over at the first row.
        for (var pass = 0; pass < 2; pass++)
        {
            var i = 0;
            foreach (var row in spool.Read(17, "web.jsonl"))
            {
                Assert.Equal((17, "web.jsonl"), (row.LineageKey, row.SourceName));
                Assert.Equal(expected[i], (row.SourceLineNumber, row.ColumnName, row.Reason, row.RawRecord));
                i++;
            }

            Assert.Equal(expected.Count, i);
        }

        // Rows added after a read follow the earlier ones.
        spool.Add(long.MaxValue, null, "after", Texts[6]);
        var last = spool.Read(1, "s").Select(r => (r.SourceLineNumber, r.ColumnName, r.Reason, r.RawRecord)).ToList();
        Assert.Equal(expected.Count + 1, last.Count);
        Assert.Equal((long.MaxValue, (string?)null, "after", Texts[6]), last[^1]);
        Assert.Equal(expected[0], last[0]);
    }

    [Fact]
    public void Record_numbers_come_back_with_their_lines()
    {
        // Three rejects of a JSON array written on one line (records 2, 4, 5 of line 1) and one of a one-record line: the
        // record number is the key of Integration.Reject_Staging, so it must survive the spool beside the line.
        using var spool = new RejectSpool(_directory);
        spool.Add(1, 2, "handle", "missing", "{}");
        spool.Add(1, 4, "text", "missing", "{}");
        spool.Add(1, 5, "comment_id", "duplicate of line 1", null);
        spool.Add(3, null, "csv", null);
        Assert.Equal([(1L, 2L), (1L, 4L), (1L, 5L), (3L, 3L)], spool.Read(1, "s").Select(r => (r.SourceLineNumber, r.SourceRecordNumber)).ToList());
    }

    [Fact]
    public void Text_is_stored_as_utf8_unless_utf8_cannot_hold_it()
    {
        using var spool = new RejectSpool(_directory);
        spool.Add(1, null, "abc", null);
        // line 1 byte, record number 1, null column 1, reason header 1 + 3 bytes, null raw 1.
        Assert.Equal(8, spool.Length);
        spool.Add(2, null, "\uD800", null);
        // line 1, record number 1, null column 1, header 1 + 2 bytes of UTF-16 (UTF-8 would turn the surrogate into U+FFFD), null raw 1.
        Assert.Equal(8 + 7, spool.Length);
        Assert.Equal(["abc", "\uD800"], spool.Read(1, "s").Select(r => r.Reason).ToList());
    }

    [Fact]
    public void The_file_is_deleted_and_closed_after_dispose()
    {
        var spool = new RejectSpool(_directory);
        foreach (var r in Rows(500))
        {
            spool.Add(r.Line, r.Column, r.Reason, r.Raw);
        }

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(1, OpenHandles(spool.Path));
        }

        spool.Dispose();

        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(0, OpenHandles(spool.Path));
        }

        Assert.Throws<ObjectDisposedException>(() => spool.Add(1, null, "x", null));
    }

    [Fact]
    public void The_file_is_deleted_and_closed_after_an_exception_while_it_is_read()
    {
        string path;
        var read = 0;
        var failure = Assert.Throws<InvalidOperationException>(() =>
        {
            using var spool = new RejectSpool(_directory);
            path = spool.Path;
            foreach (var r in Rows(2_000))
            {
                spool.Add(r.Line, r.Column, r.Reason, r.Raw);
            }

            foreach (var row in spool.Read(1, "s"))
            {
                if (++read == 1_000)
                {
                    // A row cannot be added while the spool is read: the copy and the rejects never interleave.
                    spool.Add(1, null, "x", null);
                }
            }
        });

        Assert.Equal(1_000, read);
        Assert.Contains("while it is read", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(0, OpenHandles(Path.Combine(_directory, "warehouse-rejects-")));
        }
    }

    [Fact]
    public void Memory_does_not_grow_with_the_spooled_rows()
    {
        // 100,000 rejects with a 300-character raw record: ≈ 70 MB as RejectedRow objects in a list. On disk, per row: the
        // line and record number (here the line: 1 byte each for 2-127, 2 for 128-16383, 3 for 16384-100001), column 1 + 8,
        // reason 1 + 14, raw 2 + 300 bytes: 2 × (126 + 2 × 16,256 + 3 × 83,618) + 100,000 × 326 = 33,166,984 bytes.
        using var spool = new RejectSpool(_directory);
        var raw = new string('r', 290);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 100_000; i++)
        {
            spool.Add(i + 2, "Quantity", "not an integer", raw + i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        long bytes = 0;
        foreach (var row in spool.Read(1, "s"))
        {
            bytes += row.RawRecord!.Length;
        }

        var afterRead = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(100_000L * 300, bytes);
        Assert.Equal(33_166_984, spool.Length);
        Assert.InRange(after - before, long.MinValue, 4 << 20);
        Assert.InRange(afterRead - before, long.MinValue, 4 << 20);
    }

    [Fact]
    public void A_session_spools_its_rejects_and_deletes_them_when_disposed_without_a_server()
    {
        // A server that cannot be reached: the session's server calls fail and Dispose must still delete the spool.
        using var connection = new SqlConnection("Server=tcp:127.0.0.1,1;Database=Warehouse;Connect Timeout=1;Pooling=false;ConnectRetryCount=0");
        var warehouse = new SqlServerWarehouse(connection, "nowhere");
        var session = new SqlServerLoadSession(warehouse, StagingTarget.WebSession, 42, "web.jsonl", null) { SpoolDirectory = _directory };
        Assert.Null(session.Spool);

        var longReason = new string('x', 450);
        session.Reject(3, 3, "timestamp", longReason, "{\"visitor_id\": \"v1\"}");
        session.Reject(5, 5, null, "duplicate of line 3", null);
        var spool = session.Spool!;

        Assert.Equal(2, session.RowsRejected);
        var rows = spool.Read(session.LineageKey, session.SourceName)
            .Select(r => (r.LineageKey, r.SourceName, r.SourceLineNumber, r.ColumnName, r.Reason, r.RawRecord)).ToList();
        Assert.Equal(
            [(42, "web.jsonl", 3L, "timestamp", longReason[..400], "{\"visitor_id\": \"v1\"}"), (42, "web.jsonl", 5L, null, "duplicate of line 3", null)],
            rows);
        // Read 10 ≠ loaded 7 + rejected 2: refused before anything is sent.
        var unbalanced = Assert.Throws<InvalidOperationException>(() => session.Migrate(10, 7, null, _ => throw new InvalidOperationException("not DuckDB")));
        Assert.Contains("do not balance", unbalanced.Message, StringComparison.Ordinal);

        session.Dispose();

        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(0, OpenHandles(spool.Path));
        }

        Assert.Null(session.Spool);
        Assert.Throws<ObjectDisposedException>(() => session.Reject(6, 6, null, "late", null));
    }

    /// <summary>Descriptors of this process open on a file whose name starts with <paramref name="pathPrefix"/> (Linux).</summary>
    private static int OpenHandles(string pathPrefix) =>
        Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Count(target => target is not null && target.StartsWith(pathPrefix, StringComparison.Ordinal));

    /// <summary>Rejects with every kind of text in every field, a text longer than the spool's buffers, large line numbers.</summary>
    private static List<(long Line, string? Column, string Reason, string? Raw)> Rows(int count)
    {
        var random = new Random(11);
        var list = new List<(long, string?, string, string?)>(count);
        for (var i = 0; i < count; i++)
        {
            var raw = Texts[i % Texts.Length];
            if (i % 1_000 == 7)
            {
                raw = string.Concat(Enumerable.Repeat("ünïcödé 漢字 🙂 ", 20_000)) + i;
            }

            var line = i % 997 == 0 ? long.MaxValue - i : 2 + ((long)i * random.Next(1, 4));
            list.Add((line, i % 4 == 0 ? null : Texts[(i + 3) % Texts.Length] ?? "Quantity", (Texts[(i + 1) % Texts.Length] ?? "missing") + " " + i, raw));
        }

        return list;
    }
}

/// <summary>Test classes that measure the process's heap: run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuringCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Heap measuring (not parallel)";
}
