using System.Net;
using Azure.Storage.Queues;
using Shiming.Tests.Infrastructure;

namespace Shiming.FunctionsHost.Tests;

/// <summary>A host of its own whose settings disable a timer, a queue trigger and an HTTP function, in the three
/// spellings the host takes, and give its queue functions queues no other host polls.</summary>
[TestClass]
public sealed class DisabledFunctionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string WorkQueue = $"work-{Guid.NewGuid():N}";
    private static readonly string IdleQueue = $"idle-{Guid.NewGuid():N}";
    private static FunctionsHost _host = null!;
    private static QueueClient _work = null!;
    private static QueueClient _idle = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        var azurite = await Azurite.GetSharedAsync();
        var options = new QueueClientOptions(TestHosts.AzuriteQueueVersion) { MessageEncoding = QueueMessageEncoding.Base64 };
        _work = new QueueClient(azurite.ConnectionString, WorkQueue, options);
        _idle = new QueueClient(azurite.ConnectionString, IdleQueue, options);
        await _work.CreateIfNotExistsAsync();
        await _idle.CreateIfNotExistsAsync();
        _host = await TestHosts.StartAsync(settings: new Dictionary<string, string>
        {
            ["AzureWebJobs.Tick.Disabled"] = "true",
            ["AzureWebJobs_Idle_Disabled"] = "1",
            ["AzureWebJobs.Echo.Disabled"] = "True",
            ["TestWorker__BeatSchedule"] = "*/1 * * * * *",
            ["TestWorker__WorkQueue"] = WorkQueue,
            ["TestWorker__IdleQueue"] = IdleQueue,
        });
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _work.DeleteIfExistsAsync();
        await _idle.DeleteIfExistsAsync();
    }

    [TestMethod]
    public void The_host_names_the_disabled_functions()
    {
        CollectionAssert.AreEquivalent(new[] { "Tick", "Idle", "Echo" }, _host.DisabledFunctions.ToArray());
    }

    [TestMethod]
    public async Task A_disabled_timer_never_fires_while_an_enabled_one_keeps_its_schedule()
    {
        // Beat runs every second here; three of its runs span two occurrences of Tick's every-second schedule.
        var beats = 0;
        await _host.WorkerLog.WaitForAsync(e => e.Message.StartsWith("Beat ran", StringComparison.Ordinal) && ++beats >= 3, Wait);

        Assert.IsFalse(_host.WorkerLog.Entries.Any(e => e.Category == "Function.Tick" && e.InvocationId is not null && !OnDemand(e.InvocationId)));
    }

    [TestMethod]
    public async Task A_disabled_queue_trigger_does_not_listen_while_an_enabled_one_does()
    {
        var idle = $"idle-{Guid.NewGuid():N}";
        await _idle.SendMessageAsync(idle);

        // Two messages through Work, the second sent once the first is done, take more than one poll of every queue.
        foreach (var work in new[] { $"work-{Guid.NewGuid():N}", $"work-{Guid.NewGuid():N}" })
        {
            await _work.SendMessageAsync(work);
            await _host.WorkerLog.WaitForAsync(e => e.Message.StartsWith($"Work received {work} ", StringComparison.Ordinal), Wait);
        }

        Assert.IsFalse(_host.WorkerLog.Entries.Any(e => e.Message == $"Idle received {idle}"));
        var waiting = (await _idle.PeekMessagesAsync(32)).Value;
        Assert.IsTrue(waiting.Any(m => m.Body.ToString() == idle));
    }

    [TestMethod]
    public async Task A_disabled_http_function_answers_404_and_an_enabled_one_answers()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };

        using var disabled = await client.GetAsync("test-api/echo/ada");
        using var enabled = await client.PutAsync("test-api/uploads/7", new StringContent("x"));

        Assert.AreEqual(HttpStatusCode.NotFound, disabled.StatusCode);
        Assert.AreEqual(HttpStatusCode.Created, enabled.StatusCode);
    }

    [TestMethod]
    public async Task Disabled_timer_and_queue_functions_still_run_on_demand()
    {
        var tick = await _host.RunFunctionAsync("Tick");
        var idle = await _host.RunFunctionAsync("Idle", "on demand");

        Remember(tick.InvocationId);
        Assert.IsTrue(tick.Succeeded);
        Assert.IsTrue(tick.Logs.Any(e => e.Message.StartsWith("Tick started IsPastDue=False", StringComparison.Ordinal)));
        Assert.IsTrue(idle.Succeeded);
        Assert.IsTrue(idle.Logs.Any(e => e.Message == "Idle received on demand"));
    }

    // The runs on demand of this class's host, told apart from scheduled ones whichever test runs first.
    private static readonly HashSet<string> OnDemandRuns = [];

    private static void Remember(string invocationId)
    {
        lock (OnDemandRuns)
        {
            OnDemandRuns.Add(invocationId);
        }
    }

    private static bool OnDemand(string invocationId)
    {
        lock (OnDemandRuns)
        {
            return OnDemandRuns.Contains(invocationId);
        }
    }
}
