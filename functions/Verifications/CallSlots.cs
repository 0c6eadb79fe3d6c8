namespace Shiming.Verifications;

/// <summary>
/// Hands the start times reserved from the <see cref="BudgetLedger"/> to calls that are ready to go, one
/// each, in order; a caller waits for its time and starts its call at once. A reserved time nobody took
/// while it was current is dropped, never used late, so no second can end up with one call too many.
/// </summary>
public sealed class CallSlots(BudgetLedger ledger, TimeProvider time)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Queue<DateTimeOffset> _reserved = new();
    private long _generation;

    /// <summary>Waits for this caller's start time; false when the budget is paused (quota) and no call may start.</summary>
    public async Task<bool> WaitForSlotAsync(int reserveAhead, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (slot, generation) = await TakeSlotAsync(reserveAhead, cancellationToken);
            if (slot is null)
            {
                return false;
            }

            var delay = slot.Value - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken);
            }

            // Times discarded while this caller waited (Baidu said 18, or the quota ran out) are void: take a new one.
            if (Interlocked.Read(ref _generation) == generation)
            {
                return true;
            }
        }
    }

    private async Task<(DateTimeOffset? Slot, long Generation)> TakeSlotAsync(int reserveAhead, CancellationToken cancellationToken)
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
                foreach (var reserved in await ledger.ReserveAsync(Math.Max(1, reserveAhead), cancellationToken))
                {
                    _reserved.Enqueue(reserved);
                }
            }

            return _reserved.TryDequeue(out var slot) ? (slot, Interlocked.Read(ref _generation)) : (null, 0);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Forgets the times reserved so far, handed out or not, after Baidu asked to slow down or the quota ran out.</summary>
    public async Task DiscardAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            _reserved.Clear();
            Interlocked.Increment(ref _generation);
        }
        finally
        {
            _lock.Release();
        }
    }
}
