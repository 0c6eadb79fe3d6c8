using Shiming.Tests.Infrastructure;
using Shiming.Budget;
using Shiming.Jobs;

namespace Shiming.Tests.Budget;

/// <summary>
/// The last check before a call starts, with made-up times: callers are due on the grid of reserved start times
/// but wake late, sometimes very late, as on a busy machine; each starts at the later of its waking and the earliest
/// the check allows.
/// </summary>
[TestClass]
public sealed class RecentStartsTests
{
    private const int Qps = 10;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1.02 / Qps);
    private static readonly TimeSpan Lateness = TimeSpan.FromMilliseconds(10);
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void However_late_callers_wake_no_second_holds_more_than_the_limit_and_no_two_starts_bunch(int seed)
    {
        var random = new Random(seed);
        var wakes = Enumerable.Range(0, 2000).Select(k =>
        {
            // Mostly a few milliseconds late; one caller in fifty held up to 400 ms, as by a pause of the process.
            var late = random.Next(50) == 0 ? random.NextDouble() * 400 : random.NextDouble() * 5;
            return T0 + (Interval * k) + TimeSpan.FromMilliseconds(late);
        }).Order().ToList();

        var starts = Simulate(wakes, notBefore: DateTimeOffset.MinValue);

        Assert.IsLessThanOrEqualTo(Qps, StartWindows.MaxStartsInAnySecond(starts));
        Assert.IsTrue(starts.Zip(starts.Skip(1)).All(p => p.Second - p.First >= Interval / 2), "two starts less than half an interval apart");
    }

    [TestMethod]
    public void Late_callers_catch_up_so_the_budget_is_not_lost()
    {
        // Every tenth caller wakes 300 ms late: the ones after it are held back, then catch up at twice the pace.
        var wakes = Enumerable.Range(0, 1000)
            .Select(k => T0 + (Interval * k) + (k % 10 == 0 ? TimeSpan.FromMilliseconds(300) : TimeSpan.Zero))
            .Order()
            .ToList();

        var starts = Simulate(wakes, notBefore: DateTimeOffset.MinValue);

        var lastDue = T0 + (Interval * 999);
        Assert.IsLessThanOrEqualTo(lastDue + TimeSpan.FromMilliseconds(300), starts[^1], "the schedule drifted: budget was lost");
        Assert.IsLessThanOrEqualTo(Qps, StartWindows.MaxStartsInAnySecond(starts));
    }

    [TestMethod]
    public void Nothing_starts_during_a_slow_down_and_afterwards_not_all_at_once()
    {
        var wakes = Enumerable.Range(0, 30).Select(k => T0 + (Interval * k)).ToList();
        var notBefore = T0 + TimeSpan.FromSeconds(1);

        var starts = Simulate(wakes, notBefore);

        Assert.IsTrue(starts.All(s => s >= notBefore));
        Assert.IsTrue(starts.Zip(starts.Skip(1)).All(p => p.Second - p.First >= Interval / 2));
        Assert.IsLessThanOrEqualTo(Qps, StartWindows.MaxStartsInAnySecond(starts));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void Callers_that_wake_a_little_late_are_held_no_later_than_the_latest_of_them_so_holds_never_add_up(int seed)
    {
        // Lateness that varies from call to call: each start holds the caller a second later by its own lateness, so a
        // caller is held by the latest of the starts before it in its line, never by their sum.
        var random = new Random(seed);
        var wakes = Enumerable.Range(0, 2000).Select(k => T0 + (Interval * k) + (Lateness * random.NextDouble())).ToList();

        var starts = Simulate(wakes, notBefore: DateTimeOffset.MinValue);

        for (var k = 0; k < starts.Count; k++)
        {
            Assert.IsLessThan(Lateness, starts[k] - (T0 + (Interval * k)), $"call {k} was held past the latest lateness");
        }

        Assert.IsTrue(starts.Zip(starts.Skip(Qps)).All(p => p.Second - p.First >= Interval * Qps), "eleven starts within the margin's second");
        Assert.IsLessThanOrEqualTo(Qps, StartWindows.MaxStartsInAnySecond(starts));
    }

    [TestMethod]
    public void A_lowered_limit_takes_effect_at_the_next_start()
    {
        var recent = new RecentStarts();
        for (var k = 0; k < Qps; k++)
        {
            recent.Record(T0 + (Interval * k), Qps);
        }

        var next = recent.EarliestNext(DateTimeOffset.MinValue, TimeSpan.FromSeconds(1.02 / 2), limit: 2);

        Assert.AreEqual(T0 + (Interval * (Qps - 2)) + TimeSpan.FromSeconds(1.02), next);
    }

    [TestMethod]
    public void A_call_that_left_late_holds_the_call_a_limit_behind_it_from_when_it_left()
    {
        var recent = new RecentStarts();
        for (var k = 0; k < Qps; k++)
        {
            recent.Record(T0 + (Interval * k), Qps, slot: T0 + (Interval * k));
        }

        var onTime = recent.EarliestNext(DateTimeOffset.MinValue, Interval, Qps);
        recent.Departed(T0, T0 + TimeSpan.FromMilliseconds(21));
        recent.Departed(T0 + Interval, T0 + Interval - TimeSpan.FromMilliseconds(5)); // never earlier than its start
        var afterLateWrite = recent.EarliestNext(DateTimeOffset.MinValue, Interval, Qps);

        Assert.AreEqual(T0 + (Interval * Qps), onTime);
        Assert.AreEqual(T0 + TimeSpan.FromMilliseconds(21) + (Interval * Qps), afterLateWrite);
    }

    private static List<DateTimeOffset> Simulate(IEnumerable<DateTimeOffset> wakes, DateTimeOffset notBefore)
    {
        var recent = new RecentStarts();
        var starts = new List<DateTimeOffset>();
        foreach (var wake in wakes)
        {
            var earliest = recent.EarliestNext(notBefore, Interval, Qps);
            var start = wake > earliest ? wake : earliest;
            recent.Record(start, Qps);
            starts.Add(start);
        }

        return starts;
    }
}
