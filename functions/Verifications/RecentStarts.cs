namespace Shiming.Verifications;

/// <summary>
/// The calls this process started lately, and the earliest the next one may start: at most <c>limit</c> starts
/// within any <c>limit</c> intervals less <c>slack</c> (one second plus the pacing margin, less half of it), so the
/// budget holds however late callers wake; each at least half an interval after the one before,
/// so late callers catch up with their start times gradually instead of in a burst; and none before
/// <c>notBefore</c> (a slow-down). Only arithmetic on times, so it is tested with made-up ones;
/// <see cref="CallSlots"/> does the waiting, one caller at a time. A start is counted from when its call's first byte
/// was written, once that is known (<see cref="Departed"/>): a call held up on its way out holds the calls after it.
/// </summary>
/// <remarks>
/// The window is shortened by <c>slack</c> so that calls held behind a late start catch up: measured over the full
/// <c>limit</c> intervals from a start that came late, it would hold the caller <c>limit</c> places behind for all of
/// that lateness, and that one's wake-up would add its own, until a caller was held past its allowance and lost its
/// time. Shortened, the hold shrinks by <c>slack</c> every <c>limit</c> calls, a start late by less than <c>slack</c>
/// holds no one, and <c>limit + 1</c> starts are still more than a second apart.
/// </remarks>
internal sealed class RecentStarts
{
    // Departures are told from the sending threads; the rest is called one caller at a time.
    private readonly Lock _gate = new();
    private readonly Queue<Start> _starts = new();

    public DateTimeOffset EarliestNext(DateTimeOffset notBefore, TimeSpan interval, TimeSpan slack, int limit)
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

            var window = (interval * limit) - slack;
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
