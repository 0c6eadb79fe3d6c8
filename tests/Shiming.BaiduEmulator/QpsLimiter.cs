namespace Shiming.BaiduEmulator;

/// <summary>
/// Per-application sliding one-second window. Only accepted calls are counted, because Baidu neither bills nor
/// counts a call it turned away with error 18. Baidu does not document its window; a sliding one is the strictest
/// reading, so a client that passes here will not be surprised by a fixed-bucket server.
/// </summary>
internal sealed class QpsLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _accepted = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool TryAcquire(string application, int limit, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_accepted.TryGetValue(application, out var arrivals))
            {
                arrivals = new Queue<DateTimeOffset>();
                _accepted[application] = arrivals;
            }

            while (arrivals.Count > 0 && arrivals.Peek() <= now - Window)
            {
                arrivals.Dequeue();
            }

            if (arrivals.Count >= limit)
            {
                return false;
            }

            arrivals.Enqueue(now);
            return true;
        }
    }

    /// <summary>Takes back a call accepted at <paramref name="acceptedAt"/> that was then refused with error 18 after all (an injected burst).</summary>
    public void Release(string application, DateTimeOffset acceptedAt)
    {
        lock (_gate)
        {
            if (!_accepted.TryGetValue(application, out var arrivals))
            {
                return;
            }

            var kept = new Queue<DateTimeOffset>(arrivals.Count);
            var released = false;
            foreach (var arrival in arrivals)
            {
                if (!released && arrival == acceptedAt)
                {
                    released = true;
                    continue;
                }

                kept.Enqueue(arrival);
            }

            _accepted[application] = kept;
        }
    }
}
