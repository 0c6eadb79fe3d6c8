namespace Shiming.Budget;

/// <summary>
/// The calls this process started lately, and the earliest the next one may start: at most <c>limit</c> starts
/// within any <c>limit</c> intervals (one second plus the pacing margin), so the budget holds however late callers
/// wake; each at least half an interval after the one before, so the callers after a late one catch up with their
/// start times gradually instead of in a burst; and none before <c>notBefore</c> (a slow-down). Only arithmetic on
/// times, so it is tested with made-up ones; <see cref="CallSlots"/> does the waiting, one caller at a time. A start is
/// counted from when its call's first byte was written, once that is known (<see cref="Departed"/>): a call held up on
/// its way out holds the calls after it.
/// </summary>
/// <remarks>
/// A start that came late holds the caller <c>limit</c> places behind it by as much, and that one the next, so a
/// lateness stays with the calls after it (each held by the latest lateness before it, never by a sum) until one of
/// them would start more than its allowance after its time and lets that time go. The window is the whole of the
/// margin's second: shortened, the holds would wear off, but the calls held at its edge would leave less than the
/// margin for the way to Baidu.
/// </remarks>
internal sealed class RecentStarts
{
    // Departures are told from the sending threads; the rest is called one caller at a time.
    private readonly Lock _gate = new();
    private readonly Queue<Start> _starts = new();

    public DateTimeOffset EarliestNext(DateTimeOffset notBefore, TimeSpan interval, int limit)
    {
        lock (_gate)
        {
            while (_starts.Count > limit)
            {
                _starts.Dequeue(); // the limit was lowered since
            }

            var earliest = notBefore;
            if (_starts.Count > 0 && _starts.Last().At + (interval / 2) > earliest)
            {
                earliest = _starts.Last().At + (interval / 2);
            }

            var window = interval * limit;
            if (_starts.Count == limit && _starts.Peek().At + window > earliest)
            {
                earliest = _starts.Peek().At + window;
            }

            return earliest;
        }
    }

    /// <summary>A call started at <paramref name="start"/>, for the reserved time <paramref name="slot"/> (which names it to <see cref="Departed"/>).</summary>
    public void Record(DateTimeOffset start, int limit, DateTimeOffset? slot = null)
    {
        lock (_gate)
        {
            _starts.Enqueue(new Start(slot ?? start) { At = start });
            while (_starts.Count > limit)
            {
                _starts.Dequeue();
            }
        }
    }

    /// <summary>The call started for <paramref name="slot"/> wrote its first byte at <paramref name="at"/>; it counts from then if that is later.</summary>
    public void Departed(DateTimeOffset slot, DateTimeOffset at)
    {
        lock (_gate)
        {
            foreach (var start in _starts)
            {
                if (start.Slot == slot && at > start.At)
                {
                    start.At = at;
                }
            }
        }
    }

    private sealed class Start(DateTimeOffset slot)
    {
        public DateTimeOffset Slot { get; } = slot;

        public DateTimeOffset At { get; set; }
    }
}
