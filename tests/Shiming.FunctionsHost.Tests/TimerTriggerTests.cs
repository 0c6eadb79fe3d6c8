using Shiming.FunctionsHost.Timers;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class TimerTriggerTests
{
    [TestMethod]
    public async Task A_timer_every_second_whose_run_takes_longer_runs_one_at_a_time_and_reports_past_due()
    {
        var host = await TestHosts.GetSharedAsync();

        // Tick runs for 1.5 s on a one-second schedule, so occurrences keep coming while it runs.
        await host.WorkerLog.WaitForAsync(e => e.Message.StartsWith("Tick started IsPastDue=True", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var ticks = host.WorkerLog.Entries
            .Where(e => e.Category == "Function.Tick" && e.Message.StartsWith("Tick ", StringComparison.Ordinal))
            .GroupBy(e => e.WorkerProcessId)
            .ToArray();
        foreach (var worker in ticks)
        {
            var running = 0;
            foreach (var entry in worker)
            {
                running += entry.Message.StartsWith("Tick started", StringComparison.Ordinal) ? 1 : -1;
                Assert.IsTrue(running is 0 or 1, $"Tick runs overlapped in worker {worker.Key}.");
            }
        }

        Assert.IsTrue(host.WorkerLog.Entries.Any(e => e.Message.StartsWith("Tick started IsPastDue=False", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task A_timer_that_asks_to_run_on_startup_runs_once_when_the_host_starts_and_is_not_past_due()
    {
        var host = await TestHosts.GetSharedAsync();

        var ran = await host.WorkerLog.WaitForAsync(e => e.Category == "Function.Startup", TimeSpan.FromSeconds(60));

        Assert.AreEqual("Startup ran IsPastDue=False", ran.Message);
        Assert.AreEqual(1, host.WorkerLog.Entries.Count(e => e.Category == "Function.Startup" && e.WorkerProcessId == ran.WorkerProcessId));
    }

    [TestMethod]
    public async Task Two_hosts_of_one_app_run_its_timer_on_one_of_them_and_the_other_takes_it_over_when_that_one_stops()
    {
        // One host ID on one storage account: two instances of one app. Their Tick runs every second.
        var app = new Dictionary<string, string> { ["AzureFunctionsWebHost__hostid"] = $"scaled-{Guid.NewGuid():N}"[..32] };
        var first = await TestHosts.StartAsync(settings: app);
        await using var second = await TestHosts.StartAsync(settings: app);
        try
        {
            var ran = await Task.WhenAny(TickAsync(first), TickAsync(second));
            var (holder, other) = await ran == first ? (first, second) : (second, first);
            await Task.Delay(TimeSpan.FromSeconds(4)); // four occurrences more

            Assert.IsTrue(holder.WorkerLog.Entries.Count(IsTick) >= 2);
            Assert.AreEqual(0, other.WorkerLog.Entries.Count(IsTick), "Both instances ran the timer.");

            // A graceful stop gives up the lock; the other instance takes it at its next try (every second here).
            await holder.DisposeAsync();
            await other.WorkerLog.WaitForAsync(IsTick, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await first.DisposeAsync();
        }

        static async Task<FunctionsHost> TickAsync(FunctionsHost host)
        {
            await host.WorkerLog.WaitForAsync(IsTick, TimeSpan.FromSeconds(60));
            return host;
        }
    }

    private static bool IsTick(Worker.WorkerLogEntry entry) => entry.Message.StartsWith("Tick started", StringComparison.Ordinal);

    [TestMethod]
    public void A_six_field_schedule_has_seconds()
    {
        var plan = new TimerPlan("*/10 * * * * *");

        Assert.AreEqual(At("12:00:10"), plan.NextAfter(At("12:00:01")));
    }

    [TestMethod]
    public void A_five_field_schedule_is_minutes()
    {
        var plan = new TimerPlan("*/5 * * * *");

        Assert.AreEqual(At("12:05:00"), plan.NextAfter(At("12:00:01")));
    }

    [TestMethod]
    public void A_run_that_ends_before_the_next_occurrence_waits_for_it()
    {
        var plan = new TimerPlan("* * * * * *");

        Assert.AreEqual(new TimerRun(At("12:00:01"), IsPastDue: false), plan.Next(At("12:00:00"), At("12:00:00.400")));
    }

    [TestMethod]
    public void An_occurrence_that_came_during_a_run_runs_as_soon_as_it_ends_and_is_not_past_due()
    {
        var plan = new TimerPlan("* * * * * *");

        Assert.AreEqual(new TimerRun(At("12:00:01"), IsPastDue: false), plan.Next(At("12:00:00"), At("12:00:01.500")));
    }

    [TestMethod]
    public void Several_occurrences_during_a_run_make_one_past_due_run_for_the_latest()
    {
        var plan = new TimerPlan("* * * * * *");

        Assert.AreEqual(new TimerRun(At("12:00:04"), IsPastDue: true), plan.Next(At("12:00:00"), At("12:00:04.200")));
    }

    private static DateTime At(string time) =>
        DateTime.SpecifyKind(DateTime.Parse($"2026-12-01T{time}", System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
}
