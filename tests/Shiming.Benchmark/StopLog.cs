using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Shiming.Benchmark;

/// <summary>
/// What the instance stopped in the middle of the burst had taken: the jobs its drain gave back because the worker was
/// stopping (event 3017), and the jobs whose calls it started (3012, logged once a call is over, so a call in flight at
/// the stop is logged during the grace period). Set beside when each job finished, that is how long a graceful stop
/// held the jobs it interrupted. After a crash, the instance started in its place names the jobs it took again with no
/// outcome recorded for their earlier take (3033): those the dead instance held in flight.
/// </summary>
internal sealed partial class StopLog
{
    private readonly ConcurrentDictionary<string, byte> _givenBack = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _started = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _takenAgain = new(StringComparer.Ordinal);

    /// <summary>The jobs taken again with no outcome recorded for an earlier take (each once).</summary>
    public IReadOnlyCollection<string> TakenAgain => [.. _takenAgain.Keys];

    public void Read(string line)
    {
        if (GivenBackLine().Match(line) is { Success: true } givenBack)
        {
            _givenBack.TryAdd(givenBack.Groups[1].Value, 0);
        }
        else if (StartedLine().Match(line) is { Success: true } started)
        {
            _started[started.Groups[1].Value] = DateTimeOffset.Parse(started.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        else if (TakenAgainLine().Match(line) is { Success: true } takenAgain)
        {
            _takenAgain.TryAdd(takenAgain.Groups[1].Value, 0);
        }
    }

    /// <summary>
    /// The jobs taken before <paramref name="stoppedAt"/> and not finished by then, each with whether it was given back
    /// (or else in flight), and how long after the stop it finished.
    /// </summary>
    public IReadOnlyList<(bool GivenBack, TimeSpan FinishedAfterStop)> Interrupted(DateTimeOffset stoppedAt, IReadOnlyDictionary<string, DateTimeOffset> finishedAt) =>
        [.. _givenBack.Keys.Select(id => (Id: id, GivenBack: true))
            .Concat(_started.Where(s => s.Value < stoppedAt && !_givenBack.ContainsKey(s.Key)).Select(s => (Id: s.Key, GivenBack: false)))
            .Where(job => finishedAt.TryGetValue(job.Id, out var at) && at > stoppedAt)
            .Select(job => (job.GivenBack, finishedAt[job.Id] - stoppedAt))];

    [GeneratedRegex(@"Job (\S+) given back: the worker is stopping$")]
    private static partial Regex GivenBackLine();

    [GeneratedRegex(@"Job (\S+) taken again with no outcome recorded for its earlier call")]
    private static partial Regex TakenAgainLine();

    [GeneratedRegex(@"Baidu call for job (\S+) started at (\S+) for the start time \S+, its first byte written \S+ ms after the start$")]
    private static partial Regex StartedLine();
}
