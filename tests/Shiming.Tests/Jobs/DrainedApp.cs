using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Azure.Data.Tables;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// The real app with its timers left out, so that a test decides when the drain runs, and what a test needs to see
/// of a job beyond the HTTP API: its attempts as recorded, and the poison queue.
/// </summary>
internal sealed class DrainedApp : IAsyncDisposable
{
    private DrainedApp(ShimingTestApp app) => App = app;

    public ShimingTestApp App { get; }

    public BaiduEmulatorHost Emulator => App.Emulator;

    /// <summary>The OCR calls that reached the emulator.</summary>
    public IReadOnlyList<EmulatorCall> Calls => App.Emulator.Calls;

    public static async Task<DrainedApp> StartAsync(EmulatorOptions emulator, int maxAttempts = 2, Action<Dictionary<string, string?>>? configure = null) =>
        new(await ShimingTestApp.StartAsync(
            settings =>
            {
                settings["Verifications:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);

                // A drain run ends once nothing is visible in the queue and its calls are answered; this bounds one that
                // keeps finding work.
                settings["Verifications:DrainDuration"] = "00:00:01";
                configure?.Invoke(settings);
            },
            emulator,
            runTimers: false));

    /// <summary>Submits a synthetic card and returns the job's id and status URI.</summary>
    public async Task<(string Id, string StatusUri)> SubmitAsync(byte[] image, string side = "front")
    {
        using var response = await App.SubmitAsync(image, side);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (accepted.GetProperty("id").GetString()!, response.Headers.Location!.ToString());
    }

    /// <summary>The status answer: 200 once the job is finished, 202 while it waits.</summary>
    public async Task<(HttpStatusCode Code, JsonElement Body)> GetStatusAsync(string statusUri)
    {
        using var response = await App.Client.GetAsync(statusUri);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>Runs the drain, again whenever the job has been put back, until the job is finished.</summary>
    public async Task<JsonElement> DrainUntilFinishedAsync(string statusUri, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            await App.DrainOnceAsync();
            var (code, body) = await GetStatusAsync(statusUri);
            if (code == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.AreEqual(HttpStatusCode.Accepted, code, body.ToString());

            // A job put back after a fault is invisible for its backoff (one to two seconds after the first attempt).
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    /// <summary>The attempts at Baidu counted in the job's record.</summary>
    public async Task<int> AttemptsAsync(string id)
    {
        await foreach (var entity in App.Storage.Records.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {id}")))
        {
            return entity.GetInt32("Attempts") ?? 0;
        }

        throw new AssertFailedException($"No record of job {id}.");
    }

    /// <summary>The job ids named by messages in the poison queue (read, and so hidden for a while, not removed).</summary>
    public async Task<IReadOnlyList<string>> PoisonedJobIdsAsync()
    {
        var messages = (await App.Storage.Poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
        return [.. messages.Select(message => JsonDocument.Parse(message.Body.ToString()).RootElement.GetProperty("id").GetString()!)];
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
