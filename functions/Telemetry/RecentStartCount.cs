namespace Shiming.Telemetry;

/// <summary>Call starts of the last second, counted on the app's clock: what <c>shiming.budget.used</c> reports.</summary>
internal sealed class RecentStartCount(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> _starts = new();

    public void Add()
    {
        var now = time.GetUtcNow();
        lock (_starts)
        {
            _starts.Enqueue(now);
            Prune(now);
        }
    }

    public int InLastSecond()
    {
        var now = time.GetUtcNow();
        lock (_starts)
        {
            Prune(now);
            return _starts.Count;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        while (_starts.TryPeek(out var oldest) && now - oldest >= Window)
        {
            _starts.Dequeue();
        }
    }
}
