namespace Shiming.Budget;

/// <summary>
/// Hands the start times reserved from the <see cref="BudgetLedger"/> to calls that are ready to go, one
/// each, in order; a caller waits for its time and starts its call at once. A reservation is as large as the
/// number of calls its drain still has to start (the jobs it has taken, this one included): under a backlog one
/// write reserves the times of the jobs still being prepared, which then find theirs here without a storage round
/// trip on their way, and calls that come one by one do not each reserve (and waste) a block. A
/// reserved time nobody took within its allowed lateness is dropped. And because a busy machine
/// can wake several waiting callers at once, the starts themselves are checked last (see
/// <see cref="TryStartAsync"/>).
/// </summary>
internal sealed class CallSlots(IStartTimeSource ledger, TimeProvider time, ILogger<CallSlots> logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Queue<DateTimeOffset> _reserved = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly RecentStarts _recentStarts = new();
    private long _notBeforeTicks;
    private long _pausedUntilTicks;

    /// <summary>
    /// Waits for this caller's start time and returns it; null when the budget is paused (quota) and no call may start.
    /// When the times reserved here have run out, <paramref name="wanted"/> are reserved at once: the calls the caller's
    /// drain still has to start, this one included. A caller woken late, or held by the calls before it, still starts
    /// within <see cref="IStartTimeSource.LateStartAllowed"/> (one interval) of its time, and the calls after it are held
    /// as long as the budget needs; one that cannot (held by a slow-down, or woken later still) lets that time go and
    /// takes another.
    /// </summary>
    public async Task<DateTimeOffset?> WaitForSlotAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TakeSlotAsync(wanted, cancellationToken) is not { } slot)
            {
                return null;
            }

            // On an idle budget a reservation begins when it was asked for, and a write that took longer than the
            // allowed lateness hands back a time already gone: named apart from a late wake-up, for the benchmark.
            var pastBy = time.GetUtcNow() - slot;
            if (pastBy > ledger.LateStartAllowed)
            {
                Log.StartTimeGivenUp(logger, slot, "past when reserved", pastBy.TotalMilliseconds);
                continue;
            }

            // Woken on the pacing clock's own thread, which then goes on to the start and the send.
            await PacingClock.WaitUntilAsync(slot, time, cancellationToken);

            // A quota pause that began while this caller waited: its call must not start, and its job goes back.
            if (time.GetUtcNow().UtcTicks < Interlocked.Read(ref _pausedUntilTicks))
            {
                return null;
            }

            if (await TryStartAsync(slot, cancellationToken))
            {
                return slot;
            }
        }
    }

    private async Task<DateTimeOffset?> TakeSlotAsync(int wanted, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var staleBefore = time.GetUtcNow() - ledger.LateStartAllowed;
            var dropped = 0;
            while (_reserved.TryPeek(out var old) && old < staleBefore)
            {
                _reserved.Dequeue();
                dropped++;
            }

            if (dropped > 0)
            {
                Log.StartTimesDropped(logger, dropped);
            }

            if (_reserved.Count == 0)
            {
                foreach (var reserved in await ledger.ReserveAsync(Math.Max(1, wanted), cancellationToken))
                {
                    _reserved.Enqueue(reserved);
                }
            }

            return _reserved.TryDequeue(out var slot) ? slot : null;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// The call started for <paramref name="slot"/> wrote its first byte at <paramref name="at"/> (see
    /// the Baidu client): the calls after it keep their distance from then.
    /// </summary>
    public void Departed(DateTimeOffset slot, DateTimeOffset at) => _recentStarts.Departed(slot, at);

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

    /// <summary>
    /// The last check before a call starts, on the starts this process actually made (see <see cref="RecentStarts"/>);
    /// false when the call could not start in time for <paramref name="slot"/>. The start is recorded last, so
    /// nothing but the send follows it.
    /// </summary>
    private async Task<bool> TryStartAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            var limit = ledger.QpsLimit;
            var earliest = _recentStarts.EarliestNext(new DateTimeOffset(Interlocked.Read(ref _notBeforeTicks), TimeSpan.Zero), ledger.Interval, limit);
            var latest = slot + ledger.LateStartAllowed;
            var now = time.GetUtcNow();
            if (now > latest)
            {
                Log.StartTimeGivenUp(logger, slot, "woke late", (now - slot).TotalMilliseconds);
                return false;
            }

            if (earliest > latest)
            {
                Log.StartTimeGivenUp(logger, slot, "held by the recent starts", (earliest - slot).TotalMilliseconds);
                return false;
            }

            var wait = earliest - now;
            if (wait > TimeSpan.Zero)
            {
                await PacingClock.WaitUntilAsync(earliest, time, cancellationToken);
                now = time.GetUtcNow();
                if (now > latest)
                {
                    Log.StartTimeGivenUp(logger, slot, "woke late after a hold", (now - slot).TotalMilliseconds);
                    return false;
                }
            }

            _recentStarts.Record(time.GetUtcNow(), limit, slot);
            return true;
        }
        finally
        {
            _startGate.Release();
        }
    }
}
