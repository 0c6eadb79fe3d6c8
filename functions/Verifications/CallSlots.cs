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

    /// <summary>Waits for this caller's start time; false when the budget is paused (quota) and no call may start.</summary>
    public async Task<bool> WaitForSlotAsync(int reserveAhead, CancellationToken cancellationToken)
    {
        DateTimeOffset slot;
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

            if (!_reserved.TryDequeue(out slot))
            {
                return false;
            }
        }
        finally
        {
            _lock.Release();
        }

        var delay = slot - time.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        return true;
    }

    /// <summary>Forgets the times reserved so far, after Baidu asked to slow down.</summary>
    public async Task DiscardAsync(CancellationToken cancellationToken)
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
}
