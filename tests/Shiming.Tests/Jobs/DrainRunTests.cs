using System.Net;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>How long one drain run lasts: the timer starts the next run only once this one has ended.</summary>
[TestClass]
public sealed class DrainRunTests
{
    [TestMethod]
    public async Task A_job_submitted_while_the_runs_calls_are_out_is_called_in_that_run_not_the_next()
    {
        // Answers take long enough for the second job to be submitted while the first one's call is out, even when a
        // busy machine takes seconds to accept it.
        var emulator = new EmulatorOptions { LatencyMedian = TimeSpan.FromSeconds(5) };
        await using var app = await ShimingTestApp.StartDrainedAsync(emulator, configure: settings => settings["Verifications:DrainDuration"] = "00:00:30");
        var first = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3101));

        var run = app.DrainOnceAsync();
        await WaitUntilRunningAsync(app, first.StatusUri);
        var second = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3102));
        await run;

        foreach (var (_, statusUri) in new[] { first, second })
        {
            var (code, body) = await app.GetStatusAsync(statusUri);
            Assert.AreEqual(HttpStatusCode.OK, code, body.ToString());
            Assert.AreEqual("Completed", body.GetProperty("runtimeStatus").GetString(), body.ToString());
        }

        Assert.HasCount(2, app.Calls);
    }

    private static async Task WaitUntilRunningAsync(ShimingTestApp app, string statusUri)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await app.GetStatusAsync(statusUri)).Body.GetProperty("runtimeStatus").GetString() != "Running")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }
}
