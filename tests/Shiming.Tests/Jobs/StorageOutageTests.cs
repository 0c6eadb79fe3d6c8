using System.Net;
using System.Net.Http.Headers;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// Storage (an Azurite of the test's own, its data on disk) stopped while the app is running and started again on the
/// same data and ports: Baidu's answers that came meanwhile are recorded once it is back, without a second call.
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
            Assert.IsTrue(app.LogLines.Any(line => line.Contains("outcome not recorded yet", StringComparison.Ordinal)), "the recording was not retried");
        }
        finally
        {
            await azurite.DisposeAsync();
            data.Delete(recursive: true);
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
