using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Shiming.Storage;

namespace Shiming.Budget;

/// <summary>Where <see cref="CallSlots"/> takes its start times from: the shared <see cref="BudgetLedger"/> (a test may give its own).</summary>
internal interface IStartTimeSource
{
    /// <summary>Calls a second Baidu allows.</summary>
    int QpsLimit { get; }

    /// <summary>The least time between two start times.</summary>
    TimeSpan Interval { get; }

    /// <summary>How late a call may start after its reserved time, woken late or held by the calls before it.</summary>
    TimeSpan LateStartAllowed { get; }

    /// <summary>Reserves <paramref name="count"/> consecutive start times, the first no earlier than now; none while paused.</summary>
    Task<IReadOnlyList<DateTimeOffset>> ReserveAsync(int count, CancellationToken cancellationToken);
}

/// <summary>
/// The QPS budget as one table row shared by every drain, wherever it runs: the earliest time the next
/// call may start, and any pause. A drain reserves a block of start times under the row's ETag, so two
/// drains (a restart, or the timer moving to another instance) never hand out the same second twice.
/// Each block keeps <see cref="LateStartAllowed"/> free after its last time, so that its calls may start that late
/// and still keep their distance from the next drain's; the ledger that wrote the block takes that time up again with
/// its next reservation while nobody else has written the row since. Reserved times that go unused are simply lost:
/// the budget can be underspent, never overspent.
/// </summary>
internal sealed class BudgetLedger : IStartTimeSource
{
    private const string PartitionKey = "budget";

    private readonly BudgetRow _row;
    private readonly Func<int> _qpsLimit;
    private readonly PacingMargin _margin;
    private readonly TimeProvider _time;
    private (DateTimeOffset ReadAt, BudgetPause? Pause)? _cachedPause;
    private OwnTail? _ownTail;

    public BudgetLedger(BudgetRow row, Func<int> qpsLimit, PacingMargin margin, TimeProvider time)
    {
        _row = row;
        _qpsLimit = qpsLimit;
        _margin = margin;
        _time = time;
    }

    private string RowKey => _row.RowKey;

    /// <summary>Calls a second Baidu allows this API.</summary>
    public int QpsLimit => _qpsLimit();

    /// <summary>
    /// Start times are at least this far apart: one second over the limit, plus the <see cref="PacingMargin"/> so that
    /// jitter on the way to Baidu cannot squeeze one call too many into any one second.
    /// </summary>
    public TimeSpan Interval => TimeSpan.FromSeconds((1.0 + _margin.Current) / QpsLimit);

    /// <summary>
    /// How late a call may start after its reserved time: one interval, which each block keeps free after its last
    /// time. A call woken that late (a collection, a busy core) still starts, and holds the calls a second after it by
    /// as much (<see cref="RecentStarts"/>); later, it is the next call's time.
    /// </summary>
    public TimeSpan LateStartAllowed => Interval;

    /// <summary>Reserves <paramref name="count"/> consecutive start times, the first no earlier than now.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> ReserveAsync(int count, CancellationToken cancellationToken)
    {
        await _row.EnsureCreated(cancellationToken);
        while (true)
        {
            var (nextStart, pause, etag) = await ReadAsync(cancellationToken);
            var now = _time.GetUtcNow();

            // The time kept free after this ledger's last block is still its own while the row is as it wrote it.
            var from = _ownTail is { } tail && tail.ETag == etag ? tail.FreeFrom : nextStart;
            var first = from > now ? from : now;
            if (pause is not null && pause.Until > first)
            {
                return [];
            }

            var interval = Interval;
            var slots = Enumerable.Range(0, count).Select(i => first + (interval * i)).ToArray();
            var end = first + (interval * count);
            if (await TryWriteAsync(end + interval, pause, etag, cancellationToken) is { } written) // an interval kept free: LateStartAllowed
            {
                _ownTail = written.Headers.ETag is { } writtenETag ? new OwnTail(writtenETag, end) : null;
                return slots;
            }
        }
    }

    /// <summary>After an error 18 from Baidu: no call starts for <paramref name="backoff"/>.</summary>
    public Task SlowDownAsync(TimeSpan backoff, CancellationToken cancellationToken) =>
        UpdateAsync((next, pause, now) => (next > now + backoff ? next : now + backoff, pause), cancellationToken);

    /// <summary>After a quota error (17, 19): no call starts until <paramref name="pause"/> ends.</summary>
    public Task PauseAsync(BudgetPause pause, CancellationToken cancellationToken) =>
        UpdateAsync((next, _, _) => (next, pause), cancellationToken);

    /// <summary>The pause in force, if any; read at most once a second per instance, for status answers.</summary>
    public async Task<BudgetPause?> GetPauseAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cachedPause is { } cached && now - cached.ReadAt < TimeSpan.FromSeconds(1))
        {
            return cached.Pause is { } p && p.Until > now ? p : null;
        }

        await _row.EnsureCreated(cancellationToken);
        var (_, pause, _) = await ReadAsync(cancellationToken);
        _cachedPause = (now, pause);
        return pause is not null && pause.Until > now ? pause : null;
    }

    private async Task UpdateAsync(Func<DateTimeOffset, BudgetPause?, DateTimeOffset, (DateTimeOffset Next, BudgetPause? Pause)> change, CancellationToken cancellationToken)
    {
        await _row.EnsureCreated(cancellationToken);
        while (true)
        {
            var (nextStart, pause, etag) = await ReadAsync(cancellationToken);
            var (newNext, newPause) = change(nextStart, pause, _time.GetUtcNow());
            if (await TryWriteAsync(newNext, newPause, etag, cancellationToken) is not null)
            {
                _cachedPause = null;
                return;
            }
        }
    }

    private async Task<(DateTimeOffset NextStart, BudgetPause? Pause, ETag? ETag)> ReadAsync(CancellationToken cancellationToken)
    {
        var read = await _row.Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, RowKey, cancellationToken: cancellationToken);
        if (!read.HasValue)
        {
            return (DateTimeOffset.MinValue, null, null);
        }

        var entity = read.Value!;
        var pause = entity.GetDateTimeOffset("PausedUntil") is { } until && entity.GetString("PauseReason") is { } reason
            ? new BudgetPause(until, reason)
            : null;
        return (entity.GetDateTimeOffset("NextStart") ?? DateTimeOffset.MinValue, pause, entity.ETag);
    }

    private async Task<Response?> TryWriteAsync(DateTimeOffset nextStart, BudgetPause? pause, ETag? etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionKey, RowKey) { ["NextStart"] = nextStart };
        if (pause is not null && pause.Until > _time.GetUtcNow())
        {
            entity["PausedUntil"] = pause.Until;
            entity["PauseReason"] = pause.Reason;
        }

        return await ConditionalWrite.TryWriteAsync(_row.Table, entity, etag, cancellationToken); // null: another drain wrote meanwhile, read again
    }

    /// <summary>The row as this ledger last wrote it with a reservation, and where that block's own times end.</summary>
    private sealed record OwnTail(ETag ETag, DateTimeOffset FreeFrom);
}
