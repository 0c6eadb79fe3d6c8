using System.Net;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>The drain runs every second: a run that finds nothing must not fill the logs.</summary>
[TestClass]
public sealed class DrainLogTests
{
    private const string Summary = "Shiming.Jobs.JobDrain: Drain took ";

    [TestMethod]
    public async Task An_idle_drain_run_logs_its_summary_at_Debug_and_a_run_that_took_jobs_at_Information()
    {
        await using var app = await ShimingTestApp.StartAsync(runTimers: false, verboseLogs: true);

        await app.DrainOnceAsync();
        using var submitted = await app.SubmitAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(7301))));
        Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode);
        await app.DrainOnceAsync();

        var summaries = app.LogLines.Where(line => line.Contains(Summary, StringComparison.Ordinal)).ToList();
        Assert.HasCount(2, summaries);
        StringAssert.StartsWith(summaries[0], $"Debug {Summary}0 jobs");
        StringAssert.StartsWith(summaries[1], $"Information {Summary}1 jobs: 1 finished");
    }
}
