namespace Shiming.Tests.Infrastructure;

/// <summary>How a series of call starts measures against a per-second budget.</summary>
internal static class StartWindows
{
    /// <summary>The largest number of starts in any window of one second (open at its start, closed at its end).</summary>
    public static int MaxStartsInAnySecond(IEnumerable<DateTimeOffset> starts)
    {
        var sorted = starts.OrderBy(s => s).ToArray();
        var max = 0;
        var first = 0;
        for (var last = 0; last < sorted.Length; last++)
        {
            while (sorted[last] - sorted[first] >= TimeSpan.FromSeconds(1))
            {
                first++;
            }

            max = Math.Max(max, last - first + 1);
        }

        return max;
    }
}
