using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Shiming.BaiduEmulator;
using Shiming.Hosting;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Verifications;

/// <summary>
/// The handler killed hard in the middle of a drain, as a crash or a host recycle would, then started again:
/// every accepted job still reaches a terminal state, each result is written once, and nothing is left behind.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed partial class CrashRecoveryTests
{
    private const int Jobs = 30;
    private const string Account = "crash-test";

    [TestMethod]
    public async Task A_handler_killed_mid_drain_and_started_again_finishes_every_job_once()
    {
        // Baidu answers in 300 ms, so calls are in flight when the process dies.
        await using var emulator = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 5, LatencyMedian = TimeSpan.FromMilliseconds(300) });
        var settings = ShimingTestApp.StandaloneSettings(await Azurite.GetSharedAsync(), emulator);
        settings["Baidu:QpsLimit"] = "5";
        settings["Verifications:MaxLiveJobsPerAccount"] = "100";
        settings["Verifications:ProcessingLease"] = "00:00:10";

        string firstOutput;
        var statusUris = new List<string>();
        await using (var first = await HandlerProcess.StartAsync(settings))
        {
            for (var i = 0; i < Jobs; i++)
            {
                var content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9300 + i))));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/verifications?side=front") { Content = content };
                request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", Account);
                using var accepted = await first.Client.SendAsync(request);
                Assert.AreEqual(HttpStatusCode.Accepted, accepted.StatusCode);
                statusUris.Add(accepted.Headers.Location!.AbsolutePath);
            }

            // The drain is left running; once Baidu has answered a few calls, with more taken and waiting, the process dies.
            var drain = first.InvokeTimerAsync(ShimingFunctions.DrainVerifications.Name);
            await WaitUntilAsync(() => emulator.Calls.Count(c => c.Endpoint == "idcard") >= 8, TimeSpan.FromSeconds(60));
            var killedAt = DateTimeOffset.UtcNow;
            await first.KillAsync();
            await WaitUntilAsync(() => emulator.Calls.Any(c => c.AnsweredAt is null || c.AnsweredAt > killedAt), TimeSpan.FromSeconds(5));
            await Assert.ThrowsAsync<HttpRequestException>(() => drain);
            firstOutput = first.Output;
        }

        var callsBeforeCrash = emulator.Calls.Count(c => c.Endpoint == "idcard");
        Assert.IsLessThan(Jobs, callsBeforeCrash, "the crash came too late to interrupt the drain");

        await using var second = await HandlerProcess.StartAsync(settings);
        second.Client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", Account);
        var results = new Dictionary<string, JsonElement>();
        await WaitUntilAsync(
            async () =>
            {
                using (await second.InvokeTimerAsync(ShimingFunctions.DrainVerifications.Name))
                {
                }

                foreach (var uri in statusUris.Where(u => !results.ContainsKey(u)))
                {
                    using var status = await second.Client.GetAsync(uri);
                    if (status.StatusCode == HttpStatusCode.OK)
                    {
                        results[uri] = await status.Content.ReadFromJsonAsync<JsonElement>();
                    }
                }

                return results.Count == Jobs;
            },
            TimeSpan.FromSeconds(120));

        Assert.IsTrue(results.Values.All(r => r.GetProperty("runtimeStatus").GetString() == "Completed"));
        var finishedLines = FinishedLine().Matches(firstOutput + second.Output).Select(m => m.Groups["id"].Value).ToList();
        var ids = statusUris.Select(u => u[(u.LastIndexOf('/') + 1)..]).ToList();
        Assert.IsTrue(ids.All(id => finishedLines.Count(f => f == id) <= 1), "a job's result was written twice");
        Assert.IsTrue(finishedLines.All(ids.Contains));

        var storage = AzuriteStorage.Verifications(await Azurite.GetSharedAsync(), settings);
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

    [GeneratedRegex("Verification (?<id>[0-9a-f]{32}) finished")]
    private static partial Regex FinishedLine();
}
