using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Shiming.Benchmark;

/// <summary>
/// What the apps' drains said about their pacing, read from their Debug log: when each call started and for which
/// reserved start time (event 3012), the start times given up and why (3014), and those that passed unused (3015).
/// </summary>
internal sealed partial class PacingLog
{
    private readonly ConcurrentBag<(string JobId, int Instance, DateTimeOffset Started, DateTimeOffset Slot, double Written)> _starts = [];
    private IReadOnlySet<string>? _kept;
    private readonly ConcurrentDictionary<string, int> _givenUp = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<double> _givenUpLateness = [];
    private int _dropped;

    /// <summary>The log categories to set to Debug in each app for these lines.</summary>
    public static readonly IReadOnlyList<string> Categories = ["Shiming.Jobs.JobDrain", "Shiming.Budget.CallSlots"];

    /// <summary>A line that app instance <paramref name="instance"/> logged.</summary>
    public void Read(int instance, string line)
    {
        if (StartedLine().Match(line) is { Success: true } started)
        {
            _starts.Add((started.Groups[1].Value, instance, Parse(started.Groups[2].Value), Parse(started.Groups[3].Value), double.Parse(started.Groups[4].Value, CultureInfo.InvariantCulture)));
        }
        else if (GivenUpLine().Match(line) is { Success: true } givenUp)
        {
            _givenUp.AddOrUpdate(givenUp.Groups[1].Value, 1, (_, n) => n + 1);
            _givenUpLateness.Add(double.Parse(givenUp.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        else if (DroppedLine().Match(line) is { Success: true } dropped)
        {
            Interlocked.Add(ref _dropped, int.Parse(dropped.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// From now on, only the starts of these jobs count: every kind's drain logs its starts alike, and in a mixed burst
    /// the card figures are the cards'. (Start times given up or passed unused name no job, and stay every kind's.)
    /// </summary>
    public void KeepOnly(IReadOnlySet<string> jobIds) => _kept = jobIds;

    private IEnumerable<(string JobId, int Instance, DateTimeOffset Started, DateTimeOffset Slot, double Written)> Starts =>
        _kept is { } kept ? _starts.Where(s => kept.Contains(s.JobId)) : _starts;

    public IReadOnlyList<DateTimeOffset> Departures => [.. Starts.Select(s => s.Started).Order()];

    /// <summary>
    /// When the last job still untried had its first call started: until then a job was always waiting for a start
    /// time; after it, only retries waiting out their backoff were left, and an idle budget is no pacing's loss.
    /// </summary>
    public DateTimeOffset? LastFirstStart =>
        !Starts.Any() ? null : Starts.GroupBy(s => s.JobId, StringComparer.Ordinal).Max(job => job.Min(s => s.Started));

    /// <summary>How long after its reserved start time each call started, in milliseconds: the pacing's own wake-up lateness.</summary>
    public string DescribeStartLateness() => Describe(Starts.Select(s => (s.Started - s.Slot).TotalMilliseconds));

    /// <summary>How long after its start each call's first byte was handed to its connection, in milliseconds: the app's own part of the way to Baidu.</summary>
    public string DescribeStartToWrite() => Describe(Starts.Select(s => s.Written).Where(w => !double.IsNaN(w)));

    /// <summary>How many calls each instance's drains started (each timer runs on one instance at a time, the host's listener lock).</summary>
    public string DescribeStartsByInstance(int instances) =>
        string.Join(" / ", Enumerable.Range(0, instances).Select(i => Starts.Count(s => s.Instance == i).ToString(CultureInfo.InvariantCulture)));

    public string DescribeGivenUp()
    {
        var total = _givenUp.Values.Sum();
        var reasons = string.Join(", ", _givenUp.OrderByDescending(r => r.Value).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value} {r.Key}")));
        return string.Create(CultureInfo.InvariantCulture, $"{total}{(total == 0 ? "" : $" ({reasons}; {Describe(_givenUpLateness)} after them)")}, {Volatile.Read(ref _dropped)} passed unused");
    }

    private static string Describe(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return "n/a";
        }

        double At(double p) => Percentiles.At(sorted, p);
        return string.Create(CultureInfo.InvariantCulture, $"{At(0.50):0.0} / {At(0.99):0.0} / {sorted[^1]:0.0} ms");
    }

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Baidu call for job (\S+) started at (\S+) for the start time (\S+), its first byte written (\S+) ms after the start$")]
    private static partial Regex StartedLine();

    [GeneratedRegex(@"Start time \S+ given up \((.+), (\S+) ms after it\)$")]
    private static partial Regex GivenUpLine();

    [GeneratedRegex(@"(\d+) reserved start times passed unused$")]
    private static partial Regex DroppedLine();
}
