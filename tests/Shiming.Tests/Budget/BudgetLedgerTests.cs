using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shiming.Baidu;
using Shiming.Tests.Infrastructure;
using Shiming.Budget;
using Shiming.Jobs;

namespace Shiming.Tests.Budget;

/// <summary>The shared budget, against Azurite, with a clock the test moves.</summary>
[TestClass]
public sealed class BudgetLedgerTests
{
    private const int Qps = 10;

    [TestMethod]
    public void The_sliding_second_measure_counts_starts_less_than_a_second_apart()
    {
        var t = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.AreEqual(10, StartWindows.MaxStartsInAnySecond(Enumerable.Range(0, 30).Select(i => t.AddMilliseconds(100 * i))));
        Assert.AreEqual(11, StartWindows.MaxStartsInAnySecond(Enumerable.Range(0, 30).Select(i => t.AddMilliseconds(99 * i))));
    }

    [TestMethod]
    public async Task Two_drains_reserving_at_once_never_share_a_second_beyond_the_budget()
    {
        var (clock, first, second) = await TwoLedgersAsync();

        var reservations = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? first : second).ReserveAsync(7, CancellationToken.None)));

        var starts = reservations.SelectMany(r => r).ToList();
        Assert.HasCount(140, starts);
        Assert.HasCount(140, starts.Distinct());
        Assert.IsLessThanOrEqualTo(Qps, StartWindows.MaxStartsInAnySecond(starts));
        var sorted = starts.Order().ToList();
        Assert.IsTrue(sorted.Zip(sorted.Skip(1)).All(p => p.Second - p.First >= first.Interval - TimeSpan.FromTicks(1)));
        Assert.IsGreaterThanOrEqualTo(clock.GetUtcNow(), sorted[0]);
    }

    [TestMethod]
    public async Task A_restarted_drain_continues_after_the_times_already_reserved()
    {
        var (_, before, afterRestart) = await TwoLedgersAsync();
        var reserved = await before.ReserveAsync(25, CancellationToken.None);

        var next = await afterRestart.ReserveAsync(5, CancellationToken.None);

        Assert.IsGreaterThanOrEqualTo(reserved[^1] + before.Interval, next[0]);
        Assert.IsLessThanOrEqualTo(Qps, StartWindows.MaxStartsInAnySecond([.. reserved, .. next]));
    }

    [TestMethod]
    public async Task Each_block_keeps_time_free_after_it_that_its_own_ledger_takes_up_again_and_no_other_does()
    {
        var (_, first, second) = await TwoLedgersAsync();
        var kept = first.LateStartAllowed;

        var block = await first.ReserveAsync(3, CancellationToken.None);
        var again = await first.ReserveAsync(2, CancellationToken.None);
        var other = await second.ReserveAsync(1, CancellationToken.None);
        var afterOther = await first.ReserveAsync(1, CancellationToken.None);

        Assert.AreEqual(block[^1] + first.Interval, again[0], "the ledger did not take up the time it kept after its block");
        Assert.AreEqual(again[^1] + first.Interval + kept, other[0], "another ledger's block began in the time kept free");
        Assert.AreEqual(other[0] + first.Interval + kept, afterOther[0], "once another ledger wrote the row, the first began in that one's kept time");
    }

    [TestMethod]
    public async Task After_an_idle_time_reservations_start_now_without_catching_up_on_the_past()
    {
        var (clock, ledger, _) = await TwoLedgersAsync();
        await ledger.ReserveAsync(5, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(10));

        var next = await ledger.ReserveAsync(Qps * 3, CancellationToken.None);

        Assert.AreEqual(clock.GetUtcNow(), next[0]);
        Assert.IsLessThanOrEqualTo(Qps, StartWindows.MaxStartsInAnySecond(next));
    }

    [TestMethod]
    public async Task Slowing_down_keeps_every_drain_from_starting_a_call_for_a_second()
    {
        var (clock, first, second) = await TwoLedgersAsync();

        await first.SlowDownAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        var next = await second.ReserveAsync(1, CancellationToken.None);

        Assert.AreEqual(clock.GetUtcNow().AddSeconds(1), next[0]);
    }

    [TestMethod]
    public async Task A_quota_pause_stops_reservations_everywhere_until_it_ends_and_says_why()
    {
        var (clock, first, second) = await TwoLedgersAsync();
        var until = clock.GetUtcNow().AddHours(3);

        await first.PauseAsync(new BudgetPause(until, "daily quota used up"), CancellationToken.None);

        Assert.IsEmpty(await second.ReserveAsync(3, CancellationToken.None));
        Assert.AreEqual("daily quota used up", (await second.GetPauseAsync(CancellationToken.None))?.Reason);
        clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(2));
        Assert.IsNull(await second.GetPauseAsync(CancellationToken.None));
        Assert.HasCount(3, await second.ReserveAsync(3, CancellationToken.None));
    }

    /// <summary>Two ledgers on the same table, as two drains on two instances (or before and after a restart) would be.</summary>
    private static async Task<(FakeTimeProvider Clock, BudgetLedger First, BudgetLedger Second)> TwoLedgersAsync()
    {
        var azurite = await Azurite.GetSharedAsync();
        var clock = new FakeTimeProvider();
        var options = Options.Create(new JobOptions { StateTable = $"state{Guid.NewGuid():N}"[..30] });
        var pacing = new StaticOptionsMonitor<PacingOptions>(new PacingOptions { PacingMarginMin = 0.02 });
        var storage = AzuriteStorage.Verifications(azurite, options.Value);
        BudgetLedger Create() => new(new BudgetRow(storage.State, "idcard", storage.EnsureCreatedAsync), () => Qps, new PacingMargin(pacing, clock), clock);
        return (clock, Create(), Create());
    }

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
