using Dapper;
using Warehouse.Data.DuckDb;
using Warehouse.Data.Loading;

namespace Warehouse.Data.Tests.Loading;

/// <summary>
/// <c>Integration.Lineage.LoadStarted</c> / <c>LoadCompleted</c> on DuckDB (audit defect 10): both come from the host's UTC
/// clock. DuckDB's <c>now()</c> is the time its transaction started, so a load that set <c>LoadCompleted = now()</c> recorded
/// (about) its own start as its completion: every load looked instantaneous.
/// </summary>
public sealed class LineageTimesTests
{
    [Fact]
    public void LoadCompleted_is_the_clock_at_completion_not_the_transaction_start()
    {
        // A clock that moves one hour at each reading: Begin reads it once (LoadStarted = 10:00), Complete once
        // (LoadCompleted = 11:00). With now() both were the transaction's start (the real time, not 10:00 / 11:00).
        var clock = new SteppingClock(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1));
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        int key;
        using (var session = DuckDbLoadSession.Begin(warehouse, "crm", "c.csv", null, "Dimension.Customer", clock: clock))
        {
            key = session.LineageKey;
            Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0), session.LoadStarted);
            session.Complete(0, 0, 0, null, null);
        }

        var (started, completed) = Times(warehouse, key);
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0), started);
        Assert.Equal(new DateTime(2026, 3, 1, 11, 0, 0), completed);
    }

    [Fact]
    public void With_the_system_clock_LoadCompleted_is_not_before_a_reading_taken_just_before_the_commit()
    {
        using var warehouse = DuckDbWarehouse.Open(":memory:");
        var beforeBegin = Micro(DateTime.UtcNow);
        DateTime beforeCommit = default;
        int key;
        using (var session = DuckDbLoadSession.Begin(warehouse, "crm", "c.csv", null, "Dimension.Customer",
            checkpoint: name => { if (name == "before-commit") beforeCommit = Micro(DateTime.UtcNow); }))
        {
            key = session.LineageKey;
            // Let the clock visibly move past the start (no speed is asserted: only the order of clock readings).
            while (Micro(DateTime.UtcNow) <= session.LoadStarted.AddMilliseconds(2))
            {
                Thread.Sleep(1);
            }

            session.Complete(0, 0, 0, null, null);
        }

        var (started, completed) = Times(warehouse, key);
        // Ordering against readings of the same clock: beforeBegin <= LoadStarted < beforeCommit <= LoadCompleted.
        // Before the fix LoadCompleted was the transaction's start, i.e. before beforeCommit (which is >= 2 ms later).
        Assert.True(started >= beforeBegin, $"LoadStarted {started:O} before {beforeBegin:O}");
        Assert.True(started < beforeCommit, $"LoadStarted {started:O} not before {beforeCommit:O}");
        Assert.True(completed >= beforeCommit, $"LoadCompleted {completed:O} before the reading {beforeCommit:O} taken before the commit");
        Assert.True(completed > started);
    }

    private static (DateTime Started, DateTime Completed) Times(DuckDbWarehouse warehouse, int key) =>
        warehouse.Connection.QuerySingle<(DateTime, DateTime)>(
            "SELECT \"LoadStarted\", \"LoadCompleted\" FROM \"Integration\".\"Lineage\" WHERE \"LineageKey\" = $key", new { key });

    // DuckDB keeps microseconds; the readings are cut the same way so that equal instants compare equal.
    private static DateTime Micro(DateTime utc) => new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Unspecified);

    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private DateTimeOffset _next = start;

        public override DateTimeOffset GetUtcNow()
        {
            var now = _next;
            _next += step;
            return now;
        }
    }
}
