using System.Net;
using System.Net.Http.Headers;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// The budget as Baidu sees it: arrival times at the emulator, which refuses any call over its limit.
/// Run alone: arrival times are only as faithful as the machine is idle, and the browser and recognition
/// tests would otherwise share its cores.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class PacingTests
{
    [TestMethod]
    public async Task A_burst_is_fed_to_Baidu_without_ever_exceeding_its_limit_in_any_second()
    {
        const int qps = 5;
        const int cards = 40;
        await using var app = await StartAsync(qps);
        var submitted = await SubmitBurstAsync(app, cards, seed: 7000);
        var results = await Task.WhenAll(submitted.Select(uri => app.WaitForTerminalAsync(uri, TimeSpan.FromMinutes(3))));

        Assert.IsTrue(results.All(r => r.GetProperty("runtimeStatus").GetString() == "Completed"));
        var calls = app.Emulator.Calls.Where(c => c.Endpoint == "idcard").ToList();
        Assert.IsFalse(calls.Any(c => c.ErrorCode == 18), "Baidu refused a call as over its QPS limit");
        Assert.HasCount(cards, calls);
        Assert.IsLessThanOrEqualTo(qps, StartWindows.MaxStartsInAnySecond(calls.Select(c => c.ArrivedAt)));
    }

    [TestMethod]
    public async Task Runs_on_demand_beside_the_scheduled_drain_stay_inside_the_budget_and_take_no_job_twice()
    {
        // The host's run on demand takes no listener lock, so it overlaps the drain the timer runs every second.
        const int qps = 5;
        const int cards = 20;
        await using var app = await StartAsync(qps);
        var submitted = await SubmitBurstAsync(app, cards, seed: 7100);
        var onDemand = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => app.Host.RunFunctionAsync("DrainVerifications")));
        var results = await Task.WhenAll(submitted.Select(uri => app.WaitForTerminalAsync(uri, TimeSpan.FromMinutes(3))));

        Assert.IsTrue(onDemand.All(r => r.Succeeded));
        Assert.IsTrue(results.All(r => r.GetProperty("runtimeStatus").GetString() == "Completed"));
        var calls = app.Emulator.Calls.Where(c => c.Endpoint == "idcard").ToList();
        Assert.IsFalse(calls.Any(c => c.ErrorCode == 18), "Baidu refused a call as over its QPS limit");
        Assert.HasCount(cards, calls, "A job was read twice.");
        Assert.IsLessThanOrEqualTo(qps, StartWindows.MaxStartsInAnySecond(calls.Select(c => c.ArrivedAt)));
    }

    private static Task<ShimingTestApp> StartAsync(int qps) => ShimingTestApp.StartAsync(
        s =>
        {
            s["Baidu:QpsLimit"] = qps.ToString(System.Globalization.CultureInfo.InvariantCulture);
            s["Verifications:MaxLiveJobsPerAccount"] = "100";

            // Room for a loaded test machine's scheduling jitter between a start and its arrival.
            s["Baidu:PacingMarginMin"] = "0.2";
        },
        emulatorOptions: new EmulatorOptions { QpsLimit = qps });

    /// <summary>Submits <paramref name="cards"/> fronts at once and returns their status URIs.</summary>
    private static Task<string[]> SubmitBurstAsync(ShimingTestApp app, int cards, int seed) =>
        Task.WhenAll(Enumerable.Range(0, cards).Select(async i =>
        {
            var content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(seed + i))));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var response = await app.Client.PostAsync("/api/verifications", content);
            Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
            return response.Headers.Location!.ToString();
        }));
}
