using Microsoft.Extensions.Time.Testing;
using Shiming.Budget;
using Shiming.Jobs;

namespace Shiming.Tests.Budget;

/// <summary>The pacing clock on the system clock: wakes at the time, on its own thread, and can be cancelled.</summary>
[TestClass]
public sealed class PacingClockTests
{
    [TestMethod]
    public async Task A_waiter_is_woken_no_earlier_than_its_time_and_goes_on_on_the_pacing_thread()
    {
        var due = DateTimeOffset.UtcNow.AddMilliseconds(80);
        await PacingClock.WaitUntilAsync(due, TimeProvider.System, CancellationToken.None);

        Assert.IsTrue(DateTimeOffset.UtcNow >= due, "not woken early");
        Assert.AreEqual("Shiming pacing clock", Thread.CurrentThread.Name, "the code after the wait runs on the clock's thread, not the thread pool's");
    }

    [TestMethod]
    public async Task Waiters_are_woken_in_the_order_of_their_times_whatever_the_order_they_came_in()
    {
        var now = DateTimeOffset.UtcNow;
        var woken = new List<int>();
        var waits = new[] { 150, 50, 100 }.Select(async ms =>
        {
            await PacingClock.WaitUntilAsync(now.AddMilliseconds(ms), TimeProvider.System, CancellationToken.None);
            lock (woken)
            {
                woken.Add(ms);
            }
        }).ToArray();
        await Task.WhenAll(waits);

        CollectionAssert.AreEqual(new[] { 50, 100, 150 }, woken);
    }

    [TestMethod]
    public async Task A_cancelled_wait_ends_at_once_and_the_clock_goes_on_for_the_others()
    {
        using var cancel = new CancellationTokenSource();
        var cancelled = PacingClock.WaitUntilAsync(DateTimeOffset.UtcNow.AddMinutes(5), TimeProvider.System, cancel.Token);
        var other = PacingClock.WaitUntilAsync(DateTimeOffset.UtcNow.AddMilliseconds(50), TimeProvider.System, CancellationToken.None);

        await cancel.CancelAsync();

        await Assert.ThrowsAsync<TaskCanceledException>(() => cancelled);
        await other;
    }

    [TestMethod]
    public async Task A_time_already_past_completes_at_once_and_a_test_clock_is_followed()
    {
        Assert.IsTrue(PacingClock.WaitUntilAsync(DateTimeOffset.UtcNow.AddSeconds(-1), TimeProvider.System, CancellationToken.None).IsCompletedSuccessfully);

        var fake = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var wait = PacingClock.WaitUntilAsync(fake.GetUtcNow().AddSeconds(10), fake, CancellationToken.None);
        Assert.IsFalse(wait.IsCompleted);
        fake.Advance(TimeSpan.FromSeconds(10));
        await wait;
    }
}
