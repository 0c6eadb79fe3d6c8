using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Kinds;

/// <summary>
/// Cards, text and moderation in one burst, with the timers running: each kind is fed to its own Baidu API within its
/// own budget, as Baidu counts it (arrival times at the emulator, which refuses any call over an API's limit). Run
/// alone, as <c>PacingTests</c> is: arrival times are only as faithful as the machine is idle.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class MixedBurstTests
{
    [TestMethod]
    public async Task A_burst_of_each_kind_at_once_keeps_each_within_its_own_limit_and_finishes_every_job()
    {
        const int qps = 5;
        const int jobsPerKind = 20;
        var limits = new Dictionary<string, int> { [EmulatorApis.IdCard] = qps, [EmulatorApis.AccurateBasic] = qps, [EmulatorApis.UserDefined] = qps };
        var emulator = new EmulatorOptions();
        foreach (var (api, limit) in limits)
        {
            emulator.Apis[api] = new EmulatorApiOptions { QpsLimit = limit };
        }

        await using var app = await ShimingTestApp.StartAsync(
            s =>
            {
                var limit = qps.ToString(CultureInfo.InvariantCulture);
                s["Baidu:QpsLimit"] = limit;
                s["Baidu:Budgets:text:QpsLimit"] = limit;
                s["Baidu:Budgets:moderation:QpsLimit"] = limit;

                // Room for a loaded test machine's scheduling jitter between a start and its arrival.
                s["Baidu:PacingMarginMin"] = "0.2";
            },
            emulatorOptions: emulator);

        var submissions = Enumerable.Range(0, jobsPerKind).SelectMany(i => new[]
        {
            ("verifications", SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9000 + i)))),
            ("text-recognitions", TestKind.Text.Sample(9100 + i)),
            ("image-moderations", TestKind.Moderation.Sample(9200 + i)),
        }).ToList();
        var statusUris = await Task.WhenAll(submissions.Select(async submission =>
        {
            var content = new ByteArrayContent(submission.Item2);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var response = await app.Client.PostAsync($"/api/{submission.Item1}", content);
            Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
            return response.Headers.Location!.ToString();
        }));
        var results = await Task.WhenAll(statusUris.Select(uri => app.WaitForTerminalAsync(uri, TimeSpan.FromMinutes(3))));

        Assert.IsTrue(results.All(r => r.GetProperty("runtimeStatus").GetString() == "Completed"), string.Join('\n', results.Where(r => r.GetProperty("runtimeStatus").GetString() != "Completed")));
        var calls = app.Emulator.Calls;
        Assert.IsFalse(calls.Any(c => c.ErrorCode == 18), "Baidu refused a call as over its QPS limit");
        foreach (var (api, limit) in limits)
        {
            var arrivals = calls.Where(c => c.Endpoint == api).Select(c => c.ArrivedAt).ToList();
            Assert.HasCount(jobsPerKind, arrivals, api);
            Assert.IsLessThanOrEqualTo(limit, StartWindows.MaxStartsInAnySecond(arrivals), api);
        }

        // Each kind spends its own budget: together they went over any one kind's limit, which one shared budget never would.
        Assert.IsGreaterThan(qps, StartWindows.MaxStartsInAnySecond(calls.Select(c => c.ArrivedAt)), "the kinds were paced as one budget");
    }
}
