using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// Storage (an Azurite of the test's own, its data on disk) stopped while the app is running and started again on the
/// same data and ports: Baidu's answers that came meanwhile are recorded once it is back, without a second call. And
/// storage throttling (503 ServerBusy to every request) answered as an outage.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class StorageOutageTests
{
    private const int Jobs = 3;

    // Azurite writes its data to disk every few seconds; a stop this long after the last write loses none of it.
    private static readonly TimeSpan AzuritePersists = TimeSpan.FromSeconds(6);

    [TestMethod]
    public async Task Answers_that_come_while_storage_is_away_are_recorded_once_it_is_back_without_calling_Baidu_again()
    {
        var data = Directory.CreateTempSubdirectory("shiming-azurite-");
        var azurite = await Azurite.StartAsync(location: data.FullName);
        try
        {
            // Baidu answers 14 s after each call arrives; storage goes away while the calls are out.
            await using var app = await ShimingTestApp.StartAsync(
                settings => settings["Baidu:RequestTimeout"] = "00:00:30",
                new EmulatorOptions { LatencyMedian = TimeSpan.FromSeconds(14) },
                runTimers: false,
                verboseLogs: true,
                storage: azurite);

            var statusUris = new List<string>();
            for (var i = 0; i < Jobs; i++)
            {
                var content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9600 + i))));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                using var accepted = await app.Client.PostAsync("/api/verifications?side=front", content);
                Assert.AreEqual(HttpStatusCode.Accepted, accepted.StatusCode);
                statusUris.Add(accepted.Headers.Location!.AbsolutePath);
            }

            var drain = app.Host.RunFunctionAsync("DrainVerifications");
            // The calls start within a second or two (the emulator lists a call once it is answered).
            await Task.Delay(TimeSpan.FromSeconds(2) + AzuritePersists);
            var stoppedAt = DateTimeOffset.UtcNow;
            await azurite.DisposeAsync();

            // Every answer comes while storage is away, and storage stays away a while longer.
            await WaitUntilAsync(() => app.CallsTo("idcard").Count == Jobs, TimeSpan.FromSeconds(30));
            Assert.IsTrue(app.CallsTo("idcard").All(c => c.AnsweredAt > stoppedAt), $"an answer came before storage went away: {stoppedAt:O} {string.Join(", ", app.CallsTo("idcard").Select(c => $"{c.ArrivedAt:O}-{c.AnsweredAt:O}"))}");
            await Task.Delay(TimeSpan.FromSeconds(2));
            azurite = await Azurite.StartAsync(location: data.FullName, samePortsAs: azurite);

            var run = await drain.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.IsTrue(run.Succeeded, $"the drain failed: {run.ExceptionType}");
            foreach (var statusUri in statusUris)
            {
                var (code, body) = await app.GetStatusAsync(statusUri);
                Assert.AreEqual(HttpStatusCode.OK, code);
                Assert.AreEqual("Completed", body.GetProperty("runtimeStatus").GetString());
            }

            Assert.HasCount(Jobs, app.CallsTo("idcard"), "Baidu was called again for an answer already received");
            var retries = app.LogLines.Where(line => line.Contains("outcome not recorded yet", StringComparison.Ordinal)).ToList();
            Assert.IsNotEmpty(retries, "the recording was not retried");
            Assert.AreEqual(1, app.LogLines.Count(line => line.Contains("Storage is unreachable", StringComparison.Ordinal)), "the outage was not said once");
            Assert.IsFalse(retries.Any(line => line.Contains("warn", StringComparison.OrdinalIgnoreCase)), $"each retry within a known outage was a warning: {retries[0]}");
        }
        finally
        {
            await azurite.DisposeAsync();
            data.Delete(recursive: true);
        }
    }

    [TestMethod]
    public async Task While_storage_is_away_the_API_answers_503_with_Retry_After_and_everything_picks_up_when_it_is_back()
    {
        var data = Directory.CreateTempSubdirectory("shiming-azurite-");
        var azurite = await Azurite.StartAsync(location: data.FullName);
        try
        {
            await using var app = await ShimingTestApp.StartAsync(configure: null, new EmulatorOptions(), runTimers: false, storage: azurite);
            var (_, statusUri) = await app.SubmitJobAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9700))));
            await Task.Delay(AzuritePersists);
            await azurite.DisposeAsync();

            // Submit, status and the roster: each a 503 problem with Retry-After, none a 500 or a request left hanging.
            var drainWhileAway = await app.Host.RunFunctionAsync("DrainVerifications");
            await AssertAnsweredStorageUnavailableAsync(app, statusUri, new Random(9701));
            Assert.IsTrue(drainWhileAway.Succeeded, $"a drain failed while storage was away: {drainWhileAway.ExceptionType}");

            azurite = await Azurite.StartAsync(location: data.FullName, samePortsAs: azurite);
            var result = await app.DrainUntilFinishedAsync(statusUri);
            Assert.AreEqual("Completed", result.GetProperty("runtimeStatus").GetString());
            using var after = await app.Client.GetAsync("/api/patients");
            Assert.AreEqual(HttpStatusCode.OK, after.StatusCode);

            // The outage is told once when it starts and once when it ends, with no stack trace.
            var lines = app.LogLines;
            Assert.AreEqual(1, lines.Count(line => line.Contains("Storage is unreachable", StringComparison.Ordinal)), string.Join('\n', lines));
            Assert.AreEqual(1, lines.Count(line => line.Contains("Storage is reachable again", StringComparison.Ordinal)));
            Assert.IsFalse(lines.Any(line => line.Contains("   at ", StringComparison.Ordinal)), "a stack trace was logged");
        }
        finally
        {
            await azurite.DisposeAsync();
            data.Delete(recursive: true);
        }
    }

    [TestMethod]
    public async Task While_storage_throttles_the_API_answers_503_with_Retry_After_and_the_job_is_finished_once_it_stops()
    {
        // Azure Storage answering 503 ServerBusy to everything the app and its host ask, after the SDK's own retries.
        await using var storage = await StorageProxy.StartAsync(await Azurite.GetSharedAsync());
        await using var app = await ShimingTestApp.StartAsync(settings => settings["AzureWebJobsStorage"] = storage.ConnectionString, runTimers: false);
        var (_, statusUri) = await app.SubmitJobAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9720))));
        storage.State = StorageState.Busy;

        var drainWhileBusy = await app.Host.RunFunctionAsync("DrainVerifications");
        await AssertAnsweredStorageUnavailableAsync(app, statusUri, new Random(9721));
        Assert.IsTrue(drainWhileBusy.Succeeded, $"a drain failed while storage throttled: {drainWhileBusy.ExceptionType}");
        Assert.IsEmpty(app.CallsTo("idcard"), "a job was sent to Baidu though its start could not be recorded");

        storage.State = StorageState.Reachable;
        var result = await app.DrainUntilFinishedAsync(statusUri);

        Assert.AreEqual("Completed", result.GetProperty("runtimeStatus").GetString());
        Assert.HasCount(1, app.CallsTo("idcard"));
        var lines = app.LogLines;
        Assert.AreEqual(1, lines.Count(line => line.Contains("Storage is unreachable (503 ServerBusy)", StringComparison.Ordinal)), string.Join('\n', lines));
        Assert.AreEqual(1, lines.Count(line => line.Contains("Storage is reachable again", StringComparison.Ordinal)));
        Assert.IsFalse(lines.Any(line => line.Contains("   at ", StringComparison.Ordinal)), "a stack trace was logged");
    }

    /// <summary>Submit, status and the roster: each a 503 problem with Retry-After, none a 500 or a request left hanging.</summary>
    private static async Task AssertAnsweredStorageUnavailableAsync(ShimingTestApp app, string statusUri, Random person)
    {
        using var submit = await app.SubmitAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(person)));
        using var status = await app.Client.GetAsync(statusUri);
        using var patients = await app.Client.GetAsync("/api/patients");
        foreach (var (name, response) in new[] { ("submit", submit), ("status", status), ("patients", patients) })
        {
            Assert.AreEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode, name);
            Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType, name);
            Assert.IsNotNull(response.Headers.RetryAfter?.Delta, $"{name}: no Retry-After");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.AreEqual("storage_unavailable", problem.GetProperty("code").GetString(), name);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.IsLessThan(deadline, DateTime.UtcNow, "timed out");
            await Task.Delay(100);
        }
    }
}
