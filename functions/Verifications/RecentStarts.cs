namespace Shiming.Verifications;

/// <summary>
/// The calls this process started lately, and the earliest the next one may start: at most <c>limit</c> starts
/// within any <c>limit</c> intervals (one second plus the pacing margin), so the budget holds however late callers
/// wake; each at least half an interval after the one before, so late callers catch up with their start times
/// gradually instead of in a burst; and none before <c>notBefore</c> (a slow-down). Only arithmetic on times, so it
/// is tested with made-up ones; <see cref="CallSlots"/> does the waiting, one caller at a time.
/// </summary>
internal sealed class RecentStarts
{
    private readonly Queue<DateTimeOffset> _starts = new();

    public DateTimeOffset EarliestNext(DateTimeOffset notBefore, TimeSpan interval, int limit)
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

        if (_starts.Count == limit && _starts.Peek() + (interval * limit) > earliest)
        {
            earliest = _starts.Peek() + (interval * limit);
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
