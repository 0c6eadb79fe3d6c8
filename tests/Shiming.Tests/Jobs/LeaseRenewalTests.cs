using System.Net;
using System.Net.Http.Headers;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// The drain keeps renewing the lease of a job it is working on, so a job whose call outlasts the lease stays its own:
/// a second drain running meanwhile never takes it and never pays Baidu for it again.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LeaseRenewalTests
{
    [TestMethod]
    public async Task A_job_held_past_its_first_lease_by_a_slow_call_is_not_taken_by_a_second_drain()
    {
        // The shortest lease allowed, and Baidu answering only after it has run out once.
        await using var app = await ShimingTestApp.StartAsync(
            settings =>
            {
                settings["Verifications:ProcessingLease"] = "00:00:10";
                settings["Baidu:RequestTimeout"] = "00:00:30";
            },
            new EmulatorOptions { LatencyMedian = TimeSpan.FromSeconds(14) },
            runTimers: false);

        var content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9500))));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var accepted = await app.Client.PostAsync("/api/verifications?side=front", content);
        Assert.AreEqual(HttpStatusCode.Accepted, accepted.StatusCode);
        var statusUri = accepted.Headers.Location!.AbsolutePath;

        var first = app.Host.RunFunctionAsync("DrainVerifications");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!first.IsCompleted)
        {
            // Other drains keep looking for work the whole time, past the first lease's end.
            await app.Host.RunFunctionAsync("DrainVerifications");
            Assert.IsLessThan(deadline, DateTime.UtcNow, "the first drain did not finish");
            await Task.Delay(500);
        }

        Assert.IsTrue((await first).Succeeded);
        var (code, body) = await app.GetStatusAsync(statusUri);
        Assert.AreEqual(HttpStatusCode.OK, code);
        Assert.AreEqual("Completed", body.GetProperty("runtimeStatus").GetString());
        Assert.HasCount(1, app.CallsTo("idcard"), "the job was taken again while its call was out");
    }
}
