namespace Shiming.Verifications;

/// <summary>
/// Hands the start times reserved from the <see cref="BudgetLedger"/> to calls that are ready to go, one
/// each, in order; a caller waits for its time and starts its call at once. Reservations are as large as
/// the number of callers waiting, so calls that come one by one do not each reserve (and waste) a block. A
/// reserved time nobody took while it was current is dropped, never used late. And because a busy machine
/// can wake several waiting callers at once, the starts themselves are checked last (see
/// <see cref="WaitForRoomToStartAsync"/>).
/// </summary>
public sealed class CallSlots(BudgetLedger ledger, TimeProvider time)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Queue<DateTimeOffset> _reserved = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly RecentStarts _recentStarts = new();
    private int _callers;
    private long _notBeforeTicks;
    private long _pausedUntilTicks;

    /// <summary>
    /// Waits for this caller's start time; false when the budget is paused (quota) and no call may start.
    /// At most <paramref name="maxReserve"/> times are reserved at once.
    /// </summary>
    public async Task<bool> WaitForSlotAsync(int maxReserve, CancellationToken cancellationToken)
    {
        DateTimeOffset slot;
        Interlocked.Increment(ref _callers);
        try
        {
            await _lock.WaitAsync(cancellationToken);
            try
            {
                var staleBefore = time.GetUtcNow() - (ledger.Interval / 2);
                while (_reserved.TryPeek(out var old) && old < staleBefore)
                {
                    _reserved.Dequeue();
                }

                if (_reserved.Count == 0)
                {
                    var wanted = Math.Clamp(Volatile.Read(ref _callers), 1, Math.Max(1, maxReserve));
                    foreach (var reserved in await ledger.ReserveAsync(wanted, cancellationToken))
                    {
                        _reserved.Enqueue(reserved);
                    }
                }

                if (!_reserved.TryDequeue(out slot))
                {
                    return false;
                }
            }
            finally
            {
                _lock.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _callers);
        }

        var delay = slot - time.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        // A quota pause that began while this caller waited: its call must not start, and its job goes back.
        if (time.GetUtcNow().UtcTicks < Interlocked.Read(ref _pausedUntilTicks))
        {
            return false;
        }

        await WaitForRoomToStartAsync(cancellationToken);
        return true;
    }

    /// <summary>After error 18: forgets the times reserved so far, and starts nothing here for <paramref name="duration"/>.</summary>
    public Task SlowDownAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        DiscardAsync(ref _notBeforeTicks, time.GetUtcNow() + duration, cancellationToken);

    /// <summary>After a quota error: forgets the times reserved so far; callers already waiting start no call until <paramref name="until"/>.</summary>
    public Task PauseAsync(DateTimeOffset until, CancellationToken cancellationToken) =>
        DiscardAsync(ref _pausedUntilTicks, until, cancellationToken);

    private Task DiscardAsync(ref long untilTicks, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var current = Interlocked.Read(ref untilTicks);
        while (until.UtcTicks > current && Interlocked.CompareExchange(ref untilTicks, until.UtcTicks, current) != current)
        {
            current = Interlocked.Read(ref untilTicks);
        }

        return ForgetReservedAsync(cancellationToken);
    }

    private async Task ForgetReservedAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            _reserved.Clear();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The last check before a call starts, on the starts this process actually made (see <see cref="RecentStarts"/>).</summary>
    private async Task WaitForRoomToStartAsync(CancellationToken cancellationToken)
    {
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            var limit = ledger.QpsLimit;
            var earliest = _recentStarts.EarliestNext(new DateTimeOffset(Interlocked.Read(ref _notBeforeTicks), TimeSpan.Zero), ledger.Interval, limit);
            var wait = earliest - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            _recentStarts.Record(time.GetUtcNow(), limit);
        }
        finally
        {
            _startGate.Release();
        }
    }
}
