using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class WorkerLifecycleTests
{
    [TestMethod]
    public async Task A_worker_that_dies_is_started_again_and_serves_requests()
    {
        await using var host = await TestHosts.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var first = await host.GetWorkerProcessIdAsync();

        using (var process = Process.GetProcessById(first))
        {
            process.Kill();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int? answeredBy = null;
        while (answeredBy is null || answeredBy == first)
        {
            using var response = await client.GetAsync("test-api/echo/after-restart", timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                answeredBy = (await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("processId").GetInt32();
            }
            else
            {
                await Task.Delay(200, timeout.Token);
            }
        }

        Assert.AreNotEqual(first, answeredBy);
        Assert.AreEqual(first, host.LastWorkerExit?.ProcessId);
    }

    [TestMethod]
    public async Task Stopping_sends_WorkerTerminate_so_the_worker_cancels_what_is_running_and_exits_by_itself()
    {
        // Slow would run for 30 s: a worker that exits by itself within the grace period cut it short.
        await using var host = await TestHosts.StartAsync(gracePeriod: TimeSpan.FromSeconds(10));
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var slow = client.GetAsync("test-api/slow");
        await host.WorkerLog.WaitForAsync(e => e.Message == "Slow started", TimeSpan.FromSeconds(30));

        await host.DisposeAsync();

        Assert.IsNotNull(host.LastWorkerExit);
        Assert.IsFalse(host.LastWorkerExit.Killed);
        Assert.AreEqual(0, host.LastWorkerExit.ExitCode);
        try
        {
            (await slow).Dispose();
        }
        catch (HttpRequestException)
        {
            // The front door closed the connection while stopping; what matters is the worker's side.
        }
    }

    [TestMethod]
    public async Task Stopping_signals_a_run_in_flight_which_finishes_its_work_within_the_grace_period_and_answers()
    {
        await using var host = await TestHosts.StartAsync(gracePeriod: TimeSpan.FromSeconds(10));
        var run = host.RunFunctionAsync("Linger");
        await host.WorkerLog.WaitForAsync(e => e.Message == "Linger started", TimeSpan.FromSeconds(30));

        await host.StopAsync();

        var result = await run;
        Assert.IsTrue(result.Logs.Any(e => e.Message == "Linger saw its cancellation"));
        Assert.IsTrue(result.Logs.Any(e => e.Message == "Linger finished its work"));
        Assert.IsTrue(result.Succeeded);
        Assert.IsNotNull(host.LastWorkerExit);
        Assert.IsFalse(host.LastWorkerExit.Killed);
        Assert.AreEqual(0, host.LastWorkerExit.ExitCode);
    }

    [TestMethod]
    public async Task A_hard_kill_loses_the_run_in_flight_and_a_new_worker_takes_requests_and_runs()
    {
        await using var host = await TestHosts.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var run = host.RunFunctionAsync("Linger");
        await host.WorkerLog.WaitForAsync(e => e.Message == "Linger started", TimeSpan.FromSeconds(30));

        var killed = await host.KillWorkerAsync();

        var lost = await run;
        Assert.IsTrue(lost.WorkerLost);
        Assert.IsFalse(lost.Succeeded);
        Assert.IsFalse(lost.Logs.Any(e => e.Message == "Linger saw its cancellation"));
        Assert.AreEqual(killed, host.LastWorkerExit?.ProcessId);
        Assert.IsTrue(host.LastWorkerExit?.Killed);
        var next = await host.GetWorkerProcessIdAsync();
        Assert.AreNotEqual(killed, next);
        using var response = await client.GetAsync("test-api/echo/after-kill");
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual(next, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("processId").GetInt32());
        Assert.IsTrue((await host.RunFunctionAsync("Report", "after-kill")).Succeeded);
    }

    [TestMethod]
    public async Task A_worker_that_keeps_dying_is_given_up_after_three_deaths_and_requests_get_503()
    {
        await using var host = await TestHosts.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        // The host restarts a worker after its first and second deaths; the third within 30 minutes ends the restarts.
        await host.KillWorkerAsync();
        await host.KillWorkerAsync();
        Assert.IsFalse(host.WorkerRestartsExhausted.IsCompleted);
        await host.KillWorkerAsync();

        await host.WorkerRestartsExhausted.WaitAsync(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync("test-api/echo/after-giving-up");
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
