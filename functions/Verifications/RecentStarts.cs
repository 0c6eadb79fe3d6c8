namespace Shiming.Verifications;

/// <summary>
/// The calls this process started lately, and the earliest the next one may start: at most <c>limit</c> starts
/// within any <c>limit</c> intervals less the lateness a start is allowed (one second plus the pacing margin, less
/// half of it), so the budget holds however late callers wake; each at least half an interval after the one before,
/// so late callers catch up with their start times gradually instead of in a burst; and none before
/// <c>notBefore</c> (a slow-down). Only arithmetic on times, so it is tested with made-up ones;
/// <see cref="CallSlots"/> does the waiting, one caller at a time.
/// </summary>
/// <remarks>
/// The window is shortened by <c>lateAllowed</c> because a start may come that late after its reserved time: measured
/// over the full <c>limit</c> intervals from a start that came late, it would hold the caller <c>limit</c> places
/// behind for that lateness, and that one's wake-up would add its own, until a caller was held past its allowance and
/// lost its time. Shortened, it never holds a caller on its reserved time, and still keeps <c>limit + 1</c> starts
/// more than a second apart.
/// </remarks>
internal sealed class RecentStarts
{
    private readonly Queue<DateTimeOffset> _starts = new();

    public DateTimeOffset EarliestNext(DateTimeOffset notBefore, TimeSpan interval, TimeSpan lateAllowed, int limit)
    {
        while (_starts.Count > limit)
        {
            _starts.Dequeue(); // the limit was lowered since
        }

        var earliest = notBefore;
        if (_starts.Count > 0 && _starts.Last() + (interval / 2) > earliest)
        {
            earliest = _starts.Last() + (interval / 2);
        }

        var window = (interval * limit) - lateAllowed;
        if (_starts.Count == limit && _starts.Peek() + window > earliest)
        {
            earliest = _starts.Peek() + window;
        }

        return earliest;
    }

    public void Record(DateTimeOffset start, int limit)
    {
        _starts.Enqueue(start);
        while (_starts.Count > limit)
        {
            _starts.Dequeue();
        }
    }
}
