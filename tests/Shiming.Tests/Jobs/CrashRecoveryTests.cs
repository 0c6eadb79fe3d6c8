using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// The worker process killed hard in the middle of a drain, as a crash or an instance lost would; the host starts a new one:
/// every accepted job still reaches a terminal state, each result is written once, and nothing is left behind.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed partial class CrashRecoveryTests
{
    private const int Jobs = 30;
    private const string Account = "crash-test";

    [TestMethod]
    public async Task A_worker_killed_mid_drain_and_started_again_finishes_every_job_once()
    {
        // Baidu answers in 300 ms, so calls are in flight when the process dies.
        await using var app = await StartAsync(lease: TimeSpan.FromSeconds(10));
        var (host, emulator) = (app.Host, app.Emulator);

        var statusUris = new List<string>();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", Account);
        for (var i = 0; i < Jobs; i++)
        {
            var content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9300 + i))));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var accepted = await client.PostAsync("/api/verifications?side=front", content);
            Assert.AreEqual(HttpStatusCode.Accepted, accepted.StatusCode);
            statusUris.Add(accepted.Headers.Location!.AbsolutePath);
        }

        // The drain is left running; once Baidu has answered a few calls, with more taken and waiting, the worker dies.
        var firstWorker = await host.GetWorkerProcessIdAsync();
        var drain = host.RunFunctionAsync("DrainVerifications");
        await WaitUntilAsync(() => emulator.Calls.Count(c => c.Endpoint == "idcard") >= 8, TimeSpan.FromSeconds(60));
        var killedAt = DateTimeOffset.UtcNow;
        await host.KillWorkerAsync();
        await WaitUntilAsync(() => emulator.Calls.Any(c => c.AnsweredAt is null || c.AnsweredAt > killedAt), TimeSpan.FromSeconds(5));
        Assert.IsFalse((await drain).Succeeded, "the drain should have died with its worker");

        var callsBeforeCrash = emulator.Calls.Count(c => c.Endpoint == "idcard");
        Assert.IsLessThan(Jobs, callsBeforeCrash, "the crash came too late to interrupt the drain");

        // The host starts a new worker, as it does after any worker dies.
        Assert.AreNotEqual(firstWorker, await host.GetWorkerProcessIdAsync());
        var results = new Dictionary<string, JsonElement>();
        await WaitUntilAsync(
            async () =>
            {
                await host.RunFunctionAsync("DrainVerifications");
                foreach (var uri in statusUris.Where(u => !results.ContainsKey(u)))
                {
                    using var status = await client.GetAsync(uri);
                    if (status.StatusCode == HttpStatusCode.OK)
                    {
                        results[uri] = await status.Content.ReadFromJsonAsync<JsonElement>();
                    }
                }

                return results.Count == Jobs;
            },
            TimeSpan.FromSeconds(120));

        Assert.IsTrue(results.Values.All(r => r.GetProperty("runtimeStatus").GetString() == "Completed"));
        var finishedLines = host.WorkerLog.Entries.SelectMany(e => FinishedLine().Matches(e.Message)).Select(m => m.Groups["id"].Value).ToList();
        var ids = statusUris.Select(u => u[(u.LastIndexOf('/') + 1)..]).ToList();
        Assert.IsTrue(ids.All(id => finishedLines.Count(f => f == id) <= 1), "a job's result was written twice");
        Assert.IsTrue(finishedLines.All(ids.Contains));

        var storage = app.Storage;
        Assert.AreEqual(0, (await storage.Jobs.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.AreEqual(0, (await storage.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        foreach (var id in ids)
        {
            Assert.IsFalse(await AzuriteStorage.ExistsAsync(storage.Images, id), "a finished job's image was left behind");
        }

        var line = 0;
        await foreach (var _ in storage.State.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"backlog"}")))
        {
            line++;
        }

        Assert.AreEqual(0, line, "a finished job was left in the line of waiting jobs");
    }

    [TestMethod]
    public async Task A_graceful_stop_mid_drain_finishes_the_calls_in_flight_and_gives_back_every_other_job_at_once()
    {
        // A long lease: a job the stop did not give back would stay hidden far longer than this test looks.
        await using var app = await StartAsync(lease: TimeSpan.FromMinutes(5), settings => settings["Logging:LogLevel:Shiming.Jobs.JobDrain"] = "Debug");
        var (host, emulator) = (app.Host, app.Emulator);
        var ids = new List<string>();
        using (var client = new HttpClient { BaseAddress = app.BaseAddress })
        {
            client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", Account);
            for (var i = 0; i < 20; i++)
            {
                var content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9400 + i))));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                using var accepted = await client.PostAsync("/api/verifications?side=front", content);
                Assert.AreEqual(HttpStatusCode.Accepted, accepted.StatusCode);
                ids.Add((await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
            }
        }

        var drain = host.RunFunctionAsync("DrainVerifications");
        await WaitUntilAsync(() => emulator.Calls.Count(c => c.Endpoint == "idcard") >= 4, TimeSpan.FromSeconds(60));
        await host.StopAsync();
        var run = await drain;

        Assert.IsTrue(run.Succeeded, $"the drain should end cleanly when asked to stop: {run.ExceptionType} {run.ExceptionMessage}");
        var calls = emulator.Calls.Count(c => c.Endpoint == "idcard");
        Assert.IsLessThan(ids.Count, calls, "the stop came too late to find jobs waiting");
        Assert.IsTrue(emulator.Calls.Where(c => c.Endpoint == "idcard").All(c => c.AnsweredAt is not null), "a call in flight was cut off");

        // Every job is finished, or waiting with its message visible now: none is left for its five-minute lease.
        var storage = app.Storage;
        var account = new Shiming.Api.CallerAccount(Account).Key;
        var pending = new List<string>();
        foreach (var id in ids)
        {
            var record = (await storage.Records.GetEntityAsync<TableEntity>(account, id)).Value;
            var status = record.GetString("Status");
            Assert.AreNotEqual("Running", status, "a job was left marked running");
            if (status == "Pending")
            {
                pending.Add(id);
            }
        }

        Assert.HasCount(ids.Count - calls, pending);
        var line = (await storage.Jobs.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
        var returned = (await storage.Returned.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
        Assert.HasCount(pending.Count, line.Concat(returned), "a job given back is not visible again at once");

        // The drain names each job it gave back (event 3017, at Debug), which is how the benchmark times them after a stop;
        // they wait in the returned queue, ahead of the jobs still in line.
        var givenBack = host.WorkerLog.Entries.Select(e => GivenBackLine().Match(e.Message)).Where(m => m.Success).Select(m => m.Groups["id"].Value).ToHashSet();
        Assert.IsNotEmpty(givenBack, "the drain had taken jobs it had not started, and gave none back");
        CollectionAssert.AreEquivalent(givenBack.ToList(), returned.Select(m => JobId(m.Body.ToString())).ToList());

        // After the restart, the jobs given back are taken first, in the drain's first take of two seconds' worth of calls
        // (10 at QPS 5), whose calls start in the order each is ready: they keep their place in line.
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the peeks above hid the messages for a second
        await app.RestartAsync();
        var restarted = app.Host;
        await WaitUntilAsync(
            async () =>
            {
                await restarted.RunFunctionAsync("DrainVerifications");
                return emulator.Calls.Count(c => c.Endpoint == "idcard") >= ids.Count;
            },
            TimeSpan.FromSeconds(60));
        var order = restarted.WorkerLog.Entries.Select(e => StartedLine().Match(e.Message)).Where(m => m.Success)
            .OrderBy(m => DateTimeOffset.Parse(m.Groups["at"].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Select(m => m.Groups["id"].Value)
            .ToList();
        Assert.HasCount(pending.Count, order);
        var firstTake = order.Take(Math.Max(givenBack.Count, 10)).ToHashSet();
        Assert.IsTrue(givenBack.All(firstTake.Contains), "a job given back at the stop waited behind the line");
    }

    private static string JobId(string message) => JsonDocument.Parse(message).RootElement.GetProperty("id").GetString()!;

    /// <summary>An app of its own, timers left out, with a Baidu that answers in 300 ms at 5 QPS, so calls are in flight whenever the worker is stopped.</summary>
    private static Task<ShimingTestApp> StartAsync(TimeSpan lease, Action<Dictionary<string, string?>>? configure = null) =>
        ShimingTestApp.StartAsync(
            settings =>
            {
                settings["Baidu:QpsLimit"] = "5";
                settings["Verifications:MaxLiveJobsPerAccount"] = "100";
                settings["Verifications:ProcessingLease"] = lease.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
                configure?.Invoke(settings);
            },
            new EmulatorOptions { QpsLimit = 5, LatencyMedian = TimeSpan.FromMilliseconds(300) },
            runTimers: false);

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.IsLessThan(deadline, DateTime.UtcNow, "timed out");
            await Task.Delay(250);
        }
    }

    [GeneratedRegex("Job (?<id>[0-9a-f]{32}) finished")]
    private static partial Regex FinishedLine();

    [GeneratedRegex("^Job (?<id>[0-9a-f]{32}) given back: the worker is stopping$")]
    private static partial Regex GivenBackLine();

    [GeneratedRegex("^Baidu call for job (?<id>[0-9a-f]{32}) started at (?<at>\\S+) for")]
    private static partial Regex StartedLine();
}
