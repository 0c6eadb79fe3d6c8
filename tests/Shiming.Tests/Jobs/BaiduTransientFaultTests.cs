using System.Net;
using System.Net.Sockets;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// Faults the drain retries with backoff, counted in the job record, until <c>Verifications:MaxAttempts</c>: error
/// 282000, HTTP 5xx, timeouts and connection faults, injected by the emulator against the real app.
/// </summary>
[TestClass]
public sealed class BaiduTransientFaultTests
{
    private const int MaxAttempts = 2;

    [TestMethod]
    [DataRow(EmulatorFaults.InternalError)]
    [DataRow(EmulatorFaults.ServerError)]
    [DataRow(EmulatorFaults.ConnectionReset)]
    [DataRow(EmulatorFaults.Timeout)]
    public async Task A_fault_on_every_attempt_fails_the_job_as_provider_unavailable_and_poisons_its_message(string fault)
    {
        var emulator = new EmulatorOptions();
        switch (fault)
        {
            case EmulatorFaults.InternalError: emulator.InternalErrorRate = 1; break;
            case EmulatorFaults.ServerError: emulator.ServerErrorRate = 1; break;
            case EmulatorFaults.ConnectionReset: emulator.ConnectionResetRate = 1; break;
            case EmulatorFaults.Timeout: emulator.TimeoutRate = 1; break;
        }

        await using var app = await ShimingTestApp.StartDrainedAsync(emulator, MaxAttempts, settings => settings["Baidu:RequestTimeout"] = "00:00:01");
        var (id, statusUri) = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3100));

        var status = await app.DrainUntilFinishedAsync(statusUri);

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("provider_unavailable", status.GetProperty("error").GetProperty("code").GetString());
        Assert.AreEqual(MaxAttempts, await app.AttemptsAsync(id));
        var calls = await CallsAsync(app, MaxAttempts);
        Assert.HasCount(MaxAttempts, calls, BaiduOutcomeTests.Describe(calls));
        Assert.IsTrue(calls.All(call => call.Fault == fault), BaiduOutcomeTests.Describe(calls));
        CollectionAssert.AreEqual(new[] { id }, (await app.PoisonedJobIdsAsync()).ToList());
    }

    [TestMethod]
    public async Task Baidu_unreachable_fails_the_job_as_provider_unavailable_after_its_attempts()
    {
        var closedPort = ClosedPort();
        await using var app = await ShimingTestApp.StartDrainedAsync(
            new EmulatorOptions(), MaxAttempts, settings => settings["Baidu:Endpoint"] = $"http://127.0.0.1:{closedPort}/");
        var (id, statusUri) = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3101));

        var status = await app.DrainUntilFinishedAsync(statusUri);

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("provider_unavailable", status.GetProperty("error").GetProperty("code").GetString());
        Assert.AreEqual(MaxAttempts, await app.AttemptsAsync(id));
        CollectionAssert.AreEqual(new[] { id }, (await app.PoisonedJobIdsAsync()).ToList());
    }

    [TestMethod]
    public async Task Occasional_faults_are_retried_until_the_job_completes()
    {
        // Seed 1 draws, for one job's calls in turn: 282000, an HTTP 5xx, then a proper answer.
        var emulator = new EmulatorOptions { InternalErrorRate = 0.3, ServerErrorRate = 0.2, ConnectionResetRate = 0.1, FaultSeed = 1 };
        await using var app = await ShimingTestApp.StartDrainedAsync(emulator, maxAttempts: 4);
        var (id, statusUri) = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3102));

        var status = await app.DrainUntilFinishedAsync(statusUri);

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        var calls = app.Calls;
        CollectionAssert.AreEqual(
            new[] { EmulatorFaults.InternalError, EmulatorFaults.ServerError, null },
            calls.Select(call => call.Fault).ToList(),
            BaiduOutcomeTests.Describe(calls));
        Assert.AreEqual(3, await app.AttemptsAsync(id));
        Assert.IsEmpty(await app.PoisonedJobIdsAsync());
    }

    /// <summary>The calls logged; a call the app gave up on is logged when the emulator notices, a moment later.</summary>
    private static async Task<IReadOnlyList<EmulatorCall>> CallsAsync(ShimingTestApp app, int expected)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (app.Calls.Count < expected && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        return app.Calls;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
