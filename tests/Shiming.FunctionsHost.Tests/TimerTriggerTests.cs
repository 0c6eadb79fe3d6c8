namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class TimerTriggerTests
{
    [TestMethod]
    public async Task A_timer_every_second_whose_run_takes_longer_runs_one_at_a_time_and_is_never_past_due()
    {
        var host = await TestHosts.GetSharedAsync();

        // Tick runs for 1.5 s on a one-second schedule, so occurrences keep coming while it runs. The host sets IsPastDue
        // only from its schedule monitor at start-up (Tick's schedule is under a minute, so it has none).
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (host.WorkerLog.Entries.Count(IsTick) < 3)
            {
                await Task.Delay(100, wait.Token);
            }
        }

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

        Assert.IsFalse(host.WorkerLog.Entries.Any(e => e.Message.StartsWith("Tick started IsPastDue=True", StringComparison.Ordinal)));
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

            // A graceful stop gives up the lock; the other instance takes it at its next try (every 15 s here, the least
            // the WebJobs SDK's SingletonOptions takes).
            await holder.DisposeAsync();
            await other.WorkerLog.WaitForAsync(IsTick, TimeSpan.FromSeconds(45));
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

    [TestMethod]
    public async Task A_daily_timer_whose_occurrence_passed_while_no_host_ran_runs_past_due_when_a_host_starts()
    {
        // The schedule status the last host left: its next occurrence was yesterday, and no host ran since.
        var hostId = $"missed-{Guid.NewGuid():N}"[..32];
        var azurite = await Shiming.Tests.Infrastructure.Azurite.GetSharedAsync();
        var status = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "azure-webjobs-hosts")
            .GetBlobClient($"timers/{hostId}/Host.Functions.Beat/status");
        await new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "azure-webjobs-hosts").CreateIfNotExistsAsync();
        var yesterday = DateTime.UtcNow.Date.AddDays(-1).AddHours(3);
        var json = System.Text.Json.JsonSerializer.Serialize(new { Last = yesterday.AddDays(-1), Next = yesterday, LastUpdated = yesterday.AddDays(-1) });
        await status.UploadAsync(BinaryData.FromString(json), overwrite: true);

        await using var host = await TestHosts.StartAsync(settings: new Dictionary<string, string>
        {
            ["AzureFunctionsWebHost__hostid"] = hostId,
            ["TestWorker__BeatSchedule"] = "0 0 3 * * *",
        });

        var ran = await host.WorkerLog.WaitForAsync(e => e.Message.StartsWith("Beat ran", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.AreEqual("Beat ran IsPastDue=True", ran.Message);
    }

    [TestMethod]
    public async Task A_run_on_demand_takes_no_listener_lock_and_may_overlap_a_scheduled_run()
    {
        await using var host = await TestHosts.StartAsync();
        await host.WorkerLog.WaitForAsync(IsTick, TimeSpan.FromSeconds(60));

        // Scheduled Tick runs follow each other without a gap (1.5 s each, every second), so this one runs beside one.
        var result = await host.RunFunctionAsync("Tick");

        Assert.IsTrue(result.Succeeded);
        var running = 0;
        var most = 0;
        foreach (var entry in host.WorkerLog.Entries.Where(e => e.Category == "Function.Tick" && e.Message.StartsWith("Tick ", StringComparison.Ordinal)))
        {
            running += entry.Message.StartsWith("Tick started", StringComparison.Ordinal) ? 1 : -1;
            most = Math.Max(most, running);
        }

        Assert.AreEqual(2, most, "The run on demand waited for the scheduled run.");
    }

    private static bool IsTick(Worker.WorkerLogEntry entry) => entry.Message.StartsWith("Tick started", StringComparison.Ordinal);
}
